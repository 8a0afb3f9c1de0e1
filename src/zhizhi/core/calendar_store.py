"""The working-day calendar (工作日历): one row per day of each published year, cached per process.

Seeded from the ``chinese_calendar`` package (years it knows) and importable per year by an
administrator from the yearly State Council notice (holidays + make-up working days) through
``catalogue.service.import_calendar_year``.  The table's SQL is in ``core.repository.calendar``.

Each process keeps the calendar in memory (a one-entry ``cachetools.TTLCache``): it is dropped
when a transaction of this process that imported a year commits, and rebuilt at most
``TTL_SECONDS`` after an import made by another process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, timedelta

from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.orm import Session

from zhizhi.core.errors import ValidationFailed
from zhizhi.core.models import CalendarDay  # noqa: F401  (the table, for readers)
from zhizhi.core.repository import calendar as repo
from zhizhi.core.workdays import WorkCalendar

TTL_SECONDS = 60.0
_cache_lock = threading.Lock()
_cache: TTLCache[str, WorkCalendar] = TTLCache(maxsize=1, ttl=TTL_SECONDS)
_generation = 0


def invalidate_cache() -> None:
    global _generation
    with _cache_lock:
        _generation += 1
        _cache.clear()


def load_calendar(session: Session) -> WorkCalendar:
    """The calendar as data (cached, see the module docstring)."""
    with _cache_lock:
        cached, generation = _cache.get("calendar"), _generation
    if cached is not None:
        return cached
    calendar = WorkCalendar.from_days(repo.all_days(session))
    with _cache_lock:
        if generation == _generation:  # no import committed while we were reading
            _cache["calendar"] = calendar
    return calendar


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction() and session.info.pop("calendar_changed", False):
        invalidate_cache()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if session.info.get("calendar_changed"):  # kept for the outer commit if this was a SAVEPOINT
        invalidate_cache()  # the import's uncommitted rows may have been read meanwhile


def published_years(session: Session) -> list[int]:
    return sorted(load_calendar(session).published_years)


def days_from_chinese_calendar(year: int) -> list[tuple[date, bool, str | None]]:
    """Every day of ``year`` from the chinese_calendar package; ValidationFailed if unknown."""
    import chinese_calendar

    out: list[tuple[date, bool, str | None]] = []
    day = date(year, 1, 1)
    try:
        while day.year == year:
            on_holiday, holiday_name = chinese_calendar.get_holiday_detail(day)
            workday = not on_holiday
            name = None
            if holiday_name and on_holiday:
                name = str(holiday_name)
            elif holiday_name and not on_holiday:
                name = "调休上班"
            out.append((day, workday, name))
            day += timedelta(days=1)
    except NotImplementedError as exc:
        raise ValidationFailed(
            f"chinese_calendar 尚无 {year} 年的节假日数据，请按国务院通知导入",
            f"chinese_calendar has no data for {year}; import the State Council notice instead",
            field="year",
        ) from exc
    return out


def days_from_notice(
    year: int, holidays: Iterable[date], makeup_workdays: Iterable[date]
) -> list[tuple[date, bool, str | None]]:
    """Build a year from the notice: listed holidays are off, listed make-up days are worked."""
    off = set(holidays)
    on = set(makeup_workdays)
    for d in off | on:
        if d.year != year:
            raise ValidationFailed(f"日期 {d} 不属于 {year} 年", f"date {d} is not in {year}", field="dates")
    if off & on:
        raise ValidationFailed(
            "同一日期不能既是假日又是调休工作日",
            "a date cannot be both a holiday and a make-up working day",
            field="dates",
        )
    out: list[tuple[date, bool, str | None]] = []
    day = date(year, 1, 1)
    while day.year == year:
        if day in off:
            out.append((day, False, "法定节假日"))
        elif day in on:
            out.append((day, True, "调休上班"))
        else:
            out.append((day, day.weekday() < 5, None))
        day += timedelta(days=1)
    return out


def replace_year(session: Session, year: int, days: list[tuple[date, bool, str | None]], source: str) -> int:
    """Replace the rows of ``year`` (idempotent); caches are dropped when the import commits."""
    repo.replace_year(session, year, days, source)
    session.info["calendar_changed"] = True
    invalidate_cache()  # this session reads its own import at once (published_years, deadlines)
    return len(days)


def seed_known_years(session: Session, years: Iterable[int]) -> list[int]:
    """Seed every year in ``years`` that chinese_calendar knows and the table lacks."""
    have = set(published_years(session))
    seeded = []
    for year in years:
        if year in have:
            continue
        try:
            days = days_from_chinese_calendar(year)
        except ValidationFailed:
            continue
        replace_year(session, year, days, "chinese_calendar")
        seeded.append(year)
    return seeded
