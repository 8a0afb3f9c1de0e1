"""The only place that writes SQL for cases; every read starts from what the caller may see."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    Table,
    and_,
    bindparam,
    exists,
    false,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session, make_transient_to_detached

from zhizhi.cases import numbering
from zhizhi.cases.enums import SlaState
from zhizhi.cases.models import Case, CaseEvent, CaseUnit
from zhizhi.core import audit
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


# What every new case starts with, written as SQL literals (a statement with more than 50
# parameters misses psycopg's parsed-query cache and is re-parsed on every call).
_NEW_CASE_LITERALS = {
    "extension_amount": 0,
    "paused_days": 0,
    "paused_seconds": 0,
    "supervision_count": 0,
    "reopen_count": 0,
    "return_count": 0,
    "event_count": 1,  # the creation event inserted with it
    "version": 1,  # the ORM's version counter starts at 1
}
_SAME_AS_CREATED = ("updated_at", "clock_started_at")
_EVENT_LITERALS = {"seq": 1, "action": "create", "from_status": None, "reason": None}
_AUDIT_COLS = ("at", "actor_id", "actor", "action", "object_type", "detail")
_insert_statements: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}


def _sql_literal(value: Any) -> Any:
    return null() if value is None else literal_column(repr(value) if isinstance(value, str) else str(value))


def _insert_statement(dialect: str, case_cols: tuple[str, ...], event_cols: tuple[str, ...]) -> Any:
    """Built once per column set: constructing a 50-column INSERT … RETURNING costs milliseconds."""
    key = (dialect, case_cols, event_cols)
    stmt = _insert_statements.get(key)
    if stmt is not None:
        return stmt
    table, events_table = cast(Table, Case.__table__), cast(Table, CaseEvent.__table__)
    created = bindparam("created_at", type_=table.c.created_at.type)
    row: dict[str, Any] = {c: bindparam(c, type_=table.c[c].type) for c in case_cols}
    row |= {c: _sql_literal(v) for c, v in _NEW_CASE_LITERALS.items()}
    row |= {c: created for c in _SAME_AS_CREATED}
    ev: dict[str, Any] = {c: bindparam(f"ev_{c}", type_=events_table.c[c].type) for c in event_cols}
    ev |= {c: _sql_literal(v) for c, v in _EVENT_LITERALS.items()} | {"at": created}
    if dialect == "postgresql":
        row["number"] = numbering.number_sql()
        new_case = insert(table).values(row).returning(table.c.id, table.c.number).cte("new_case")
        new_event = (
            insert(events_table)
            .from_select(["case_id", *ev], select(new_case.c.id, *ev.values()))
            .cte("new_event")
        )
        inbox = audit.INBOX  # the creation's audit entry, waiting to be chained after commit
        new_entry = (
            insert(inbox)
            .from_select(
                ["object_id", *_AUDIT_COLS],
                select(
                    new_case.c.number, *(bindparam(f"au_{c}", type_=inbox.c[c].type) for c in _AUDIT_COLS)
                ),
            )
            .cte("new_audit_entry")
        )
        stmt = select(new_case.c.id, new_case.c.number).add_cte(new_event, new_entry)
    else:
        row["number"] = bindparam("number", type_=table.c.number.type)
        stmt = (
            insert(table).values(row).returning(table.c.id, table.c.number),
            insert(events_table).values({"case_id": bindparam("case_id"), **ev}),
        )
    _insert_statements[key] = stmt
    return stmt


def insert_case(
    session: Session, values: dict[str, Any], event: dict[str, Any], entry: dict[str, Any], day: date
) -> Case:
    """Insert a new case, its creation event and audit entry (``audit.entry``, its ``object_id``
    becomes the number); the case comes back persistent in ``session``.

    ``values`` are the case's columns except the counters, version and ``updated_at`` /
    ``clock_started_at`` (= ``created_at``) that every new case starts with; ``event`` holds the
    creation event's actor and ``to_status`` and ``payload``.  Prepared Core statements, not a
    unit-of-work flush: intake is the platform's hottest write.  On PostgreSQL one statement
    draws the number, inserts the case and its event (data-modifying CTEs) and returns id and
    number; SQLite runs the same inserts one after another.
    """
    bind = session.get_bind()
    dialect = bind.dialect.name
    stmt = _insert_statement(dialect, tuple(values), tuple(event))
    params = {**values, **{f"ev_{k}": v for k, v in event.items()}}
    if dialect == "postgresql":
        assert isinstance(bind, Engine)
        params.update(numbering.number_params(bind, day))
        params.update({f"au_{c}": entry[c] for c in _AUDIT_COLS})
        new_id, number = session.execute(stmt, params).one()
        audit.written_to_inbox(session)
    else:
        params["number"] = numbering.next_number(session, day)
        new_id, number = session.execute(stmt[0], params).one()
        session.execute(stmt[1], {**params, "case_id": new_id})
        audit.queue(session, {**entry, "object_id": number})
    row = {c.key: None for c in cast(Table, Case.__table__).c} | values | _NEW_CASE_LITERALS
    row |= {c: values["created_at"] for c in _SAME_AS_CREATED} | {"id": new_id, "number": number}
    case = Case(**row)
    make_transient_to_detached(case)  # as if loaded by a query: no pending changes
    session.add(case)
    return case


def department_by_code(session: Session, code: str) -> Department | None:
    return session.scalar(select(Department).where(Department.code == code, Department.active))


def departments_by_ids(session: Session, ids: list[int]) -> dict[int, Department]:
    if not ids:
        return {}
    return {d.id: d for d in session.scalars(select(Department).where(Department.id.in_(ids)))}
