"""The working-day calculator on the real 2026 calendar (from chinese_calendar) and past it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.calendar_2026 import CAL_2026, HOLIDAYS_2026, MAKEUP_WORKDAYS_2026
from zhizhi.core.calendar_store import days_from_chinese_calendar, days_from_notice
from zhizhi.core.workdays import (
    MAX_DATE,
    MAX_WORKING_DAYS,
    MIN_DATE,
    DueDate,
    WorkCalendar,
    end_of_local_day,
    local_date,
)


def _calendar(*years: int) -> WorkCalendar:
    days = [(d, w) for y in years for d, w, _n in days_from_chinese_calendar(y)]
    return WorkCalendar.from_days(days)


CAL = _calendar(2024, 2025, 2026)


class TestKnownDates2026:
    @pytest.mark.parametrize(
        "day",
        [
            "2026-01-01",
            "2026-02-16",
            "2026-02-23",
            "2026-04-06",
            "2026-05-05",
            "2026-06-19",
            "2026-09-25",
            "2026-10-01",
            "2026-10-07",
        ],
    )
    def test_statutory_holidays_are_off(self, day: str) -> None:
        assert not CAL.is_workday(date.fromisoformat(day))

    @pytest.mark.parametrize(
        "day", ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    )
    def test_makeup_weekend_days_are_worked(self, day: str) -> None:
        d = date.fromisoformat(day)
        assert d.weekday() >= 5 and CAL.is_workday(d)

    def test_contract_example_national_day(self) -> None:
        due = CAL.add_working_days(date(2026, 9, 30), 5)
        assert due.due_date == date(2026, 10, 13) and not due.provisional

    def test_spring_festival_spans_the_break(self) -> None:
        # Fri 2026-02-13 + 1 working day is the make-up Saturday 02-14; + 2 jumps the whole holiday.
        assert CAL.add_working_days(date(2026, 2, 13), 1).due_date == date(2026, 2, 14)
        assert CAL.add_working_days(date(2026, 2, 13), 2).due_date == date(2026, 2, 24)

    def test_zero_days_is_the_start_itself(self) -> None:
        assert CAL.add_working_days(date(2026, 3, 3), 0).due_date == date(2026, 3, 3)


class TestPastThePublishedYears:
    def test_2027_is_weekends_only_and_provisional(self) -> None:
        due = CAL.add_working_days(date(2026, 12, 30), 5)
        # 12-31 (Thu) counts, then 2027 on weekends only: Fri 1, Mon 4, Tue 5, Wed 6.
        assert due.due_date == date(2027, 1, 6)
        assert due.provisional

    def test_chinese_calendar_itself_refuses_2027(self) -> None:
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(date(2027, 1, 4))

    def test_whole_2027_year_never_raises(self) -> None:
        start = date(2027, 1, 1)
        for offset in range(0, 365, 7):
            due = CAL.add_working_days(start + timedelta(days=offset), 20)
            assert due.provisional and due.due_date.weekday() < 5

    def test_import_from_notice_publishes_the_year(self) -> None:
        days = days_from_notice(2027, [date(2027, 1, 1)], [date(2027, 1, 2)])
        cal = WorkCalendar.from_days([(d, w) for d, w, _ in days])
        assert not cal.is_workday(date(2027, 1, 1)) and cal.is_workday(date(2027, 1, 2))
        assert cal.add_working_days(date(2026, 12, 31), 1).due_date == date(2027, 1, 2)
        assert not cal.add_working_days(date(2027, 3, 1), 3).provisional


dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
counts = st.integers(min_value=0, max_value=120)


# Properties are module-level functions: hypothesis refuses a method run by several pytest sessions
# in one process, as the mutation run (scripts/mutation.py) does.
@settings(max_examples=300, deadline=None)
@given(start=dates, n=counts)
def test_exactly_n_working_days_in_between_and_due_is_a_working_day(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due.due_date) == n
    if n > 0:
        assert CAL.is_workday(due.due_date)
        assert due.due_date > start


@settings(max_examples=200, deadline=None)
@given(start=dates, n=counts)
def test_monotone_in_n(start: date, n: int) -> None:
    assert CAL.add_working_days(start, n + 1).due_date > CAL.add_working_days(start, n).due_date


@settings(max_examples=200, deadline=None)
@given(start=dates, n=counts)
def test_provisional_exactly_when_an_unpublished_year_is_touched(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n)
    touched = {start.year, due.due_date.year} if n else {start.year}
    assert due.provisional == any(
        y not in CAL.published_years for y in touched | set(range(start.year, due.due_date.year + 1))
    )


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 31)), n=st.integers(1, 40))
def test_agrees_with_chinese_calendar(start: date, n: int) -> None:
    due = CAL.add_working_days(start, n).due_date
    if due.year <= 2026:
        assert chinese_calendar.get_workdays(start + timedelta(days=1), due).__len__() == n


def test_rejects_absurd_limits() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 1), -1)


class TestLiteral2026:
    """The calendar written out from the notice (tests/calendar_2026.py), independent of the package."""

    def test_the_package_agrees_with_the_notice(self) -> None:
        seeded = _calendar(2026)
        assert dict(seeded.overrides) == dict(CAL_2026.overrides)
        assert seeded.published_years == CAL_2026.published_years == frozenset({2026})

    def test_only_the_days_that_differ_from_the_week_are_kept(self) -> None:
        weekday_holidays = [
            d for d in HOLIDAYS_2026 if d.weekday() < 5
        ]  # 1/1, 1/2, 2/16–2/20, 2/23, 4/6, 5/1, 5/4, 5/5, 6/19, 9/25, 10/1, 10/2, 10/5–10/7
        assert len(weekday_holidays) == 19
        assert dict(CAL_2026.overrides) == {d: False for d in weekday_holidays} | {
            d: True for d in MAKEUP_WORKDAYS_2026
        }

    @pytest.mark.parametrize(
        ("day", "worked"),
        [
            ("2026-01-01", False),
            ("2026-01-04", True),  # Sunday, make-up
            ("2026-01-05", True),
            ("2026-02-14", True),  # Saturday, make-up
            ("2026-02-15", False),  # Sunday in the break
            ("2026-02-23", False),  # Monday, last day of the break
            ("2026-02-24", True),
            ("2026-02-28", True),  # Saturday, make-up
            ("2026-03-01", False),  # plain Sunday
            ("2026-05-09", True),
            ("2026-09-20", True),
            ("2026-10-07", False),
            ("2026-10-10", True),
            ("2026-10-11", False),
            ("2027-01-01", True),  # unpublished: weekdays work, whatever the holiday
            ("2027-01-02", False),
        ],
    )
    def test_is_workday(self, day: str, worked: bool) -> None:
        assert CAL_2026.is_workday(date.fromisoformat(day)) is worked

    def test_is_published(self) -> None:
        assert CAL_2026.is_published(date(2026, 12, 31))
        assert not CAL_2026.is_published(date(2027, 1, 1))
        assert not CAL_2026.is_published(date(2025, 12, 31))

    def test_add_working_days_literal(self) -> None:
        assert CAL_2026.add_working_days(date(2026, 9, 30), 5) == DueDate(date(2026, 10, 13), False)
        assert CAL_2026.add_working_days(date(2026, 9, 30), 1) == DueDate(date(2026, 10, 8), False)
        assert CAL_2026.add_working_days(date(2026, 10, 9), 1) == DueDate(date(2026, 10, 10), False)
        assert CAL_2026.add_working_days(date(2026, 12, 31), 1) == DueDate(date(2027, 1, 1), True)
        assert CAL_2026.add_working_days(date(2026, 12, 31), 0) == DueDate(date(2026, 12, 31), False)
        assert CAL_2026.add_working_days(date(2027, 5, 3), 0) == DueDate(date(2027, 5, 3), True)
        # the unpublished start day itself is not counted, so nothing provisional was touched
        assert CAL_2026.add_working_days(date(2025, 12, 31), 1) == DueDate(date(2026, 1, 4), False)

    def test_limits_of_the_arguments(self) -> None:
        assert CAL_2026.add_working_days(date(2026, 1, 5), MAX_WORKING_DAYS).provisional
        with pytest.raises(ValueError, match=r"^working_days must be within 0\.\.3660$"):
            CAL_2026.add_working_days(date(2026, 1, 5), MAX_WORKING_DAYS + 1)
        with pytest.raises(ValueError, match=r"^working_days must be within 0\.\.3660$"):
            CAL_2026.add_working_days(date(2026, 1, 5), -1)
        assert CAL_2026.add_working_days(MIN_DATE, 0).due_date == date(1949, 10, 1)
        assert CAL_2026.add_working_days(MAX_DATE, 0).due_date == date(2199, 12, 31)
        for start in (date(1949, 9, 30), date(2200, 1, 1)):
            with pytest.raises(ValueError, match=r"^start must be within 1949-10-01\.\.2199-12-31$"):
                CAL_2026.add_working_days(start, 1)

    def test_working_days_between_is_half_open(self) -> None:
        assert CAL_2026.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
        assert CAL_2026.working_days_between(date(2026, 10, 12), date(2026, 10, 13)) == 1  # end counts
        assert CAL_2026.working_days_between(date(2026, 10, 13), date(2026, 10, 13)) == 0
        assert CAL_2026.working_days_between(date(2026, 10, 13), date(2026, 10, 12)) == 0
        assert CAL_2026.working_days_between(date(2026, 10, 9), date(2026, 10, 12)) == 2  # 10-10 and 10-12

    def test_local_day_helpers(self) -> None:
        assert end_of_local_day(date(2026, 10, 13)) == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)
        assert end_of_local_day(date(2026, 10, 13)).tzinfo is not None
        assert local_date(datetime(2026, 10, 8, 16, 0, tzinfo=UTC)) == date(2026, 10, 9)
        assert local_date(datetime(2026, 10, 8, 15, 59, 59, tzinfo=UTC)) == date(2026, 10, 8)
        assert local_date(datetime(2026, 10, 8, 16, 0)) == date(2026, 10, 9)  # naive is UTC

    def test_empty_calendar_is_weekends_only(self) -> None:
        empty = WorkCalendar()
        assert empty.published_years == frozenset() and dict(empty.overrides) == {}
        assert empty.add_working_days(date(2026, 9, 30), 5) == DueDate(date(2026, 10, 7), True)
