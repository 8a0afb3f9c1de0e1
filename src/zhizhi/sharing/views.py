"""Data sharing's read models: requests with their deadline state, the supervision queue,
grants with their state — each scoped to what the caller's department may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from zhizhi.core import clock
from zhizhi.core.calendar_store import load_calendar
from zhizhi.core.errors import NotFound
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.org.schemas import DepartmentRef
from zhizhi.sharing import deadlines
from zhizhi.sharing import repository as repo
from zhizhi.sharing.enums import RequestStatus
from zhizhi.sharing.models import ExchangeLog, Grant, Resource, ShareRequest
from zhizhi.sharing.schemas import GrantOut, ReadOut, RequestOut
from zhizhi.sharing.service import check_permission, reject_controls, require_staff


@dataclass(frozen=True, slots=True)
class _Names:
    depts: dict[int, DepartmentRef]
    resources: dict[int, Resource]


def _names(session: Session, dept_ids: list[int], resource_ids: list[int]) -> _Names:
    return _Names(org.departments_by_ids(session, dept_ids), repo.resources_by_ids(session, resource_ids))


def request_outs(session: Session, rows: Sequence[ShareRequest]) -> list[RequestOut]:
    names = _names(
        session,
        [r.consumer_department_id for r in rows] + [r.owner_department_id for r in rows],
        [r.resource_id for r in rows],
    )
    grants = repo.grants_by_request(session, [r.id for r in rows])
    people = org.display_names(session, [r.decided_by for r in rows if r.decided_by])
    calendar, today = load_calendar(session), clock.today_local()
    out = []
    for r in rows:
        left = calendar.working_days_between(today, r.due_date) if r.due_date else 0
        state = deadlines.due_state(r.status, r.due_date, today, left)
        out.append(
            RequestOut(
                number=r.number,
                resource=names.resources[r.resource_id].code,
                resource_name=names.resources[r.resource_id].name,
                consumer=names.depts[r.consumer_department_id].code,
                consumer_name=names.depts[r.consumer_department_id].name,
                owner=names.depts[r.owner_department_id].code,
                owner_name=names.depts[r.owner_department_id].name,
                purpose=r.purpose,
                purpose_detail=r.purpose_detail,
                legal_basis=r.legal_basis,
                fields=list(r.fields),
                period_start=r.period_start,
                period_end=r.period_end,
                status=RequestStatus(r.status),
                submitted_at=r.submitted_at,
                due_date=r.due_date,
                due_state=state.value if state else None,
                decided_at=r.decided_at,
                decided_by=people.get(r.decided_by, r.decided_by) if r.decided_by else None,
                reason=r.reason,
                grant_id=grants[r.id].id if r.id in grants else None,
            )
        )
    return out


def requests_for(session: Session, principal: Principal, status: str | None = None) -> list[RequestOut]:
    """The requests the caller's department made or must answer (all of them for a supervisor)."""
    require_staff(principal)
    everything = principal.can(Permission.SHARING_SUPERVISE) and principal.department_id is None
    if principal.department_id is None and not everything and principal.role != Role.ADMIN:
        return []
    dept = None if (everything or principal.role == Role.ADMIN) else principal.department_id
    return request_outs(session, repo.requests_of(session, department_id=dept, status=status))


def supervision_queue(session: Session, principal: Principal) -> list[RequestOut]:
    """Every pending request in the city, overdue and due-soon first (督办)."""
    check_permission(
        principal, Permission.SHARING_SUPERVISE, "无权查看共享督办", "not allowed to supervise sharing"
    )
    rows = request_outs(session, repo.pending_requests(session))
    return sorted(rows, key=lambda r: deadlines.supervision_key(r.due_state, r.due_date))


def request_view(session: Session, principal: Principal, number: str) -> RequestOut:
    require_staff(principal)
    reject_controls(number, "number")
    row = repo.request_by_number(session, number)
    if row is None or not (
        principal.role == Role.ADMIN
        or principal.can(Permission.SHARING_SUPERVISE)
        or principal.department_id in (row.consumer_department_id, row.owner_department_id)
    ):
        raise NotFound(f"共享申请 {number} 不存在", f"sharing request {number} not found", field="number")
    return request_outs(session, [row])[0]


def grant_state(grant: Grant, now: datetime) -> str:
    if grant.revoked_at is not None:
        return "revoked"
    if grant.expires_at <= now:
        return "expired"
    return "active" if grant.valid_from <= now else "pending"


def grants_for(session: Session, principal: Principal) -> list[GrantOut]:
    require_staff(principal)
    if principal.department_id is None and principal.role != Role.ADMIN:
        return []
    rows = repo.grants_of(session, None if principal.role == Role.ADMIN else principal.department_id)
    return grant_outs(session, rows)


def grant_outs(session: Session, rows: Sequence[Grant]) -> list[GrantOut]:
    names = _names(session, [g.consumer_department_id for g in rows], [g.resource_id for g in rows])
    numbers = repo.request_numbers(session, [g.request_id for g in rows])
    now = clock.now()
    return [
        GrantOut(
            id=g.id,
            request=numbers.get(g.request_id, ""),
            resource=names.resources[g.resource_id].code,
            consumer=names.depts[g.consumer_department_id].code,
            consumer_name=names.depts[g.consumer_department_id].name,
            purpose=g.purpose,
            fields=list(g.fields),
            plain_fields=list(g.plain_fields),
            valid_from=g.valid_from,
            expires_at=g.expires_at,
            revoked_at=g.revoked_at,
            revoke_reason=g.revoke_reason,
            state=grant_state(g, now),
        )
        for g in rows
    ]


def read_outs(session: Session, rows: Sequence[ExchangeLog], *, with_client: bool) -> list[ReadOut]:
    """Exchange-log lines as the owner (``with_client``: which system, which grant) or the data
    subject sees them."""
    depts = org.departments_by_ids(
        session,
        [r.consumer_department_id for r in rows]
        + [r.owner_department_id for r in rows if r.owner_department_id],
    )
    return [
        ReadOut(
            at=r.at,
            consumer=depts[r.consumer_department_id].code,
            consumer_name=depts[r.consumer_department_id].name,
            owner=depts[r.owner_department_id].code if r.owner_department_id else None,
            resource=r.resource_code,
            purpose=r.purpose,
            record_key=r.record_key,
            fields=list(r.fields),
            outcome=r.outcome,
            reason=r.reason,
            client_id=r.client_id if with_client else None,
            grant_id=r.grant_id if with_client else None,
        )
        for r in rows
    ]
