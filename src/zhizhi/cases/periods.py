"""Reporting periods in local days (Asia/Shanghai), as UTC instants: pure logic, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from zhizhi.core import clock


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive, UTC
    end: datetime  # exclusive, UTC
    first_day: date
    last_day: date


def local_period(first_day: date, last_day: date) -> Period:
    start = datetime(first_day.year, first_day.month, first_day.day, tzinfo=clock.SHANGHAI)
    end = datetime(last_day.year, last_day.month, last_day.day, tzinfo=clock.SHANGHAI) + timedelta(days=1)
    return Period(clock.as_utc(start), clock.as_utc(end), first_day, last_day)


def named_period(name: str) -> Period:
    """``today``, ``7d``, ``month`` (this calendar month so far) or, for anything else, 30 days."""
    today = clock.today_local()
    if name == "today":
        return local_period(today, today)
    if name == "7d":
        return local_period(today - timedelta(days=6), today)
    if name == "month":
        return local_period(today.replace(day=1), today)
    return local_period(today - timedelta(days=29), today)
