"""The cockpit's SQL: its snapshots (the only table it owns)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zhizhi.cockpit.models import CockpitSnapshot


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
