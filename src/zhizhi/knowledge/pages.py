"""Knowledge pages: the article list and search, an article (published text, history, cases
that cited it), the writers' forms (new, revise, publish, retire), the intake form's article
panel (htmx, while the agent types) and its 直办 button.  Handlers parse, call the service,
render."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from zhizhi.cases.pages import panels
from zhizhi.cases.pages.workbench import intake_options
from zhizhi.cases.schemas import CaseCreate
from zhizhi.catalogue import service as catalogue
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Permission
from zhizhi.http.deps import DbSession
from zhizhi.knowledge import direct, service
from zhizhi.knowledge.enums import KIND_LABELS, STATUS_LABELS, ArticleKind, ArticleStatus
from zhizhi.knowledge.models import Article
from zhizhi.knowledge.schemas import ArticleIn, DirectAnswerIn
from zhizhi.org import service as org
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
RefQ = Annotated[str, Query(alias="ref", min_length=4, max_length=20)]
_FIELDS = ("kind", "title", "body", "category", "department", "tags", "valid_from", "valid_to", "note")


def _href(ref: str) -> str:
    return "/knowledge/article?ref=" + quote(ref)


def _row(session: DbSession, a: Article) -> dict[str, Any]:
    return {
        "a": a,
        "href": _href(a.ref),
        "kind": KIND_LABELS[ArticleKind(a.kind)],
        "status": STATUS_LABELS[ArticleStatus(a.status)],
        "category": service.to_out(session, a).category_path if a.category_code else "",
        "pending": a.status == ArticleStatus.PUBLISHED and a.published_version != a.version,
    }


@router.get("/knowledge")
def list_page(
    request: Request,
    session: DbSession,
    principal: Staff,
    q: Annotated[str, Query(max_length=200)] = "",
    status: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    manage = principal.can(Permission.KNOWLEDGE_MANAGE)
    found = service.search(session, principal, q, limit=20) if q.strip() else None
    rows = (
        [] if found else [_row(session, a) for a in service.list_articles(session, principal, status=status)]
    )
    ctx = {
        "q": q,
        "found": found,
        "rows": rows,
        "manage": manage,
        "status": status,
        "statuses": [(s.value, lbl) for s, lbl in STATUS_LABELS.items()],
    }
    return render(request, "knowledge/list.html", ctx, principal=principal)


def _form_context(session: DbSession, lang: str) -> dict[str, Any]:
    return {
        "kinds": [(k.value, i18n.pick(lbl, lang)) for k, lbl in KIND_LABELS.items()],
        "categories": catalogue.category_choices(session, lang),
        "departments": org.department_choices(session),
    }


def _article_body(form: FormData) -> dict[str, Any]:
    raw = {name: str(form.get(name, "")).strip() for name in _FIELDS}
    return {k: v for k, v in raw.items() if v or k in ("title", "body")}


@router.get("/knowledge/new")
def new_page(request: Request, session: DbSession, principal: Staff) -> Response:
    service.require_manage(principal)
    ctx = _form_context(session, i18n.lang_of(request)) | {"form": {"kind": "faq"}, "article": None}
    return render(request, "knowledge/edit.html", ctx, principal=principal)


def _save(
    request: Request, session: DbSession, principal: Staff, form: FormData, ref: str | None
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    try:
        data = ArticleIn.model_validate(_article_body(form))
        article = (
            service.update_article(session, principal, ref, data)
            if ref
            else service.create_article(session, principal, data)
        )
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        session.rollback()
        errors.from_domain(exc)
    else:
        return RedirectResponse(_href(article.ref) + "&done=saved", status_code=303)
    current = service.get_article(session, principal, ref) if ref else None
    ctx = _form_context(session, i18n.lang_of(request)) | {
        "form": {k: str(v) for k, v in form.items() if k in _FIELDS},
        "errors": errors,
        "article": current,
    }
    return render(request, "knowledge/edit.html", ctx, status_code=422, principal=principal)


@router.post("/knowledge/new", dependencies=[Depends(csrf.verify)])
def create(request: Request, session: DbSession, principal: Staff, form: Posted) -> Response:
    service.require_manage(principal)
    return _save(request, session, principal, form, None)


@router.get("/knowledge/article")
def article_page(
    request: Request, session: DbSession, principal: Staff, ref: RefQ, done: str = ""
) -> Response:
    article = service.get_article(session, principal, ref)
    manage = principal.can(Permission.KNOWLEDGE_MANAGE)
    out = service.to_out(session, article)
    versions = service.history(session, principal, ref)
    ctx = {
        "r": _row(session, article),
        "out": out,
        "text": service.published_text(session, article),
        "versions": versions,
        "names": org.display_names(session, [v.saved_by for v in versions]),  # never the login
        "manage": manage,
        "cited_by": direct.citations_of_article(session, principal, ref) if manage else [],
        "done": done if done in ("saved", "published", "retired") else "",
        "form": {
            "kind": article.kind,
            "title": article.title,
            "body": article.body,
            "category": article.category_code or "",
            "department": out.department or "",
            "tags": "，".join(article.tags),
            "valid_from": article.valid_from.isoformat(),
            "valid_to": article.valid_to.isoformat() if article.valid_to else "",
        },
    } | (_form_context(session, i18n.lang_of(request)) if manage else {})
    return render(request, "knowledge/article.html", ctx, principal=principal)


@router.post("/knowledge/article", dependencies=[Depends(csrf.verify)])
def revise(request: Request, session: DbSession, principal: Staff, ref: RefQ, form: Posted) -> Response:
    service.require_manage(principal)
    return _save(request, session, principal, form, ref)


@router.post("/knowledge/article/publish", dependencies=[Depends(csrf.verify)])
def publish(session: DbSession, principal: Staff, ref: RefQ) -> Response:
    article = service.publish(session, principal, ref)
    return RedirectResponse(_href(article.ref) + "&done=published", status_code=303)


@router.post("/knowledge/article/retire", dependencies=[Depends(csrf.verify)])
def retire(session: DbSession, principal: Staff, ref: RefQ, form: Posted) -> Response:
    article = service.retire(session, principal, ref, str(form.get("reason", ""))[:500])
    return RedirectResponse(_href(article.ref) + "&done=retired", status_code=303)


# ---- the intake form's panel ------------------------------------------------------------------


@router.post("/work/knowledge/suggest", dependencies=[Depends(csrf.verify)])
def suggest(
    request: Request,
    session: DbSession,
    principal: Staff,
    content: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """The articles matching what the agent has typed so far (an htmx fragment; POST, so a
    long appeal never makes a URL too long; the CSRF token comes in htmx's header)."""
    found = service.search(session, principal, content[:200], limit=5) if content.strip() else None
    return render(request, "knowledge/_suggest.html", {"found": found}, principal=principal)


_CASE_FIELDS = ("appeal_type", "channel", "category", "urgency", "content", "address", "language")
_CONTACT = ("contact_name", "contact_phone")


@router.post("/work/knowledge/answer", dependencies=[Depends(csrf.verify)])
def answer(request: Request, session: DbSession, principal: Staff, form: Posted) -> Response:
    """The intake form posted by an article's 直办 button: register and answer citing it."""
    lang = i18n.lang_of(request)
    raw: dict[str, Any] = {k: str(form.get(k, "")).strip() or None for k in _CASE_FIELDS + _CONTACT}
    raw["content"] = raw["content"] or ""
    raw["confidential"] = bool(form.get("confidential"))
    errors = FormErrors(lang)
    status = 422
    try:
        data = DirectAnswerIn(
            case=CaseCreate.model_validate({k: v for k, v in raw.items() if v is not None}),
            article=str(form.get("article", ""))[:20],
            reply=str(form.get("direct_reply", "")).strip()[:10_000] or None,
            close=bool(form.get("direct_close")),
        )
        case = direct.answer_with_article(session, principal, data)
    except ValidationError as exc:
        errors.from_validation(exc, strip_prefix="case.")
    except DomainError as exc:
        session.rollback()
        errors.from_domain(exc)
        status = exc.status
    else:
        return RedirectResponse(f"/work/cases/{case.number}?done=answer_directly", status_code=303)
    ctx = {
        "opts": intake_options(session, lang),
        "form": {k: (str(v) if v is not None else "") for k, v in raw.items()}
        | {"direct_reply": str(form.get("direct_reply", ""))[:10_000]},
        "errors": errors,
        "intake_panels": panels.intake_templates(),
    }
    return render(request, "cases/work/intake.html", ctx, status_code=status, principal=principal)
