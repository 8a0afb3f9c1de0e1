"""The working-day calculator on the real 2026 calendar (from chinese_calendar) and past it."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhizhi.core.calendar_store import days_from_chinese_calendar, days_from_notice
from zhizhi.core.workdays import WorkCalendar


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


class TestProperties:
    @settings(max_examples=300, deadline=None)
    @given(start=dates, n=counts)
    def test_exactly_n_working_days_in_between_and_due_is_a_working_day(self, start: date, n: int) -> None:
        due = CAL.add_working_days(start, n)
        assert CAL.working_days_between(start, due.due_date) == n
        if n > 0:
            assert CAL.is_workday(due.due_date)
            assert due.due_date > start

    @settings(max_examples=200, deadline=None)
    @given(start=dates, n=counts)
    def test_monotone_in_n(self, start: date, n: int) -> None:
        assert CAL.add_working_days(start, n + 1).due_date > CAL.add_working_days(start, n).due_date

    @settings(max_examples=200, deadline=None)
    @given(start=dates, n=counts)
    def test_provisional_exactly_when_an_unpublished_year_is_touched(self, start: date, n: int) -> None:
        due = CAL.add_working_days(start, n)
        touched = {start.year, due.due_date.year} if n else {start.year}
        assert due.provisional == any(
            y not in CAL.published_years for y in touched | set(range(start.year, due.due_date.year + 1))
        )

    @settings(max_examples=200, deadline=None)
    @given(start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 31)), n=st.integers(1, 40))
    def test_agrees_with_chinese_calendar(self, start: date, n: int) -> None:
        due = CAL.add_working_days(start, n).due_date
        if due.year <= 2026:
            assert chinese_calendar.get_workdays(start + timedelta(days=1), due).__len__() == n

    def test_rejects_absurd_limits(self) -> None:
        with pytest.raises(ValueError):
            CAL.add_working_days(date(2026, 1, 1), -1)
