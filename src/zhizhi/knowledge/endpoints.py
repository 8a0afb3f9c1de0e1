"""The knowledge API: search while typing, read, write and publish articles, and 直办 citing
an article."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from zhizhi.cases import service as cases
from zhizhi.cases.schemas import CaseOut
from zhizhi.http.deps import DbSession
from zhizhi.knowledge import direct, service
from zhizhi.knowledge.schemas import ArticleIn, ArticleOut, CitationOut, DirectAnswerIn, SearchOut
from zhizhi.org.deps import CurrentPrincipal

router = APIRouter(prefix="/api/v1/knowledge", tags=["knowledge 知识库"])
Ref = Annotated[str, Path(min_length=4, max_length=20)]


class RetireIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Annotated[str, Field(min_length=2, max_length=500)]


@router.get("/search", response_model=SearchOut)
def search(
    session: DbSession,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(max_length=200)] = "",
    limit: Annotated[int, Query(ge=1, le=20)] = 8,
    category: Annotated[str | None, Query(max_length=40)] = None,
) -> SearchOut:
    """Published articles valid today, best first (BM25 over jieba words of title, body, tags)."""
    return service.search(session, principal, q, limit=limit, category=category)


@router.get("/articles", response_model=list[ArticleOut])
def list_articles(
    session: DbSession,
    principal: CurrentPrincipal,
    status: Annotated[str | None, Query(max_length=12)] = None,
    q: Annotated[str | None, Query(max_length=50)] = None,
) -> list[ArticleOut]:
    rows = service.list_articles(session, principal, status=status, q=q)
    return [service.to_out(session, a) for a in rows]


@router.get("/articles/{ref}", response_model=ArticleOut)
def read_article(session: DbSession, principal: CurrentPrincipal, ref: Ref) -> ArticleOut:
    return service.to_out(session, service.get_article(session, principal, ref))


@router.get("/articles/{ref}/versions")
def versions(session: DbSession, principal: CurrentPrincipal, ref: Ref) -> list[dict[str, Any]]:
    return [
        {
            "version": v.version,
            "title": v.title,
            "saved_at": v.saved_at,
            "saved_by": v.saved_by,
            "note": v.note,
        }
        for v in service.history(session, principal, ref)
    ]


@router.post("/articles", response_model=ArticleOut, status_code=201)
def create(session: DbSession, principal: CurrentPrincipal, body: ArticleIn) -> ArticleOut:
    return service.to_out(session, service.create_article(session, principal, body))


@router.put("/articles/{ref}", response_model=ArticleOut)
def revise(session: DbSession, principal: CurrentPrincipal, ref: Ref, body: ArticleIn) -> ArticleOut:
    return service.to_out(session, service.update_article(session, principal, ref, body))


@router.post("/articles/{ref}/publish", response_model=ArticleOut)
def publish(session: DbSession, principal: CurrentPrincipal, ref: Ref) -> ArticleOut:
    return service.to_out(session, service.publish(session, principal, ref))


@router.post("/articles/{ref}/retire", response_model=ArticleOut)
def retire(session: DbSession, principal: CurrentPrincipal, ref: Ref, body: RetireIn) -> ArticleOut:
    return service.to_out(session, service.retire(session, principal, ref, body.reason))


@router.post("/answers", response_model=CaseOut, status_code=201)
def answer(
    session: DbSession,
    principal: CurrentPrincipal,
    body: DirectAnswerIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> CaseOut:
    """直办: register the appeal and answer it citing the article (closed unless ``close`` is
    false).  A retry with the same ``Idempotency-Key`` returns the case already made."""
    case = direct.answer_with_article(session, principal, body, idempotency_key)
    return cases.to_out(session, case, principal)


@router.get("/cases/{number}/citations", response_model=list[CitationOut])
def case_citations(
    session: DbSession, principal: CurrentPrincipal, number: Annotated[str, Path(max_length=40)]
) -> list[CitationOut]:
    return direct.citations_of_case(session, principal, number)
