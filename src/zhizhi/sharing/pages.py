"""Data sharing screens: the catalogue (browse, search, a resource and its request form),
requests and grants of one's department, the supervision queue, the owner's read log, and the
data subject's own view.  Thin: parse, call ``sharing.service`` / ``sharing.exchange``, render."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.core import clock
from zhizhi.core.errors import DomainError, Forbidden, ValidationFailed
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.sharing import excel, exchange, service, views
from zhizhi.sharing.endpoints import MAX_UPLOAD_BYTES, XLSX
from zhizhi.sharing.enums import (
    DUE_STATE_LABELS,
    GRADE_LABELS,
    OUTCOME_LABELS,
    PERSONAL_LABELS,
    PURPOSE_LABELS,
    REQUEST_STATUS_LABELS,
    SHARE_TYPE_LABELS,
    UPDATE_CYCLE_LABELS,
)
from zhizhi.sharing.schemas import DecisionIn, RequestIn, RevokeIn
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import MaybeStaff, Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
# the shell's three badge colours: green for unconditional, amber for conditional, red for not shared
SHARE_BADGE = {"unconditional": "sla-normal", "conditional": "sla-warning", "none": "sla-overdue"}
LABELS = {
    "share_type": {k.value: v for k, v in SHARE_TYPE_LABELS.items()},
    "grade": {k.value: v for k, v in GRADE_LABELS.items()},
    "personal": {k.value: v for k, v in PERSONAL_LABELS.items()},
    "cycle": {k.value: v for k, v in UPDATE_CYCLE_LABELS.items()},
    "purpose": {k.value: v for k, v in PURPOSE_LABELS.items()},
    "status": {k.value: v for k, v in REQUEST_STATUS_LABELS.items()},
    "due": {k.value: v for k, v in DUE_STATE_LABELS.items()},
    "outcome": {k.value: v for k, v in OUTCOME_LABELS.items()},
}


def _page(
    request: Request, name: str, principal: Principal | None, ctx: dict[str, Any], status: int = 200
) -> Response:
    return render(
        request,
        name,
        {"L": LABELS, "share_badge": SHARE_BADGE, **ctx},
        status_code=status,
        principal=principal,
    )


def _staff_only(request: Request, principal: Principal) -> Response | None:
    try:
        service.require_staff(principal)
    except Forbidden as exc:
        return error_page(request, (exc.zh, exc.en), 403, principal)
    return None


def _catalogue(
    request: Request,
    session: DbSession,
    principal: Principal,
    q: str = "",
    owner: str = "",
    share_type: str = "",
    **extra: Any,
) -> Response:
    q, owner, share_type = q.strip()[:80], owner.strip()[:40], share_type.strip()[:16]
    rows = service.resource_outs(session, service.search(session, q, owner, share_type))
    owners = {r.owner: r.owner_name for r in service.resource_outs(session, service.search(session))}
    return _page(
        request,
        "sharing/catalogue.html",
        principal,
        {
            "rows": rows,
            "conflicts": service.source_conflicts(session),
            "q": q,
            "owner": owner,
            "share_type": share_type,
            "owners": sorted(owners.items()),
            "can_import": principal.can(Permission.DATA_MANAGE),
            "imported": (request.query_params.get("imported") or "")[:40],
            **extra,
        },
        422 if extra.get("errors") else 200,
    )


@router.get("/sharing")
def catalogue(
    request: Request, session: DbSession, principal: Staff, q: str = "", owner: str = "", share_type: str = ""
) -> Response:
    if (refused := _staff_only(request, principal)) is not None:
        return refused
    return _catalogue(request, session, principal, q, owner, share_type)


@router.get("/sharing/catalogue.xlsx")
def export_catalogue(request: Request, session: DbSession, principal: Staff) -> Response:
    """The catalogue workbook for a signed-in page user (the API's export wants a bearer)."""
    if (refused := _staff_only(request, principal)) is not None:
        return refused
    headers = {"Content-Disposition": 'attachment; filename="sharing-catalogue.xlsx"'}
    return Response(excel.export_xlsx(session), media_type=XLSX, headers=headers)


@router.post("/sharing/import", dependencies=[Depends(csrf.verify)])
def import_catalogue(request: Request, session: DbSession, principal: Staff, file: UploadFile) -> Response:
    """The catalogue workbook (all or nothing), through the same ``excel.import_xlsx`` as the API;
    a failure rolls back whatever the import had flushed, then shows the row at fault."""
    data = file.file.read(MAX_UPLOAD_BYTES + 1)
    try:
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValidationFailed("文件过大（上限 2 MB）", "file too large (2 MB at most)", field="file")
        counts = excel.import_xlsx(session, principal, data)
    except DomainError as exc:
        session.rollback()
        return _catalogue(
            request, session, principal, errors=FormErrors(i18n.lang_of(request)).from_domain(exc)
        )
    return RedirectResponse(f"/sharing?imported={counts['created']}-{counts['updated']}", status_code=303)


def _resource_page(
    request: Request,
    session: DbSession,
    principal: Principal,
    code: str,
    *,
    errors: FormErrors | None = None,
    form: dict[str, Any] | None = None,
) -> Response:
    res = service.resource(session, code)
    out = service.resource_outs(session, [res])[0]
    today = clock.today_local()
    can_request = principal.can(Permission.SHARING_REQUEST) and principal.department_id not in (
        None,
        res.owner_department_id,
    )
    default_form = {
        "purpose": "service",
        "period_start": today.isoformat(),
        "period_end": date(today.year + 1, today.month, min(today.day, 28)).isoformat(),
        "fields": [f.name for f in out.fields if f.grade != "core"],
    }
    ctx = {"r": out, "can_request": can_request, "form": form or default_form}
    if errors is not None:
        ctx["errors"] = errors
    return _page(request, "sharing/resource.html", principal, ctx, 422 if errors else 200)


@router.get("/sharing/resources/{code}")
def resource_page(request: Request, session: DbSession, principal: Staff, code: str) -> Response:
    if (refused := _staff_only(request, principal)) is not None:
        return refused
    try:
        return _resource_page(request, session, principal, code[:40])
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)


