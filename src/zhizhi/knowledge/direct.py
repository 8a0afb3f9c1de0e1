"""直办 citing an article: the agent answers the caller from the knowledge base at intake.

One use case: the appeal is registered (``cases.service.create_case``), then answered through
the lifecycle's ``answer_directly`` (every check of ``cases.service.perform`` applies) with the
reply citing the article's published version, closed at once when the caller accepted it
(直办办结, the transition's branch), and the citation stored.  The case's timeline shows what
was cited (the event's ``cite``); the article's page lists the cases that cited it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhizhi.cases import schemas as case_schemas
from zhizhi.cases import service as cases
from zhizhi.core import audit, clock
from zhizhi.core.errors import ValidationFailed
from zhizhi.core.principal import Principal
from zhizhi.knowledge import repository as repo
from zhizhi.knowledge import service
from zhizhi.knowledge.models import Citation
from zhizhi.knowledge.schemas import CitationOut, DirectAnswerIn

MAX_DEFAULT_REPLY = 2000


def cite_text(ref: str, version: int, title: str) -> str:
    return f"{ref} 第{version}版《{title}》"


def answer_with_article(
    session: Session, principal: Principal, data: DirectAnswerIn, idempotency_key: str | None = None
) -> cases.Case:
    """Register the appeal and answer it directly citing ``data.article``; returns the case.

    With an ``idempotency_key`` a retry of the same call (same caller and appeal) returns the
    case it made, as it is now, instead of registering and answering a second one."""
    article, text = service.citable(session, principal, data.article)
    if data.close and not data.case.category and not article.category_code:
        raise ValidationFailed(
            "直办办结需选择诉求分类", "choose the appeal's category to close it", field="category"
        )
    case_data = data.case
    if not case_data.category and article.category_code:  # the article's category by default
        case_data = case_data.model_copy(update={"category": article.category_code})
    reply = (data.reply or "").strip() or text.body[:MAX_DEFAULT_REPLY]
    cite = cite_text(article.ref, text.version, text.title)
    if len(reply) < 2:
        raise ValidationFailed("答复内容太短", "the reply is too short", field="reply")
    case, created = cases.create_case(session, case_data, principal, idempotency_key)
    if not created:
        return case
    body = case_schemas.AnswerDirectly(action="answer_directly", reply=reply, cite=cite, close=data.close)
    case = cases.perform(session, principal, case.number, body)
    repo.add(
        session,
        Citation(
            article_id=article.id,
            version=text.version,
            case_id=case.id,
            case_number=case.number,
            cited_at=clock.now(),
            cited_by=principal.username,
        ),
    )
    audit.record(
        session,
        "knowledge.article_cited",
        principal.actor,
        object_type="case",
        object_id=case.number,
        article=article.ref,
        version=text.version,
    )
    return case


def citations_of_case(session: Session, principal: Principal, number: str) -> list[CitationOut]:
    """What a case's direct answers cited (the case must be visible to ``principal``)."""
    case = cases.get_case(session, principal, number)
    return [
        CitationOut(ref=a.ref, title=a.title, version=c.version, cited_by=c.cited_by)
        for c, a in repo.citations_of_case(session, case.id)
    ]


def citations_of_article(session: Session, principal: Principal, ref: str) -> list[str]:
    """The numbers of the newest cases that cited ``ref`` (writers only: a quality check)."""
    service.require_manage(principal)
    article = service.get_article(session, principal, ref)
    return [c.case_number for c in repo.citations_of_article(session, article.id)]
