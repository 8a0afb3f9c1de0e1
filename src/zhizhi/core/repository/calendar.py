"""SQL of the calendar table (``calendar_days``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from zhizhi.core.models import CalendarDay


def all_days(session: Session) -> list[tuple[date, bool]]:
    """Every stored day as ``(day, is_workday)``."""
    return [(r[0], r[1]) for r in session.execute(select(CalendarDay.day, CalendarDay.is_workday))]


def replace_year(session: Session, year: int, days: list[tuple[date, bool, str | None]], source: str) -> None:
    """Delete the rows of ``year`` and insert ``days`` (flushed)."""
    session.execute(delete(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))))
    session.add_all(CalendarDay(day=d, is_workday=w, name=n, source=source) for d, w, n in days)
    session.flush()
