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

import functools
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    event,
    exists,
    false,
    func,
    inspect,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from zhizhi.cases.enums import SlaState
from zhizhi.cases.models import Case, CaseEvent, CaseUnit, IdempotencyKey
from zhizhi.core import audit
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org


def _in_subtree(column: Any, path: str, per_row: bool = False) -> ColumnElement[bool]:
    if per_row:
        return org.in_subtree_per_row(column, path)
    return column.in_(org.subtree_query(path))


def _in_departments(path: str, per_row: bool = False) -> ColumnElement[bool]:
    """Led by, or co-handled by, the department at ``path`` or a unit below it.

    ``per_row``: the departments are looked up by primary key for each case, the form for a
    statement about one case (an action's locked read); otherwise the subtree's ids are read once
    and matched, the form for lists, which lets PostgreSQL use the cases' department index."""
    return or_(
        _in_subtree(Case.lead_department_id, path, per_row),
        exists().where(CaseUnit.case_id == Case.id, _in_subtree(CaseUnit.department_id, path, per_row)),
    )


in_departments = _in_departments


def scope_clause(principal: Principal, *, per_row: bool = False) -> ColumnElement[bool]:
    """Row scoping: city-wide roles see all; units see their subtree; the public their own.

    ``per_row``: for a statement about one case (:func:`_in_departments`)."""
    if principal.can(Permission.CASE_READ_ALL):
        return true()
    if principal.role is Role.PUBLIC:
        if principal.verified_case_id is not None:
            return Case.id == principal.verified_case_id
        return Case.reporter_id == principal.user_id
    clauses: list[ColumnElement[bool]] = [Case.created_by_id == principal.user_id]
    if principal.department_path:
        clauses.append(_in_departments(principal.department_path, per_row))
    return or_(*clauses) if clauses else false()


def readable(principal: Principal) -> Select[Case]:
    return select(Case).where(scope_clause(principal))


def find(session: Session, number: str, *, for_update: bool = False) -> Case | None:
    stmt = select(Case).where(Case.number == number)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def find_visible(
    session: Session, principal: Principal, number: str, *, for_update: bool = False
) -> tuple[Case | None, bool]:
    """The case with ``number`` and whether ``principal`` may see it, in one query (an action's
    first read: its row lock, the visibility check and whether it has co-units together; a case
    without co-units needs no second read for them)."""
    row = session.execute(_visible_statement(principal, for_update), {"number": number}).first()
    if row is None:
        return None, False
    if not row[2]:
        session.info.setdefault(_CO_UNITS, {})[row[0].id] = []
    return row[0], bool(row[1])


@functools.lru_cache(maxsize=4096)
def _visible_statement(principal: Principal, for_update: bool) -> Select[Case, bool, bool]:
    """:func:`find_visible`'s statement, built once per caller (the number is its parameter): the
    scope clause and the statement's tree cost more Python than the round trip on an action."""
    has_co = exists().where(CaseUnit.case_id == Case.id)
    stmt = select(Case, scope_clause(principal, per_row=True).label("visible"), has_co.label("has_co")).where(
        Case.number == bindparam("number", type_=Case.number.type)
    )
    return stmt.with_for_update(of=Case) if for_update else stmt


def kind_of(session: Session, number: str) -> str | None:
    return session.scalar(select(Case.kind).where(Case.number == number))


def by_id(session: Session, case_id: int) -> Case | None:
    return session.get(Case, case_id)


def by_ids(session: Session, case_ids: list[int]) -> dict[int, Case]:
    if not case_ids:
        return {}
    return {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}


def is_visible(session: Session, principal: Principal, case_id: int) -> bool:
    stmt = select(Case.id).where(Case.id == case_id, scope_clause(principal, per_row=True))
    return session.scalar(stmt) is not None


def number_of(session: Session, case_id: int) -> str | None:
    return session.scalar(select(Case.number).where(Case.id == case_id))


def numbers_of(session: Session, case_ids: list[int]) -> dict[int, str]:
    if not case_ids:
        return {}
    return {i: n for i, n in session.execute(select(Case.id, Case.number).where(Case.id.in_(case_ids)))}


def sla_clause(state: SlaState, now: datetime) -> ColumnElement[bool]:
    reference = func.coalesce(Case.clock_stopped_at, now)
    if state is SlaState.OVERDUE:  # the indexable form of ``reference > due_at`` (0017)
        return or_(and_(Case.clock_stopped_at.is_(None), Case.due_at < now), Case.stopped_late == true())
    if state is SlaState.WARNING:
        return and_(reference >= Case.warn_at, reference <= Case.due_at)
    return reference < Case.warn_at


