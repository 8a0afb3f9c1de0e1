"""The SLA clock (``cases/sla.py``) on the 2026 calendar of the notice: literal due and warning
instants for every unit, with extensions, pauses, and past the last published year. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.calendar_2026 import CAL_2026
from zhizhi.cases.enums import SlaState
from zhizhi.cases.sla import Deadline, compute_deadline, pause_credit, sla_state, working_days_left
from zhizhi.catalogue.enums import LimitUnit

WD, CD, H = LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_DAYS, LimitUnit.HOURS


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# 2026-09-30 10:00 Asia/Shanghai, the day before the National Day holiday (10-01 … 10-07, 10-10 worked)
START = utc(2026, 9, 30, 2, 0)


def deadline(
    unit: LimitUnit,
    amount: int,
    *,
    started_at: datetime = START,
    extension: int = 0,
    paused_days: int = 0,
    paused_seconds: int = 0,
    ratio: float = 0.8,
) -> Deadline:
    return compute_deadline(
        CAL_2026,
        started_at=started_at,
        amount=amount,
        unit=unit,
        extension=extension,
        paused_days=paused_days,
        paused_seconds=paused_seconds,
        warning_ratio=ratio,
    )


class TestWorkingDays:
    def test_five_working_days_jump_the_national_day(self) -> None:
        # 10-08 Thu, 10-09 Fri, 10-10 make-up Sat, 10-12 Mon, 10-13 Tue; due 23:59:59 Shanghai
        assert deadline(WD, 5) == Deadline(
            due_at=utc(2026, 10, 13, 15, 59, 59),
            warn_at=datetime(2026, 10, 10, 22, 47, 59, 200000, tzinfo=UTC),
            provisional=False,
        )

    def test_extension_adds_working_days(self) -> None:
        # 5 + 3: 10-14, 10-15, 10-16
        d = deadline(WD, 5, extension=3)
        assert d.due_at == utc(2026, 10, 16, 15, 59, 59)
        assert d.warn_at == datetime(2026, 10, 13, 8, 23, 59, 200000, tzinfo=UTC)

    def test_paused_days_add_working_days(self) -> None:
        assert deadline(WD, 5, paused_days=2).due_at == utc(2026, 10, 15, 15, 59, 59)
        assert deadline(WD, 5, extension=1, paused_days=2).due_at == utc(2026, 10, 16, 15, 59, 59)

    def test_paused_seconds_do_not_count_for_working_days(self) -> None:
        assert deadline(WD, 5, paused_seconds=3 * 86400).due_at == utc(2026, 10, 13, 15, 59, 59)

    def test_ten_working_days(self) -> None:
        assert deadline(WD, 10).due_at == utc(2026, 10, 20, 15, 59, 59)

    def test_spring_festival_make_up_saturday_and_the_break(self) -> None:
        fri = utc(2026, 2, 13, 2, 0)  # Friday 2026-02-13 10:00
        assert deadline(WD, 1, started_at=fri).due_at == utc(2026, 2, 14, 15, 59, 59)  # make-up Sat
        assert deadline(WD, 2, started_at=fri).due_at == utc(2026, 2, 24, 15, 59, 59)  # after 2/15–2/23

    def test_labour_day_and_its_make_up_saturday(self) -> None:
        thu = utc(2026, 4, 30, 2, 0)
        assert deadline(WD, 1, started_at=thu).due_at == utc(2026, 5, 6, 15, 59, 59)
        assert deadline(WD, 4, started_at=thu).due_at == utc(2026, 5, 9, 15, 59, 59)  # Sat 5/9 worked

    def test_the_start_day_is_the_local_day(self) -> None:
        # 2026-10-09 00:30 Shanghai is still 10-08 in UTC: one working day later is the make-up 10-10
        assert deadline(WD, 1, started_at=utc(2026, 10, 8, 16, 30)).due_at == utc(2026, 10, 10, 15, 59, 59)
        # 2026-10-08 23:30 Shanghai: one working day later is 10-09
        assert deadline(WD, 1, started_at=utc(2026, 10, 8, 15, 30)).due_at == utc(2026, 10, 9, 15, 59, 59)

    def test_zero_days_is_the_end_of_the_start_day(self) -> None:
        d = deadline(WD, 0, started_at=utc(2026, 3, 3, 2, 0))
        assert d.due_at == utc(2026, 3, 3, 15, 59, 59) and not d.provisional


class TestPastThePublishedYear:
    def test_into_2027_counts_weekends_only_and_is_provisional(self) -> None:
        # 12-29, 12-30, 12-31, then 2027 on weekends only: 1/1 (Fri), 1/4 … 1/8, 1/11
        d = deadline(WD, 10, started_at=utc(2026, 12, 28, 2, 0))
        assert d == Deadline(
            due_at=utc(2027, 1, 11, 15, 59, 59),
            warn_at=datetime(2027, 1, 8, 17, 59, 59, 200000, tzinfo=UTC),
            provisional=True,
        )

    def test_within_2026_is_not_provisional_even_on_new_year_s_eve(self) -> None:
        assert deadline(WD, 1, started_at=utc(2026, 12, 30, 2, 0)).provisional is False

    def test_wholly_in_2028_does_not_crash(self) -> None:
        d = deadline(WD, 3, started_at=utc(2028, 2, 28, 2, 0))  # Monday; 2028 is a leap year
        assert d.due_at == utc(2028, 3, 2, 15, 59, 59) and d.provisional

    def test_calendar_days_and_hours_are_never_provisional(self) -> None:
        later = utc(2027, 6, 1, 2, 0)
        assert deadline(CD, 7, started_at=later).provisional is False
        assert deadline(H, 24, started_at=later).provisional is False
        assert deadline(CD, 7, started_at=later).due_at == utc(2027, 6, 8, 15, 59, 59)


class TestCalendarDaysAndHours:
    def test_calendar_days_count_holidays(self) -> None:
        d = deadline(CD, 7)
        assert d.due_at == utc(2026, 10, 7, 15, 59, 59)
        assert d.warn_at == datetime(2026, 10, 6, 3, 35, 59, 200000, tzinfo=UTC)

    def test_calendar_days_with_extension_and_pause(self) -> None:
        assert deadline(CD, 7, extension=2, paused_days=1).due_at == utc(2026, 10, 10, 15, 59, 59)

    def test_hours_are_wall_clock(self) -> None:
        d = deadline(H, 24)
        assert d.due_at == utc(2026, 10, 1, 2, 0)
        assert d.warn_at == utc(2026, 9, 30, 21, 12)

    def test_hours_with_extension_and_paused_seconds(self) -> None:
        # 24 + 2 hours, plus one hour paused; paused days do not count for hours
        d = deadline(H, 24, extension=2, paused_seconds=3600, paused_days=5)
        assert d.due_at == utc(2026, 10, 1, 5, 0)
        assert d.warn_at == utc(2026, 9, 30, 23, 36)


class TestWarningRatio:
    def test_half_way(self) -> None:
        assert deadline(WD, 5, ratio=0.5).warn_at == datetime(2026, 10, 6, 20, 59, 59, 500000, tzinfo=UTC)
        assert deadline(H, 10, ratio=0.5).warn_at == utc(2026, 9, 30, 7, 0)

    def test_ratio_one_warns_at_the_due_instant(self) -> None:
        d = deadline(H, 10, ratio=1.0)
        assert d.warn_at == d.due_at == utc(2026, 9, 30, 12, 0)


class TestPauseCredit:
    def test_a_week_of_working_days(self) -> None:
        # Mon 11-02 10:00 → Mon 11-09 10:00: 11-03 … 11-06 and 11-09
        stopped, resumed = utc(2026, 11, 2, 2, 0), utc(2026, 11, 9, 2, 0)
        assert pause_credit(CAL_2026, WD, stopped, resumed) == (5, 604800)
        assert pause_credit(CAL_2026, CD, stopped, resumed) == (7, 604800)
        assert pause_credit(CAL_2026, H, stopped, resumed) == (0, 604800)

    def test_over_the_national_day(self) -> None:
        stopped, resumed = START, utc(2026, 10, 9, 2, 0)  # 10-08 and 10-09 are the working days
        assert pause_credit(CAL_2026, WD, stopped, resumed) == (2, 777600)
        assert pause_credit(CAL_2026, CD, stopped, resumed) == (9, 777600)

    def test_across_local_midnight_counts_the_new_day(self) -> None:
        stopped, resumed = utc(2026, 11, 2, 15, 30), utc(2026, 11, 2, 16, 30)  # 23:30 → 00:30 Shanghai
        assert pause_credit(CAL_2026, WD, stopped, resumed) == (1, 3600)
        assert pause_credit(CAL_2026, CD, stopped, resumed) == (1, 3600)

    def test_within_one_local_day_across_utc_midnight(self) -> None:
        stopped, resumed = utc(2026, 11, 2, 23, 0), utc(2026, 11, 3, 1, 0)  # 07:00 → 09:00 Shanghai
        assert pause_credit(CAL_2026, WD, stopped, resumed) == (0, 7200)
        assert pause_credit(CAL_2026, CD, stopped, resumed) == (0, 7200)

    def test_a_resume_before_the_stop_credits_nothing(self) -> None:
        stopped, resumed = utc(2026, 11, 9, 2, 0), utc(2026, 11, 2, 2, 0)
        for unit in (WD, CD, H):
            assert pause_credit(CAL_2026, unit, stopped, resumed) == (0, 0)

    def test_fractions_of_a_second_are_dropped(self) -> None:
        stopped = utc(2026, 11, 2, 2, 0)
        assert pause_credit(CAL_2026, H, stopped, stopped + timedelta(seconds=1.9)) == (0, 1)


class TestState:
    DUE, WARN = utc(2026, 10, 13, 15, 59, 59), utc(2026, 10, 10, 22, 0)

    @pytest.mark.parametrize(
        ("reference", "state"),
        [
            (utc(2026, 10, 10, 21, 59, 59), SlaState.NORMAL),
            (utc(2026, 10, 10, 22, 0), SlaState.WARNING),  # the warning instant itself warns
            (utc(2026, 10, 13, 15, 59, 59), SlaState.WARNING),  # the due instant is still on time
            (datetime(2026, 10, 13, 15, 59, 59, 1, tzinfo=UTC), SlaState.OVERDUE),
            (utc(2027, 1, 1), SlaState.OVERDUE),
        ],
    )
    def test_boundaries(self, reference: datetime, state: SlaState) -> None:
        assert sla_state(due_at=self.DUE, warn_at=self.WARN, reference=reference) is state


class TestWorkingDaysLeft:
    DUE = utc(2026, 10, 13, 15, 59, 59)  # end of 2026-10-13 Shanghai

    @pytest.mark.parametrize(
        ("reference", "left"),
        [
            (START, 5),
            (utc(2026, 10, 5, 2, 0), 5),  # on a holiday
            (utc(2026, 10, 12, 2, 0), 1),
            (utc(2026, 10, 13, 2, 0), 0),
            (utc(2026, 10, 13, 16, 30), -1),  # 10-14 00:30 Shanghai
            (utc(2026, 10, 19, 2, 0), -4),  # 10-14, 10-15, 10-16, 10-19
        ],
    )
    def test_signed_count(self, reference: datetime, left: int) -> None:
        assert working_days_left(CAL_2026, self.DUE, reference) == left
