"""Reads for the integrity check (``cases.integrity``): cases, co-units, timelines and the audit
entries that seal them, as one stream of per-case groups (memory: one case at a time).

Four ordered streams are merged on the case number; the numbers are ordered by code point
(collation ``C`` on PostgreSQL, ``BINARY`` on SQLite) so the database's order is Python's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from zhizhi.cases.models import Case, CaseEvent, CaseUnit
from zhizhi.core import audit, fieldcrypt
from zhizhi.core.fieldcrypt import KeyConfigError

BATCH = 5000
# an encrypted field whose stored value does not decrypt (altered bytes, a plaintext written behind
# the platform's back): never equal to a sealed value, so the case is reported as edited
UNREADABLE = "\x00unreadable"


@dataclass(slots=True)
class CaseGroup:
    number: str
    case: Any = None  # the row (covered fields by name) or None
    units: list[int] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)
    entries: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (seq, detail), chain order


def _stream(session: Session, stmt: Any) -> Iterator[Any]:
    return iter(session.execute(stmt.execution_options(yield_per=BATCH)))


def case_groups(
    session: Session, actions: list[str], case_fields: tuple[str, ...], event_fields: tuple[str, ...]
) -> Iterator[CaseGroup]:
    """Per case number, in code-point order: the row (``case_fields``), its co-unit ids, its events
    (``event_fields``, by ``seq``) and the audit entries of ``actions`` about it (chain order)."""
    collation = "C" if session.get_bind().dialect.name == "postgresql" else "BINARY"
    number = Case.number.collate(collation)
    entries_table = audit.ENTRIES
    object_id = entries_table.c.object_id.collate(collation)
    encrypted = {f: c for f, c in fieldcrypt.encrypted_columns(Case).items() if f in case_fields}
    columns = [
        type_coerce(getattr(Case, f), Text).label(f) if f in encrypted else getattr(Case, f)
        for f in case_fields
    ]  # encrypted fields read raw and decrypted one by one: a bad value is a finding, not a crash
    cases = _stream(session, select(Case.number, *columns).order_by(number))
    units = _stream(
        session,
        select(Case.number, CaseUnit.department_id).join(Case, Case.id == CaseUnit.case_id).order_by(number),
    )
    events = _stream(
        session,
        select(
            Case.number,
            *(getattr(CaseEvent, f) for f in event_fields),
            type_coerce(CaseEvent.personal_text, Text).label("personal_text"),
        )
        .join(Case, Case.id == CaseEvent.case_id)
        .order_by(number, CaseEvent.seq),
    )
    entries = _stream(
        session,
        select(entries_table.c.object_id, entries_table.c.seq, entries_table.c.detail)
        .where(
            entries_table.c.object_type == "case",
            entries_table.c.object_id.is_not(None),
            entries_table.c.action.in_(actions),
        )
        .order_by(object_id, entries_table.c.seq),
    )
    streams = [
        groupby(cases, key=lambda r: r[0]),
        groupby(units, key=lambda r: r[0]),
        groupby(events, key=lambda r: r[0]),
        groupby(entries, key=lambda r: r[0]),
    ]
    heads: list[tuple[str, list[Any]] | None] = [_next(s) for s in streams]
    while any(h is not None for h in heads):
        current = min(h[0] for h in heads if h is not None)
        group = CaseGroup(current)
        for i, head in enumerate(heads):
            if head is None or head[0] != current:
                continue
            rows = head[1]
            if i == 0:
                group.case = _readable(rows[0], encrypted)
            elif i == 1:
                group.units = [r.department_id for r in rows]
            elif i == 2:
                group.events = [_readable(r, _EVENT_ENCRYPTED) for r in rows]
            else:
                group.entries = [(r.seq, r.detail) for r in rows]
            heads[i] = _next(streams[i])
        yield group


_EVENT_ENCRYPTED = {"personal_text": "case_events.personal_text"}


def _readable(row: Any, encrypted: dict[str, str]) -> Any:
    if not encrypted:
        return row
    values = dict(row._mapping)
    for name, context in encrypted.items():
        if values.get(name) is not None:
            try:
                values[name] = fieldcrypt.decrypt(values[name], context)
            except KeyConfigError:
                values[name] = UNREADABLE
    return values


def _next(stream: Any) -> tuple[str, list[Any]] | None:
    try:
        key, rows = next(stream)
    except StopIteration:
        return None
    return str(key), list(rows)