@router.post("/sharing/resources/{code}/request", dependencies=[Depends(csrf.verify)])
def request_resource(
    request: Request, session: DbSession, principal: Staff, code: str, posted: Posted
) -> Response:
    form = {
        "purpose": str(posted.get("purpose", "")),
        "purpose_detail": str(posted.get("purpose_detail", "")),
        "legal_basis": str(posted.get("legal_basis", "")),
        "period_start": str(posted.get("period_start", "")),
        "period_end": str(posted.get("period_end", "")),
        "fields": [str(v) for v in posted.getlist("fields")][:100],
    }
    errors = FormErrors(i18n.lang_of(request))
    try:
        body = RequestIn(resource=code[:40], **form)
        row = service.submit_request(session, principal, body)
    except ValidationError as exc:
        return _resource_page(
            request, session, principal, code[:40], errors=errors.from_validation(exc), form=form
        )
    except DomainError as exc:
        if exc.status == 404:
            return error_page(request, (exc.zh, exc.en), 404, principal)
        return _resource_page(
            request, session, principal, code[:40], errors=errors.from_domain(exc), form=form
        )
    return RedirectResponse(f"/sharing/requests?done={row.number}", status_code=303)


def _requests_page(request: Request, session: DbSession, principal: Principal, **extra: Any) -> Response:
    rows = views.requests_for(session, principal)
    mine = principal.department_id
    dept = org.department(session, mine)
    code = dept.code if dept else None
    resources = {r.resource for r in rows}
    field_names = {
        r.code: [(f.name, f.label) for f in r.fields]
        for r in service.resource_outs(session, [service.resource(session, c) for c in sorted(resources)])
    }
    ctx = {
        "incoming": [r for r in rows if r.owner == code and r.status == "pending"],
        "outgoing": [r for r in rows if r.consumer == code],
        "answered": [r for r in rows if r.owner == code and r.status != "pending"],
        "grants": views.grants_for(session, principal),
        "my_code": code,
        "can_approve": principal.can(Permission.SHARING_APPROVE),
        "field_names": field_names,
        "done": (request.query_params.get("done") or "")[:24],
        **extra,
    }
    return _page(request, "sharing/requests.html", principal, ctx, 422 if extra.get("errors") else 200)


