"""Working days on the Chinese calendar (工作日), as data.

A :class:`WorkCalendar` knows, for each *published* year, which dates differ from the
Monday-to-Friday default: statutory holidays on weekdays (法定节假日) and make-up working days
on weekends (调休).  Dates in years that are not published are counted on weekends only and
every answer that touched them is flagged ``provisional`` — never an exception.

Counting follows common practice: the day of acceptance does not count; the Nth working day
after it is the due date (国家政务服务时限 count from the day after acceptance).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from zhizhi.core.clock import SHANGHAI, as_utc

MAX_WORKING_DAYS = 3660  # ten years; larger limits are configuration errors
MIN_DATE, MAX_DATE = date(1949, 10, 1), date(2199, 12, 31)  # the calendar's domain


@dataclass(frozen=True, slots=True)
class DueDate:
    due_date: date
    provisional: bool


@dataclass(slots=True)
class WorkCalendar:
    """Published years plus the dates that differ from the weekday/weekend default."""

    published_years: frozenset[int] = frozenset()
    overrides: Mapping[date, bool] = field(default_factory=dict)  # date -> is working day

    @classmethod
    def from_days(cls, days: Iterable[tuple[date, bool]]) -> WorkCalendar:
        years: set[int] = set()
        overrides: dict[date, bool] = {}
        for day, is_workday in days:
            years.add(day.year)
            if is_workday != (day.weekday() < 5):
                overrides[day] = is_workday
        return cls(frozenset(years), overrides)

    def is_published(self, day: date) -> bool:
        return day.year in self.published_years

    def is_workday(self, day: date) -> bool:
        if day.year in self.published_years:
            return self.overrides.get(day, day.weekday() < 5)
        return day.weekday() < 5

    def add_working_days(self, start: date, working_days: int) -> DueDate:
        """The date that is ``working_days`` working days after ``start`` (start excluded).

        ``working_days == 0`` answers ``start`` itself (an immediate item, 即办件).
        """
        if working_days < 0 or working_days > MAX_WORKING_DAYS:
            raise ValueError(f"working_days must be within 0..{MAX_WORKING_DAYS}")
        if not MIN_DATE <= start <= MAX_DATE:
            raise ValueError(f"start must be within {MIN_DATE}..{MAX_DATE}")
        day = start
        provisional = not self.is_published(start) and working_days == 0
        remaining = working_days
        while remaining > 0:
            day += timedelta(days=1)
            if not self.is_published(day):
                provisional = True
            if self.is_workday(day):
                remaining -= 1
        return DueDate(day, provisional)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open interval (start, end]; 0 when end <= start."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


def end_of_local_day(day: date) -> datetime:
    """23:59:59 Asia/Shanghai of ``day``, as an aware UTC datetime (the due instant)."""
    return as_utc(datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI))


def local_date(moment: datetime) -> date:
    return as_utc(moment).astimezone(SHANGHAI).date()
