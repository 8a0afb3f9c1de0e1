"""The clerk's desk (pick the item, enter the applicant, tick the materials), the printable
receipt or one-time notice, and the statistics page. Handlers parse, call the service, render."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.core import clock
from zhizhi.core.errors import DomainError
from zhizhi.core.permissions import Permission
from zhizhi.http.deps import DbSession
from zhizhi.services.items.enums import APPLICANT_TYPE_LABELS as APPLICANT_LABELS
from zhizhi.services.items.enums import ApplicantType
from zhizhi.services.window import backoffice, service
from zhizhi.services.window.schemas import ReceiveIn
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, local_time, render

router = APIRouter(include_in_schema=False)
_FIELDS = (
    "item",
    "applicant_type",
    "applicant_name",
    "applicant_id",
    "applicant_phone",
    "agent_name",
    "agent_id",
    "note",
    "started_at",
)


def _desk(
    request: Request,
    session: DbSession,
    principal: Staff,
    *,
    q: str = "",
    item_code: str = "",
    form: dict[str, Any] | None = None,
    ticked: list[str] | None = None,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lang = i18n.lang_of(request)
    window = service.seat_window(session, principal)
    item = None
    if item_code:
        try:
            item = service.checklist(session, principal, item_code)
        except DomainError as exc:
            errors = (errors or FormErrors(lang)).from_domain(exc)
            status_code = exc.status
    found = backoffice.search_items(session, q) if q.strip() and item is None else None
    ctx = {
        "window": service.to_out(session, window),
        "q": q,
        "found": found,
        "item": item,
        "form": form
        or {"applicant_type": ApplicantType.NATURAL_PERSON.value, "started_at": clock.now().isoformat()},
        "ticked": set(ticked or []),
        "values": values or {},
        "field_errors": field_errors or {},
        "errors": errors or FormErrors(lang),
        "applicant_types": [(t.value, i18n.pick(lbl, lang)) for t, lbl in APPLICANT_LABELS.items()],
        "recent": service.recent(session, principal, 10),
    }
    return render(request, "services/window/desk.html", ctx, status_code=status_code, principal=principal)


@router.get("/services/window")
def desk(
    request: Request,
    session: DbSession,
    principal: Staff,
    q: Annotated[str, Query(max_length=100)] = "",
    item: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    if not principal.can(Permission.WINDOW_RECEIVE):
        return error_page(
            request, ("当前角色不能窗口收件", "your role cannot receive at a window"), 403, principal
        )
    try:
        return _desk(request, session, principal, q=q, item_code=item)
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)


@router.post("/services/window/receive", dependencies=[Depends(csrf.verify)])
def receive(request: Request, session: DbSession, principal: Staff, form: Posted) -> Response:
    raw = {name: str(form.get(name, "")).strip() for name in _FIELDS}
    ticked = [str(v) for v in form.getlist("materials")]
    values = {k.removeprefix("form."): str(v).strip() for k, v in form.items() if k.startswith("form.")}
    body: dict[str, Any] = {k: v for k, v in raw.items() if v}
    body["materials"] = ticked
    body["form"] = {k: v for k, v in values.items() if v}
    body["consent"] = form.get("consent") == "1"  # 免提交, the applicant agreed at the counter
    raw["consent"] = "1" if body["consent"] else ""
    errors = FormErrors(i18n.lang_of(request))
    by_field: dict[str, str] = {}
    try:
        data = ReceiveIn.model_validate(body)
        row, _receipt = service.receive(session, principal, data)
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        session.rollback()
        errors.from_domain(exc)
        lang = i18n.lang_of(request)
        by_field = {
            p.field: (p.en if lang == "en" else p.zh) for p in exc.errors if p.field.startswith("form.")
        }
    else:
        return RedirectResponse(f"/services/window/receipts/{quote(row.number)}", status_code=303)
    return _desk(
        request,
        session,
        principal,
        item_code=raw["item"],
        form=raw,
        ticked=ticked,
        errors=errors,
        values=values,
        field_errors=by_field,
        status_code=422,
    )


@router.get("/services/window/receipts/{number}")
def receipt(request: Request, session: DbSession, principal: Staff, number: str) -> Response:
    row = service.reception(session, principal, number[:24])
    return render(
        request,
        "services/window/receipt.html",
        {"r": service.receipt_of(session, row), "printed_at": clock.now()},
        principal=principal,
    )


@router.get("/services/window/statistics")
def statistics(
    request: Request,
    session: DbSession,
    principal: Staff,
    days: Annotated[str, Query(max_length=3)] = "30",
    window: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    span = int(days) if days.isdigit() and 1 <= int(days) <= 366 else 30
    data = service.statistics(session, principal, days=span, window=window or None)
    ctx = data | {"window": window, "spans": (7, 30, 90, 365), "as_of": local_time(data["until"])}
    return render(request, "services/window/statistics.html", ctx, principal=principal)