@router.get("/sharing/requests")
def requests_page(request: Request, session: DbSession, principal: Staff) -> Response:
    if (refused := _staff_only(request, principal)) is not None:
        return refused
    return _requests_page(request, session, principal)


@router.post("/sharing/requests/{number}/decide", dependencies=[Depends(csrf.verify)])
def decide(request: Request, session: DbSession, principal: Staff, number: str, posted: Posted) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    try:
        body = DecisionIn(
            approve=str(posted.get("approve", "")) == "1",
            reason=str(posted.get("reason", ""))[:500],
            plain_fields=[str(v) for v in posted.getlist("plain_fields")][:100],
        )
        service.decide_request(session, principal, number[:24], body)
    except ValidationError as exc:
        return _requests_page(request, session, principal, errors=errors.from_validation(exc), failed=number)
    except DomainError as exc:
        return _requests_page(request, session, principal, errors=errors.from_domain(exc), failed=number)
    return RedirectResponse(f"/sharing/requests?done={number[:24]}", status_code=303)


@router.post("/sharing/grants/{grant_id}/revoke", dependencies=[Depends(csrf.verify)])
def revoke(
    request: Request,
    session: DbSession,
    principal: Staff,
    grant_id: int,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    try:
        body = RevokeIn(reason=reason)
    except ValidationError:
        errors.add(
            "reason",
            "撤销须说明理由（不超过 500 字）",
            "a revocation needs a reason (500 characters at most)",
        )
        return _requests_page(request, session, principal, errors=errors, failed=str(grant_id))
    try:
        service.revoke_grant(session, principal, grant_id, body.reason)
    except DomainError as exc:
        return _requests_page(
            request, session, principal, errors=errors.from_domain(exc), failed=str(grant_id)
        )
    return RedirectResponse(f"/sharing/requests?done={grant_id}", status_code=303)


@router.get("/sharing/supervision")
def supervision(request: Request, session: DbSession, principal: Staff) -> Response:
    try:
        rows = views.supervision_queue(session, principal)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    return _page(request, "sharing/supervision.html", principal, {"rows": rows})


@router.get("/sharing/reads")
def reads(request: Request, session: DbSession, principal: Staff) -> Response:
    try:
        rows = exchange.reads_of_my_data(session, principal)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    return _page(request, "sharing/reads.html", principal, {"rows": rows})


@router.get("/my-data")
def my_data_page(request: Request, principal: MaybeStaff) -> Response:
    return _page(request, "sharing/mydata.html", principal, {"shown": False})


@router.post("/my-data", dependencies=[Depends(csrf.verify)])
def my_data(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A member of the public signs in for this one answer (no session is kept)."""
    clean = username.strip() and password and not any(ord(c) < 32 for c in username + password)
    user = org.authenticate(session, username.strip(), password) if clean else None
    if user is None or user.role != Role.PUBLIC.value:
        ctx = {"shown": False, "failed": True, "form": {"username": username[:64]}}
        return _page(request, "sharing/mydata.html", principal, ctx, 401)
    masked, rows = exchange.reads_about_me(session, org.principal_for(session, user))
    return _page(request, "sharing/mydata.html", principal, {"shown": True, "masked": masked, "rows": rows})
