"""The only place that writes SQL for cases; every read starts from what the caller may see.

* this module: row scoping, one case, lists, the timeline, co-units, idempotency keys;
* :mod:`.intake`: writing a new case (the intake hot path, one statement on PostgreSQL);
* :mod:`.numbering`: citizen-facing case numbers;
* :mod:`.stats`: work-queue counts and the cockpit's aggregates;
* :mod:`.feeds`: what other capabilities read about cases (duplicate candidates, recent
  appeals for hotspots, cases still without AI suggestions).

Departments belong to ``org``: scoping joins them through ``org.service.subtree_query`` (SQL
built by org's repository), never through org's model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from zhizhi.cases.enums import SlaState
from zhizhi.cases.models import Case, CaseEvent, CaseUnit, IdempotencyKey
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org


def _in_subtree(column: Any, path: str) -> ColumnElement[bool]:
    return column.in_(org.subtree_query(path))


def _in_departments(path: str) -> ColumnElement[bool]:
    """Led by, or co-handled by, the department at ``path`` or a unit below it."""
    return or_(
        _in_subtree(Case.lead_department_id, path),
        exists().where(CaseUnit.case_id == Case.id, _in_subtree(CaseUnit.department_id, path)),
    )


in_departments = _in_departments


def scope_clause(principal: Principal) -> ColumnElement[bool]:
    """Row scoping: city-wide roles see all; units see their subtree; the public their own."""
    if principal.can(Permission.CASE_READ_ALL):
        return true()
    if principal.role is Role.PUBLIC:
        if principal.verified_case_id is not None:
            return Case.id == principal.verified_case_id
        return Case.reporter_id == principal.user_id
    clauses: list[ColumnElement[bool]] = [Case.created_by_id == principal.user_id]
    if principal.department_path:
        clauses.append(_in_departments(principal.department_path))
    return or_(*clauses) if clauses else false()


def readable(principal: Principal) -> Select[Case]:
    return select(Case).where(scope_clause(principal))


def find(session: Session, number: str, *, for_update: bool = False) -> Case | None:
    stmt = select(Case).where(Case.number == number)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def by_id(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def is_visible(session: Session, principal: Principal, case_id: int) -> bool:
    stmt = select(Case.id).where(Case.id == case_id, scope_clause(principal))
    return session.scalar(stmt) is not None


def number_of(session: Session, case_id: int) -> str | None:
    return session.scalar(select(Case.number).where(Case.id == case_id))


def numbers_of(session: Session, case_ids: list[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    return {i: n for i, n in session.execute(select(Case.id, Case.number).where(Case.id.in_(case_ids)))}


def sla_clause(state: SlaState, now: datetime) -> ColumnElement[bool]:
    reference = func.coalesce(Case.clock_stopped_at, now)
    if state is SlaState.OVERDUE:
        return reference > Case.due_at
    if state is SlaState.WARNING:
        return and_(reference >= Case.warn_at, reference <= Case.due_at)
    return reference < Case.warn_at


def list_page(
    session: Session, principal: Principal, *, filters: list[ColumnElement[bool]], page: int, page_size: int
) -> tuple[list[Case], int]:
    base = readable(principal).where(*filters)
    total = session.scalar(select(func.count()).select_from(base.order_by(None).subquery())) or 0
    rows = session.scalars(
        base.order_by(Case.created_at.desc(), Case.id.desc()).offset((page - 1) * page_size).limit(page_size)
    ).all()
    return list(rows), int(total)


def list_cases(
    session: Session,
    principal: Principal,
    *,
    status: str | None,
    sla: SlaState | None,
    department_path: str | None,
    now: datetime,
    page: int,
    page_size: int,
) -> tuple[list[Case], int]:
    """A page of the cases ``principal`` sees, newest first, filtered by status, SLA state and
    the department (with its subtree) that leads or co-handles them."""
    filters: list[ColumnElement[bool]] = []
    if status is not None:
        filters.append(Case.status == status)
    if sla is not None:
        filters.append(sla_clause(sla, now))
    if department_path is not None:
        filters.append(_in_departments(department_path))
    return list_page(session, principal, filters=filters, page=page, page_size=page_size)


def co_unit_ids(session: Session, case_id: int) -> list[int]:
    return list(session.scalars(select(CaseUnit.department_id).where(CaseUnit.case_id == case_id)))


def set_co_units(session: Session, case_id: int, department_ids: list[int]) -> None:
    for unit in session.scalars(select(CaseUnit).where(CaseUnit.case_id == case_id)):
        session.delete(unit)
    session.flush()
    session.add_all(CaseUnit(case_id=case_id, department_id=d) for d in department_ids)


def events(session: Session, case_id: int) -> list[CaseEvent]:
    return list(
        session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))
    )


def add_event(session: Session, event: CaseEvent) -> None:
    session.add(event)


def idempotency_key(session: Session, scope: str, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )


def save_idempotency_key(session: Session, row: IdempotencyKey) -> None:
    """Insert ``row`` in a SAVEPOINT (``IntegrityError`` when a concurrent retry got there first)."""
    with session.begin_nested():
        session.add(row)
