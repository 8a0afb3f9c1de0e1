"""The only place that writes SQL for cases; every read starts from what the caller may see."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from zhizhi.cases.enums import SlaState
from zhizhi.cases.models import Case, CaseEvent, CaseUnit
from zhizhi.core.permissions import Permission, Role
from zhizhi.org.models import Department
from zhizhi.org.schemas import Principal


def _in_subtree(column: Any, path: str) -> ColumnElement[bool]:
    return column.in_(select(Department.id).where(Department.path.startswith(path)))


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
        path = principal.department_path
        clauses.append(_in_subtree(Case.lead_department_id, path))
        clauses.append(exists().where(CaseUnit.case_id == Case.id, _in_subtree(CaseUnit.department_id, path)))
    return or_(*clauses) if clauses else false()


def readable(principal: Principal) -> Select[Case]:
    return select(Case).where(scope_clause(principal))


def find(session: Session, number: str, *, for_update: bool = False) -> Case | None:
    stmt = select(Case).where(Case.number == number)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def is_visible(session: Session, principal: Principal, case_id: int) -> bool:
    stmt = select(Case.id).where(Case.id == case_id, scope_clause(principal))
    return session.scalar(stmt) is not None


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


def department_filter(session: Session, code: str) -> ColumnElement[bool]:
    path = session.scalar(select(Department.path).where(Department.code == code))
    if path is None:
        return false()
    return or_(
        _in_subtree(Case.lead_department_id, path),
        exists().where(CaseUnit.case_id == Case.id, _in_subtree(CaseUnit.department_id, path)),
    )


def co_units(session: Session, case_id: int) -> list[Department]:
    return list(
        session.scalars(
            select(Department)
            .join(CaseUnit, CaseUnit.department_id == Department.id)
            .where(CaseUnit.case_id == case_id)
            .order_by(Department.code)
        )
    )


def set_co_units(session: Session, case_id: int, department_ids: list[int]) -> None:
    for unit in session.scalars(select(CaseUnit).where(CaseUnit.case_id == case_id)):
        session.delete(unit)
    session.flush()
    session.add_all(CaseUnit(case_id=case_id, department_id=d) for d in department_ids)


def events(session: Session, case_id: int) -> list[CaseEvent]:
    return list(
        session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))
    )


def department_by_code(session: Session, code: str) -> Department | None:
    return session.scalar(select(Department).where(Department.code == code, Department.active))


def departments_by_ids(session: Session, ids: list[int]) -> dict[int, Department]:
    if not ids:
        return {}
    return {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(ids)))}
