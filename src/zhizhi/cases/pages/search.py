"""The workbench's search tools as pages: Excel export of the filtered list, users' saved queues,
and the print views of a case (派单单, the work order; 回执, the citizen's receipt)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.responses import Response

from zhizhi.cases import export, queries, search, service
from zhizhi.cases.endpoints import xlsx_response
from zhizhi.cases.enums import LABELS
from zhizhi.cases.filters import FILTER_FIELDS, parse_filter
from zhizhi.cases.pages.workbench import queues_context
from zhizhi.core import clock
from zhizhi.core.errors import DomainError
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.org import service as org
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import Posted
from zhizhi.ui.session import Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)


def _error(request: Request, principal: Principal, exc: DomainError) -> Response:
    return error_page(request, (exc.zh, exc.en), exc.status, principal)


@router.get("/work/export.xlsx")
def export_xlsx(request: Request, session: DbSession, principal: Staff, queue: str = "") -> Response:
    """The list on screen (queue and filters) as .xlsx; over the cap or a bad filter → an error
    page in the page's language with the status of the error (422)."""
    try:
        filt = parse_filter(request.query_params)
        extra = queries.queue_clauses(queue, principal) if queue in queries.QUEUES else []
        path, _ = export.export_xlsx(
            session, principal, filt, lang=i18n.lang_of(request), extra=extra, label=queue
        )
    except DomainError as exc:
        return _error(request, principal, exc)
    return xlsx_response(path)


@router.post("/work/queues", dependencies=[Depends(csrf.verify)])
def save_queue(request: Request, session: DbSession, principal: Staff, posted: Posted) -> Response:
    raw = {k: v for k, v in posted.items() if k in FILTER_FIELDS and isinstance(v, str)}
    name = str(posted.get("name") or "")
    try:
        row = search.save_queue(session, principal, name, raw)
    except DomainError as exc:
        ctx = queues_context(request, session, principal, "", 1, raw)
        ctx["filter_errors"].add(None, exc.zh, exc.en)
        return render(request, "cases/work/queues.html", ctx, status_code=exc.status, principal=principal)
    return RedirectResponse(f"/work?saved={row.id}", status_code=303)


@router.post("/work/queues/{queue_id}/delete", dependencies=[Depends(csrf.verify)])
def delete_queue(request: Request, session: DbSession, principal: Staff, queue_id: int) -> Response:
    try:
        search.delete_queue(session, principal, queue_id)
    except DomainError as exc:
        return _error(request, principal, exc)
    return RedirectResponse("/work", status_code=303)


@router.get("/work/units")
def unit_typeahead(
    request: Request, session: DbSession, principal: Staff, q: str = "", limit: int = 20
) -> Response:
    """The unit pickers' typeahead for signed-in staff (the session cookie; the API twin is
    ``GET /api/v1/departments/search`` with a bearer token). Bad ``q`` → 422 JSON with the field."""
    try:
        items = org.search_units(session, q, limit)
    except DomainError as exc:
        return JSONResponse(exc.as_problem(), status_code=exc.status)
    return JSONResponse({"items": items})


# ---- print views ----------------------------------------------------------------------------


def _print_context(session: DbSession, principal: Principal, number: str, *, reveal: bool) -> dict[str, Any]:
    case = service.get_case(session, principal, number)
    out = service.to_out(session, case, principal, reveal=reveal)
    return {
        "c": out,
        "events": service.timeline(session, principal, number, reveal=reveal),
        "printed_at": clock.now(),
        "printed_by": principal.display_name,
        "unit": org.department(session, principal.department_id),
        "labels": LABELS,
    }


@router.get("/work/cases/{number}/print/order")
def print_order(request: Request, session: DbSession, principal: Staff, number: str) -> Response:
    """派单单: the work order for the lead unit (contact shown as the case page shows it)."""
    try:
        ctx = _print_context(session, principal, number, reveal=True)
    except DomainError as exc:
        return _error(request, principal, exc)
    return render(request, "cases/work/print_order.html", ctx, principal=principal)


@router.get("/work/cases/{number}/print/receipt")
def print_receipt(request: Request, session: DbSession, principal: Staff, number: str) -> Response:
    """回执: what the citizen takes home (number, what was registered, how to follow it; the
    contact always masked)."""
    try:
        ctx = _print_context(session, principal, number, reveal=False)
    except DomainError as exc:
        return _error(request, principal, exc)
    return render(request, "cases/work/print_receipt.html", ctx, principal=principal)
