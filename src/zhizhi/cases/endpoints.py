"""The cases API: intake (the hot path), lists in the caller's scope, one case, its timeline, actions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from zhizhi.cases import export, kinds, lifecycles, search, service
from zhizhi.cases import schemas as s
from zhizhi.cases.filters import CaseFilter, parse_filter
from zhizhi.core import clock
from zhizhi.core.errors import Unauthorized
from zhizhi.http.deps import DbSession, request_transaction
from zhizhi.org.deps import BearerToken, CurrentPrincipal, resolve_principal

router = APIRouter(prefix="/api/v1/cases", tags=["cases 工单"])


@router.post(
    "",
    response_model=s.CaseOut,
    status_code=201,
    summary="Create a case 登记工单 (anonymous public submissions need a phone)",
)
async def create_case(
    body: s.CaseCreate,
    request: Request,
    token: BearerToken,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    # Intake is the hottest endpoint: the whole unit of work runs in one worker-thread hop
    # (principal, case, commit, JSON) instead of one per dependency (docs/benchmarks.md).
    return await run_in_threadpool(_create_case, body, request, token, idempotency_key)


def _create_case(
    body: s.CaseCreate, request: Request, token: str | None, idempotency_key: str | None
) -> Response:
    with request_transaction() as session:
        principal = resolve_principal(request, session, token)
        case, created = service.create_case(session, body, principal, idempotency_key)
        out = service.to_out(session, case, principal)
    return Response(
        out.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers=None if created else {"Idempotent-Replayed": "true"},
    )


def _filter(
    number: Annotated[str | None, Query(max_length=40, description="编号 (prefix of 4+ characters)")] = None,
    q: Annotated[str | None, Query(max_length=200, description="文本: subject or content contains")] = None,
    phone: Annotated[str | None, Query(max_length=40, description="电话: full or last 4")] = None,
    address: Annotated[str | None, Query(max_length=200, description="地址 contains")] = None,
    division: Annotated[str | None, Query(max_length=40, description="区划 code prefix")] = None,
    grid: Annotated[str | None, Query(max_length=40, description="网格 code")] = None,
    category: Annotated[str | None, Query(max_length=80, description="分类 code (with its subtree)")] = None,
    channel: Annotated[str | None, Query(max_length=40, description="渠道")] = None,
    status: Annotated[str | None, Query(max_length=40, description="状态")] = None,
    sla_state: Annotated[str | None, Query(max_length=40, description="normal | warning | overdue")] = None,
    date_from: Annotated[str | None, Query(max_length=40, description="registered on/after")] = None,
    date_to: Annotated[str | None, Query(max_length=40, description="registered on/before")] = None,
    department: Annotated[str | None, Query(max_length=40, description="leads or co-handles")] = None,
    kind: Annotated[str | None, Query(max_length=20, description="appeal | application | event")] = None,
) -> CaseFilter:
    """The search filters (docs/workbench.md); a bad value → 422 naming its field."""
    return parse_filter(
        {
            "number": number,
            "q": q,
            "phone": phone,
            "address": address,
            "division": division,
            "grid": grid,
            "category": category,
            "channel": channel,
            "status": status,
            "sla_state": sla_state,
            "date_from": date_from,
            "date_to": date_to,
            "department": department,
            "kind": kind,
        }
    )


Filters = Annotated[CaseFilter, Depends(_filter)]


@router.get("", response_model=s.CasePage, summary="List and search cases in your scope 工单列表与查询")
def list_cases(
    session: DbSession,
    principal: CurrentPrincipal,
    filters: Filters,
    queue: Annotated[
        str | None, Query(max_length=40, description="a work queue (cases.queries.ALL_QUEUES)")
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> s.CasePage:
    extra = service.queue_clauses(principal, queue) if queue is not None else None
    items, total, capped = search.search(
        session, principal, filters, page=page, page_size=page_size, extra=extra
    )
    return s.CasePage(
        items=[service.to_out(session, c, principal) for c in items],
        total=total,
        total_capped=capped,
        page=page,
        page_size=page_size,
    )


@router.get(
    "/export.xlsx",
    summary="Excel export of a filtered list 导出 Excel (masked, audited, capped by EXPORT_MAX_ROWS)",
    response_class=FileResponse,
)
def export_cases(session: DbSession, principal: CurrentPrincipal, filters: Filters) -> FileResponse:
    path, _ = export.export_xlsx(session, principal, filters)
    return xlsx_response(path)


def xlsx_response(path: Path) -> FileResponse:
    """Stream the export file, then delete it."""
    stamp = clock.to_local(clock.now()).strftime("%Y%m%d-%H%M")
    return FileResponse(
        path,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        filename=f"cases-{stamp}.xlsx",
        background=BackgroundTask(path.unlink, missing_ok=True),
    )


@router.get("/{number}", response_model=s.CaseOut, summary="One case 工单详情")
def get_case(number: str, session: DbSession, principal: CurrentPrincipal) -> s.CaseOut:
    case = service.get_case(session, principal, number)
    return service.to_out(session, case, principal, reveal=True)


@router.get("/{number}/timeline", response_model=list[s.EventOut], summary="Timeline 办理过程")
def timeline(number: str, session: DbSession, principal: CurrentPrincipal) -> list[s.EventOut]:
    return service.timeline(session, principal, number, reveal=True)


_ACTION_BODY = Body(
    description=(
        "An action of the case's lifecycle, chosen by its `action` (cases.lifecycles): the appeal "
        "actions below, or those of the kind's own lifecycle (applications: docs/services.md)"
    ),
    openapi_examples={"accept": {"value": {"action": "accept", "note": "已核实"}}},
)


@router.post("/{number}/actions", response_model=s.CaseOut, summary="Take an action 办理操作")
async def act(
    number: str,
    body: Annotated[dict[str, Any], _ACTION_BODY],
    request: Request,
    token: BearerToken,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    # Like intake: the whole unit of work in one worker-thread hop (principal, action, commit,
    # JSON). With a hop per dependency a request held its connection while queueing for the
    # next thread, and at 300 actions/s the pool ran dry (docs/benchmarks.md).
    return await run_in_threadpool(_act, number, body, request, token, idempotency_key)


def _act(number: str, raw: dict[str, Any], request: Request, token: str | None, key: str | None) -> Response:
    with request_transaction() as session:
        # the body is read by the lifecycle of the case's kind (422 before anything else, as before)
        kind = kinds.kind_of(session, number)
        try:
            body = lifecycles.for_kind(kind).parse(raw)
        except RequestValidationError:  # the same answer from the database, or the other kind's
            if (kind := kinds.kind_of(session, number, fresh=True)) is None:
                raise
            body = lifecycles.for_kind(kind).parse(raw)
        principal = resolve_principal(request, session, token)
        if principal is None:
            raise Unauthorized("请先登录（缺少访问令牌）", "authentication required (no bearer token)")
        try:
            case, acted = service.perform_once(session, principal, number, body, key, parsed_as=kind)
        except kinds.StaleKind as stale:  # the remembered kind was of another database's case
            body = lifecycles.for_kind(stale.kind).parse(raw)
            case, acted = service.perform_once(session, principal, number, body, key)
        out = service.to_out(session, case, principal)
    return Response(
        out.model_dump_json(),
        media_type="application/json",
        headers=None if acted else {"Idempotent-Replayed": "true"},
    )
