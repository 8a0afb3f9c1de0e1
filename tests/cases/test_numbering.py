"""Case numbers: YYYYMMDD + a daily serial, unique, continuing after numbers already used that day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert

from zhizhi.cases.models import CaseNumberSequence
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work

# 2025-07-09 10:00 Asia/Shanghai: a day no other test creates cases on
DAY = date(2025, 7, 9)
NOON = datetime(2025, 7, 9, 2, 0, tzinfo=UTC)


def test_numbers_carry_the_local_date_and_a_daily_serial(world: Any) -> None:
    clock.freeze(datetime(2025, 7, 10, 17, 30, tzinfo=UTC))  # 01:30 on 07-11 in Beijing
    first, second = world.create()["number"], world.create()["number"]
    assert first.startswith("20250711") and second.startswith("20250711")
    assert len(first) == len(second) == 13 and int(second[8:]) == int(first[8:]) + 1


def test_a_day_continues_after_numbers_already_issued(world: Any) -> None:
    """An upgrade or a restored backup mid-day: the serial goes on after the highest one used."""
    with unit_of_work() as s:
        s.execute(insert(CaseNumberSequence).values(day=DAY, last=41))
    clock.freeze(NOON)
    assert world.create()["number"] == "2025070900042"
    assert world.create()["number"] == "2025070900043"


def test_the_serial_widens_after_99999(world: Any) -> None:
    day = date(2025, 7, 8)
    with unit_of_work() as s:
        s.execute(insert(CaseNumberSequence).values(day=day, last=99_998))
    clock.freeze(datetime(2025, 7, 8, 2, 0, tzinfo=UTC))
    assert [world.create()["number"] for _ in range(2)] == ["2025070899999", "20250708100000"]