def in_warning(session: Session, now: datetime, statuses: list[str], limit: int) -> list[Case]:
    """Running cases past their warning time and not yet due (the clock running), oldest due first."""
    stmt = (
        select(Case)
        .where(
            Case.status.in_(statuses),
            Case.clock_stopped_at.is_(None),
            Case.warn_at <= now,
            Case.due_at > now,
        )
        .order_by(Case.due_at)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def by_phone_index(session: Session, phone_index: str, limit: int) -> list[Case]:
    """The cases filed with this phone (its blind index), newest first."""
    stmt = (
        select(Case)
        .where(Case.contact_phone_index == phone_index)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def set_language_by_phone_index(session: Session, phone_indexes: list[str], language: str) -> int:
    """Every case filed with this phone (any of its blind indexes) now in ``language``."""
    stmt = (
        update(Case)
        .where(Case.contact_phone_index.in_(phone_indexes), Case.language != language)
        .values(language=language)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


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
    extra: list[ColumnElement[bool]] | None = None,
) -> tuple[list[Case], int]:
    """A page of the cases ``principal`` sees, newest first, filtered by status, SLA state,
    the department (with its subtree) that leads or co-handles them and ``extra`` (a queue's)."""
    filters: list[ColumnElement[bool]] = list(extra or [])
    if status is not None:
        filters.append(Case.status == status)
    if sla is not None:
        filters.append(sla_clause(sla, now))
    if department_path is not None:
        filters.append(_in_departments(department_path))
    return list_page(session, principal, filters=filters, page=page, page_size=page_size)


_CO_UNITS = "cases.co_units"  # session.info: case id → its co-unit rows, for this transaction


def co_units(session: Session, case_id: int) -> list[CaseUnit]:
    """A case's co-unit rows, read once per transaction (an action's policy and its answer both
    need them); writes below drop the memo."""
    memo: dict[int, list[CaseUnit]] = session.info.setdefault(_CO_UNITS, {})
    rows = memo.get(case_id)
    if rows is None:
        rows = memo[case_id] = list(session.scalars(select(CaseUnit).where(CaseUnit.case_id == case_id)))
    return rows


def co_unit_ids(session: Session, case_id: int) -> list[int]:
    return [u.department_id for u in co_units(session, case_id)]


@event.listens_for(Session, "after_transaction_end")
def _forget_co_units(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost (a flush runs in an inner one)
        session.info.pop(_CO_UNITS, None)


def mark_co_units_replied(session: Session, case_id: int, department_ids: list[int], at: datetime) -> None:
    session.info.get(_CO_UNITS, {}).pop(case_id, None)
    session.execute(
        update(CaseUnit)
        .where(CaseUnit.case_id == case_id, CaseUnit.department_id.in_(department_ids))
        .values(replied_at=at)
        .execution_options(synchronize_session="fetch")
    )


def set_co_units(session: Session, case_id: int, department_ids: list[int]) -> None:
    session.info.get(_CO_UNITS, {}).pop(case_id, None)
    for unit in session.scalars(select(CaseUnit).where(CaseUnit.case_id == case_id)):
        session.delete(unit)
    session.flush()
    rows = [CaseUnit(case_id=case_id, department_id=d) for d in department_ids]
    session.add_all(rows)
    session.info.setdefault(_CO_UNITS, {})[case_id] = rows  # the new set, before the flush


def events(session: Session, case_id: int) -> list[CaseEvent]:
    return list(
        session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq))
    )


def add_event(session: Session, event: CaseEvent) -> None:
    session.add(event)


_EVENTS = cast(Table, CaseEvent.__table__)


def append_event(session: Session, case: Case, values: dict[str, Any], entry: dict[str, Any]) -> None:
    """Append a timeline event and its audit entry (``audit.entry``) after ``case``'s own changes.

    PostgreSQL: the case's changed columns (with the version check and bump the ORM's flush
    would do), the event and the entry in one statement (:func:`_write_with_event`); elsewhere
    the case is flushed by the insert's autoflush (:func:`zhizhi.core.audit.insert_with_entry`)."""
    if session.get_bind().dialect.name == "postgresql" and _write_with_event(session, case, values, entry):
        return
    audit.insert_with_entry(session, _EVENTS, values, entry)


_CASES = cast(Table, Case.__table__)
_COLUMN_OF = {prop.key: prop.columns[0].name for prop in inspect(Case).column_attrs}


def _write_with_event(session: Session, case: Case, values: dict[str, Any], entry: dict[str, Any]) -> bool:
    """The case's pending column changes, the event and the entry in one statement; the case then
    holds them as flushed (no second ``UPDATE``). ``False`` (nothing done) for a case that is not
    a plain loaded row with column changes only."""
    state = inspect(case)
    if not state.persistent or not state.committed_state:
        return False
    old_version = case.version
    changes = {
        key: state.dict[key] for key in state.committed_state if key in _COLUMN_OF and key in state.dict
    }
    if len(changes) != len(state.committed_state) or "version" in changes:
        return False
    changes["version"] = old_version + 1
    columns = {_COLUMN_OF[key]: value for key, value in changes.items()}
    # first: the statement's autoflush must not write the case. The row is now as written, so
    # it is marked clean as a flush would (no pass of the unit of work over it at the commit)
    set_committed_value(case, "version", old_version + 1)
    state._commit_all(state.dict, session.identity_map)
    key = {"id": case.id, "version": old_version}
    if not audit.update_insert_with_entry(session, _CASES, key, columns, _EVENTS, values, entry):
        raise StaleDataError(f"case {case.id}: version {old_version} was changed by someone else")
    return True


def idempotency_key(session: Session, scope: str, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
    )


def save_idempotency_key(session: Session, row: IdempotencyKey) -> None:
    """Insert ``row`` in a SAVEPOINT (``IntegrityError`` when a concurrent retry got there first)."""
    with session.begin_nested():
        session.add(row)
