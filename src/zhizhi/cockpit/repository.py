"""The cockpit's SQL: its snapshots and the per-case recurrence results (the tables it owns)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, Select, case, cast, delete, func, select
from sqlalchemy.orm import Session

from zhizhi.cockpit.models import CaseRecurrence, CockpitSnapshot


def snapshot(session: Session, key: str) -> CockpitSnapshot | None:
    return session.scalar(select(CockpitSnapshot).where(CockpitSnapshot.key == key))


def store(session: Session, key: str, figures: dict[str, Any], computed_at: datetime, seconds: float) -> None:
    """Replace the snapshot under ``key`` (one row per key: a rerun overwrites)."""
    row = snapshot(session, key)
    if row is None:
        row = CockpitSnapshot(key=key, figures=figures, computed_at=computed_at, seconds=seconds)
        session.add(row)
    else:
        row.figures, row.computed_at, row.seconds = figures, computed_at, seconds
    session.flush()


def prune(session: Session, prefix: str, keep: set[str]) -> int:
    """Delete the snapshots under ``prefix`` not in ``keep`` (periods that have moved on)."""
    stmt = delete(CockpitSnapshot).where(CockpitSnapshot.key.startswith(prefix, autoescape=True))
    if keep:
        stmt = stmt.where(CockpitSnapshot.key.not_in(sorted(keep)))
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


# ---- per-case recurrence results (0018) ---------------------------------------------------------


def recurrences_of(session: Session, case_ids: Sequence[int]) -> dict[int, CaseRecurrence]:
    """The stored results of these cases, by case id (read in slices: a long IN list)."""
    out: dict[int, CaseRecurrence] = {}
    ids = list(case_ids)
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        out.update(
            (r.case_id, r)
            for r in session.scalars(select(CaseRecurrence).where(CaseRecurrence.case_id.in_(chunk)))
        )
    return out


def save_recurrences(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert or overwrite results (each dict: the columns of :class:`CaseRecurrence`)."""
    items = list(rows)
    known = recurrences_of(session, [r["case_id"] for r in items])
    for values in items:
        row = known.get(values["case_id"])
        if row is None:
            session.add(CaseRecurrence(**values))
        else:
            for k, v in values.items():
                setattr(row, k, v)
    session.flush()
    return len(items)


def _within(days: int) -> Any:
    return func.coalesce(func.sum(case((CaseRecurrence.days <= days, 1), else_=0)), 0).cast(Integer)


def recurrence_counts(
    session: Session, closed: Select[int, datetime | None], windows: Sequence[int]
) -> dict[str, Any]:
    """Counts over the closed cases of ``closed`` (a statement of ``id``, ``closed_at`` built by
    the case engine, row scope included): ``closed`` (all of them), ``covered`` (those with a
    current stored result: same closure), ``computed_at`` (the newest check), ``units`` (per lead
    unit: covered, recurred per window) and ``examples`` (up to 10 recurrences, oldest closure
    first). One pass over the scoped closed cases joined by primary key — no text is scored."""
    sub = closed.subquery()
    current = (CaseRecurrence.case_id == sub.c.id) & (CaseRecurrence.closed_at == sub.c.closed_at)
    total = int(session.scalar(select(func.count()).select_from(sub)) or 0)
    per_unit = session.execute(
        select(
            CaseRecurrence.unit,
            func.count(),
            *[_within(w) for w in windows],
            func.max(CaseRecurrence.checked_through),
        )
        .select_from(sub)
        .join(CaseRecurrence, current)
        .group_by(CaseRecurrence.unit)
    ).all()
    examples = session.execute(
        select(CaseRecurrence.number, CaseRecurrence.returned_by, cast(CaseRecurrence.days, Float))
        .select_from(sub)
        .join(CaseRecurrence, current)
        .where(CaseRecurrence.returned_by.is_not(None))
        .order_by(CaseRecurrence.closed_at, CaseRecurrence.case_id)
        .limit(10)
    ).all()
    units = {
        row[0]: {"closed": int(row[1]), **{f"recurred_{w}": int(row[2 + i]) for i, w in enumerate(windows)}}
        for row in per_unit
    }
    checked = [row[-1] for row in per_unit if row[-1] is not None]
    return {
        "closed": total,
        "covered": sum(int(row[1]) for row in per_unit),
        "computed_at": max(checked) if checked else None,
        "units": units,
        "examples": [(a, b, float(d)) for a, b, d in examples],
    }


def prune_recurrences(session: Session, closed_before: datetime) -> int:
    """Drop results of closures older than ``closed_before`` (no cockpit period reaches them)."""
    stmt = delete(CaseRecurrence).where(CaseRecurrence.closed_at < closed_before)
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def closures(session: Session, closed: Select[int, datetime | None]) -> list[tuple[int, datetime]]:
    """(id, closed_at) of the closed cases of ``closed`` (a statement built by the case engine)."""
    return [(int(r[0]), r[1]) for r in session.execute(closed) if r[1] is not None]
