"""One clock for the whole process; tests freeze it.

All timestamps are timezone-aware and stored in UTC; they are shown in Asia/Shanghai.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_lock = threading.Lock()
_frozen: datetime | None = None


def now() -> datetime:
    """Current time, aware, in UTC (or the frozen instant)."""
    frozen = _frozen
    return frozen if frozen is not None else datetime.now(UTC)


def today_local() -> date:
    return now().astimezone(SHANGHAI).date()


def to_local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(SHANGHAI)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC (as SQLite returns them)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware); ``None`` unfreezes."""
    global _frozen
    with _lock:
        _frozen = as_utc(moment) if moment is not None else None


def advance(delta: timedelta) -> None:
    global _frozen
    with _lock:
        if _frozen is None:
            raise RuntimeError("advance() needs a frozen clock")
        _frozen = _frozen + delta


@contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    previous = _frozen
    freeze(moment)
    try:
        yield
    finally:
        freeze(previous)
