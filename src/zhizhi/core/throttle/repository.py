"""SQL of ``throttle_counters``: an atomic upsert that counts a hit in the key's window (one
statement, safe under concurrent processes on PostgreSQL and SQLite), the lock, the clean-up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Table, case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from zhizhi.core.db import UTCDateTime
from zhizhi.core.throttle.models import ThrottleCounter

T: Table = ThrottleCounter.__table__  # type: ignore[assignment]


def hit(session: Session, key: str, now: datetime, window_cutoff: datetime) -> tuple[int, datetime]:
    """Count one hit for ``key``: a window older than ``window_cutoff`` starts again at ``now``.
    Returns ``(hits in the window, window start)``."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    expired = T.c.window_start < window_cutoff
    stmt = insert(T).values(key=key, window_start=now, hits=1, locked_until=None)
    upsert = stmt.on_conflict_do_update(
        index_elements=[T.c.key],
        set_={
            "hits": case((expired, 1), else_=T.c.hits + 1),
            "window_start": case((expired, literal(now, UTCDateTime())), else_=T.c.window_start),
        },
    ).returning(T.c.hits, T.c.window_start)
    row = session.execute(upsert).one()
    return int(row[0]), row[1]


def locked_until(session: Session, keys: list[str], now: datetime) -> datetime | None:
    """The latest lock still in force among ``keys``."""
    found = session.execute(
        select(T.c.locked_until).where(T.c.key.in_(keys), T.c.locked_until > now)
    ).scalars()
    return max(found, default=None)


def lock(session: Session, key: str, until: datetime, now: datetime) -> None:
    """Lock ``key`` until ``until`` and start its count again."""
    session.execute(update(T).where(T.c.key == key).values(locked_until=until, hits=0, window_start=now))


def clear(session: Session, key: str) -> None:
    session.execute(delete(T).where(T.c.key == key))


def purge(session: Session, cutoff: datetime, now: datetime) -> int:
    """Delete counters whose window started before ``cutoff`` and that hold no lock in force."""
    result = session.execute(
        delete(T).where(T.c.window_start < cutoff, (T.c.locked_until.is_(None)) | (T.c.locked_until <= now))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
