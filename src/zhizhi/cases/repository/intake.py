"""Writing a new case: the intake hot path (``insert_case``).

Case creation is the platform's hottest write, so it bypasses the ORM's unit of work.  On
PostgreSQL one statement draws the number (``numbering``), inserts the case, its first timeline
event and its audit entry (data-modifying CTEs) and returns id and number; the statement is
compiled once per column set and executed as driver SQL with the column types' own bind
processors (SQLAlchemy's per-execution machinery cost half a millisecond of this path).  SQLite
runs the same inserts one after another.  The new row is attached to the session as if loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Engine, Table, bindparam, false, insert, literal_column, null, select, true
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.orm import Session, make_transient_to_detached

from zhizhi.cases.models import Case, CaseEvent
from zhizhi.cases.repository import numbering
from zhizhi.core import audit

# What every new case starts with, written as SQL literals (a statement with more than 50
# parameters misses psycopg's parsed-query cache and is re-parsed on every call).
_NEW_CASE_LITERALS = {
    "extension_amount": 0,
    "paused_days": 0,
    "paused_seconds": 0,
    "supervision_count": 0,
    "reopen_count": 0,
    "return_count": 0,
    "rating_excluded": False,
    "event_count": 1,  # the creation event inserted with it
    "version": 1,  # the ORM's version counter starts at 1
}
_SAME_AS_CREATED = ("updated_at", "clock_started_at")
_EVENT_LITERALS = {"seq": 1, "action": "create", "from_status": None, "reason": None}
_AUDIT_COLS = ("at", "actor_id", "actor", "action", "object_type", "detail")
_insert_statements: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Any] = {}
_compiled: dict[tuple[str, tuple[str, ...], tuple[str, ...]], _DriverSQL] = {}


@dataclass(frozen=True, slots=True)
class _DriverSQL:
    sql: str
    constants: dict[str, Any]  # values of binds SQLAlchemy made for literals (lpad width …)
    processors: dict[str, Callable[[Any], Any]]  # the column types' bind processors

    @classmethod
    def compile(cls, stmt: Any, dialect: Dialect, supplied: set[str]) -> _DriverSQL:
        compiled = stmt.compile(dialect=dialect)
        processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        constants = {k: v for k, v in compiled.params.items() if k not in supplied}
        return cls(compiled.string, constants, processors)

    def params(self, supplied: dict[str, Any]) -> dict[str, Any]:
        out = dict(self.constants)
        for name, value in supplied.items():
            processor = self.processors.get(name)
            out[name] = value if processor is None or value is None else processor(value)
        return out


def _sql_literal(value: Any) -> Any:
    if isinstance(value, bool):
        return true() if value else false()
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
    creation event's actor and ``to_status`` and ``payload``.
    """
    bind = session.get_bind()
    dialect = bind.dialect.name
    stmt = _insert_statement(dialect, tuple(values), tuple(event))
    params = {**values, **{f"ev_{k}": v for k, v in event.items()}}
    if dialect == "postgresql":
        assert isinstance(bind, Engine)
        params.update(numbering.number_params(bind, day))
        params.update({f"au_{c}": entry[c] for c in _AUDIT_COLS})
        key = (dialect, tuple(values), tuple(event))
        driver_sql = _compiled.get(key)
        if driver_sql is None:
            driver_sql = _compiled[key] = _DriverSQL.compile(stmt, bind.dialect, set(params))
        result = session.connection().exec_driver_sql(driver_sql.sql, driver_sql.params(params))
        new_id, number = result.one()
        audit.written_to_inbox(session)
    else:
        params["number"] = numbering.next_number(session, day)
        new_id, number = session.execute(stmt[0], params).one()
        # only the event's own parameters: a case column of the same name (personal_text) would
        # otherwise be added to the event's INSERT
        event_params = {k: v for k, v in params.items() if k.startswith("ev_")}
        session.execute(stmt[1], {**event_params, "created_at": values["created_at"], "case_id": new_id})
        audit.queue(session, {**entry, "object_id": number})
    row = {c.key: None for c in cast(Table, Case.__table__).c} | values | _NEW_CASE_LITERALS
    row |= {c: values["created_at"] for c in _SAME_AS_CREATED} | {"id": new_id, "number": number}
    case = Case(**row)
    make_transient_to_detached(case)  # as if loaded by a query: no pending changes
    session.add(case)
    return case
