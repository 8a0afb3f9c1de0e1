"""The back office's pages for applications: the department's queue, one application with its
applicant, form, materials checklist and timeline, and the lifecycle's actions (reasons and
legal basis, the one-time supplement notice, the certificate's fields). Thin: parse the posted
form into the action's body, call ``cases.service.perform``, render."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from zhizhi.cases import lifecycles, search
from zhizhi.cases import service as cases
from zhizhi.cases.enums import CaseKind, CaseStatus
from zhizhi.cases.filters import CaseFilter
from zhizhi.certificates import service as certificates
from zhizhi.core.errors import DomainError, FieldProblem, Forbidden
from zhizhi.core.permissions import Permission
from zhizhi.http import textguard
from zhizhi.http.deps import DbSession
from zhizhi.services.applications import views
from zhizhi.services.applications.enums import MAX_EXTENSION_WORKING_DAYS, Delivery
from zhizhi.services.applications.lifecycle import STATUS_LABELS
from zhizhi.services.applications.pages import problems_context
from zhizhi.services.items import service as items
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import Posted
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
_READERS = (Permission.APPLICATION_REVIEW, Permission.APPLICATION_DECIDE, Permission.APPLICATION_EXTEND)


def _require(principal: Any) -> None:
    if not any(principal.can(p) for p in _READERS):
        raise Forbidden("您的角色不办理政务服务申请", "your role does not handle applications")


@router.get("/work/applications")
def queue(
    request: Request,
    session: DbSession,
    principal: Staff,
    status: str = Query("", max_length=20),
    page: int = Query(1, ge=1, le=10_000),
) -> Response:
    _require(principal)
    chosen = status if status in STATUS_LABELS else None
    f = CaseFilter(kind=CaseKind.APPLICATION, status=CaseStatus(chosen) if chosen else None)
    rows, total, _ = search.search(session, principal, f, page=page, page_size=30)
    apps = views.list_rows(session, rows)
    ctx = {
        "rows": apps,
        "total": total,
        "page": page,
        "status": chosen or "",
        "statuses": [(code, label) for code, label in STATUS_LABELS.items()],
    }
    return render(request, "services/work_list.html", ctx, principal=principal)


def _detail(request: Request, session: Any, principal: Any, number: str, **extra: Any) -> Response:
    app = views.read(session, principal, number)
    version = items.version_by_id(session, app.item["version_id"])
    timeline = cases.timeline(session, principal, number, reveal=True)
    kind = version.result.certificate_type
    ctx: dict[str, Any] = {
        "app": app,
        "version": version,
        "timeline": timeline,
        "actions": app.available_actions,
        "cert_fields": certificates.certificate_type(kind).fields if kind else (),
        "deliveries": [d.value for d in Delivery],
        "max_days": MAX_EXTENSION_WORKING_DAYS,
        "labels": {t.action: (t.zh, t.en) for t in lifecycles.for_kind("application").table},
        "problems": [],
        "by_field": {},
        "summary": "",
        "posted": {},
        "open_action": "",
    } | extra
    status = int(str(ctx.pop("status", 200)))
    return render(request, "services/work_detail.html", ctx, status_code=status, principal=principal)


@router.get("/work/applications/{number}")
def detail(request: Request, session: DbSession, principal: Staff, number: str) -> Response:
    _require(principal)
    return _detail(request, session, principal, number[:20])


def body_from_form(action: str, posted: dict[str, str]) -> dict[str, Any]:
    """The action's JSON body from the posted form (the API validates it the same way)."""
    body: dict[str, Any] = {"action": action}
    plain = ("note", "opinion", "reason", "legal_basis", "procedure", "result", "method", "detail")
    for key in plain:
        if posted.get(key):
            body[key] = posted[key]
    if posted.get("days"):
        body["days"] = posted["days"]
    if posted.get("expected_days"):
        body["expected_days"] = posted["expected_days"]
    if posted.get("respond_days"):
        body["respond_days"] = posted["respond_days"]
    if action == "request_supplement":
        body["items"] = [
            {
                "code": key.removeprefix("item."),
                "problem": posted.get(f"problem.{key.removeprefix('item.')}", ""),
            }
            for key in posted
            if key.startswith("item.")
        ]
    certs = {k.removeprefix("cert."): v for k, v in posted.items() if k.startswith("cert.") and v.strip()}
    if certs:
        body["certificate_fields"] = certs
    if posted.get("valid_to"):
        body["valid_to"] = posted["valid_to"]
    if action == "supplement":
        body["materials"] = [
            {"code": key.removeprefix("received."), "received": True}
            for key in posted
            if key.startswith("received.")
        ]
    return body


@router.post("/work/applications/{number}/act", dependencies=[Depends(csrf.verify)])
def act(request: Request, session: DbSession, principal: Staff, number: str, posted: Posted) -> Response:
    _require(principal)
    number = number[:20]
    lang = i18n.lang_of(request)
    form = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    action = form.get("action", "")[:40]
    try:
        textguard.check_fields(form)
        body = lifecycles.for_kind("application").parse(body_from_form(action, form))
        cases.perform(session, principal, number, body)
    except DomainError as exc:
        session.rollback()
        extra = problems_context(exc, lang) | {"posted": form, "open_action": action, "status": exc.status}
        return _detail(request, session, principal, number, **extra)
    except RequestValidationError as exc:  # the body's fields: the same page, each one named
        session.rollback()
        problems = [
            FieldProblem(".".join(str(x) for x in e["loc"][2:]), "此项无效或未填写", str(e.get("msg", "")))
            for e in exc.errors()
        ]
        wrapped = DomainError("请检查填写内容", "check the form", errors=problems)
        extra = problems_context(wrapped, lang) | {"posted": form, "open_action": action, "status": 422}
        return _detail(request, session, principal, number, **extra)
    return RedirectResponse(f"/work/applications/{number}#timeline", status_code=303)
