"""The cases API: intake (the hot path), lists in the caller's scope, one case, its timeline, actions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from zhizhi.cases import schemas as s
from zhizhi.cases import service
from zhizhi.cases.actions import ActionIn
from zhizhi.cases.enums import CaseStatus, SlaState
from zhizhi.core.errors import Forbidden, Unauthorized
from zhizhi.core.permissions import Permission
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


@router.get("", response_model=s.CasePage, summary="List cases in your scope 工单列表")
def list_cases(
    session: DbSession,
    principal: CurrentPrincipal,
    status: CaseStatus | None = None,
    sla_state: SlaState | None = None,
    department: Annotated[str | None, Query(max_length=40)] = None,
    queue: Annotated[
        str | None, Query(max_length=40, description="a work queue: cases.queries.ALL_QUEUES")
    ] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> s.CasePage:
    if not principal.can(Permission.CASE_READ):
        raise Forbidden("无权查看工单", "you may not read cases")
    items, total = service.list_cases(
        session,
        principal,
        status=status,
        sla=sla_state,
        department=department,
        queue=queue,
        page=page,
        page_size=page_size,
    )
    return s.CasePage(
        items=[service.to_out(session, c, principal) for c in items],
        total=total,
        page=page,
        page_size=page_size,
    )


@router.get("/{number}", response_model=s.CaseOut, summary="One case 工单详情")
def get_case(number: str, session: DbSession, principal: CurrentPrincipal) -> s.CaseOut:
    case = service.get_case(session, principal, number)
    return service.to_out(session, case, principal, reveal=True)


@router.get("/{number}/timeline", response_model=list[s.EventOut], summary="Timeline 办理过程")
def timeline(number: str, session: DbSession, principal: CurrentPrincipal) -> list[s.EventOut]:
    return service.timeline(session, principal, number)


@router.post("/{number}/actions", response_model=s.CaseOut, summary="Take an action 办理操作")
async def act(
    number: str,
    body: Annotated[ActionIn, Body()],
    request: Request,
    token: BearerToken,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    # Like intake: the whole unit of work in one worker-thread hop (principal, action, commit,
    # JSON). With a hop per dependency a request held its connection while queueing for the
    # next thread, and at 300 actions/s the pool ran dry (docs/benchmarks.md).
    return await run_in_threadpool(_act, number, body, request, token, idempotency_key)


def _act(number: str, body: s.ActionBody, request: Request, token: str | None, key: str | None) -> Response:
    with request_transaction() as session:
        principal = resolve_principal(request, session, token)
        if principal is None:
            raise Unauthorized("请先登录（缺少访问令牌）", "authentication required (no bearer token)")
        case, acted = service.perform_once(session, principal, number, body, key)
        out = service.to_out(session, case, principal)
    return Response(
        out.model_dump_json(),
        media_type="application/json",
        headers=None if acted else {"Idempotent-Replayed": "true"},
    )
