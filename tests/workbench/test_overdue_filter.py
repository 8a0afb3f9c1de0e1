"""The overdue filter's indexable form (0017: running and past the deadline, or the generated
``stopped_late``) selects exactly the cases the reference rule calls overdue —
``coalesce(clock_stopped_at, now) > due_at`` — including stopped clocks, a clock stopped exactly
at the deadline and a clock restarted (reopened) after stopping late; the workbench search, the
SLA queue and the cockpit count agree."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from zhizhi.cases.enums import SlaState
from zhizhi.cases.models import Case
from zhizhi.cases.repository import stats
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work


def _set(number: str, **values: Any) -> None:
    with unit_of_work() as s:
        s.execute(update(Case).where(Case.number == number).values(**values))


def _reference(now: datetime) -> set[str]:
    """Overdue by the rule itself, computed in Python from the stored columns."""
    with unit_of_work() as s:
        rows = s.execute(select(Case.number, Case.clock_stopped_at, Case.due_at)).all()
    return {n for n, stopped, due in rows if (stopped or now) > due}


def _filtered(now: datetime) -> set[str]:
    with unit_of_work() as s:
        return set(s.scalars(select(Case.number).where(stats.sla_filter(SlaState.OVERDUE, now))))


def test_overdue_filter_returns_exactly_the_overdue_cases(world: Any) -> None:
    numbers = [world.create(subject=f"测试超期{i}", content="内容")["number"] for i in range(7)]
    now = clock.now()
    day = timedelta(days=1)
    running_late, running_ok, stopped_late, stopped_ok, stopped_at_due, reopened, far_late = numbers
    _set(running_late, due_at=now - day, warn_at=now - 2 * day)
    _set(running_ok, due_at=now + day, warn_at=now)
    _set(stopped_late, due_at=now - 3 * day, warn_at=now - 4 * day, clock_stopped_at=now - day)
    _set(stopped_ok, due_at=now - day, warn_at=now - 2 * day, clock_stopped_at=now - 2 * day)
    _set(stopped_at_due, due_at=now - day, warn_at=now - 2 * day, clock_stopped_at=now - day)
    # stopped late, then the clock restarted with a new deadline: no longer late
    _set(reopened, due_at=now - 3 * day, warn_at=now - 4 * day, clock_stopped_at=now - day)
    _set(reopened, due_at=now + 3 * day, warn_at=now + day, clock_stopped_at=None)
    _set(far_late, due_at=now - 30 * day, warn_at=now - 31 * day, clock_stopped_at=now - 20 * day)

    expected = _reference(now)
    assert {running_late, stopped_late, far_late} <= expected
    assert not {running_ok, stopped_ok, stopped_at_due, reopened} & expected
    assert _filtered(now) == expected

    with unit_of_work() as s:  # the generated column follows every update
        late = dict(s.execute(select(Case.number, Case.stopped_late).where(Case.number.in_(numbers))).all())
    assert late[running_late] is None and late[reopened] is None
    assert late[stopped_late] and late[far_late]
    assert late[stopped_ok] is False and late[stopped_at_due] is False

    # an action that stops the clock: the ORM write path fills it too
    world.act("dispatcher", running_ok, "dispatch", lead_department="S1")
    _set(running_ok, due_at=clock.now() - day)
    world.act("h_s1", running_ok, "sign")
    world.act("h_s1", running_ok, "reply", reply="已处理完毕")
    with unit_of_work() as s:
        row = s.execute(
            select(Case.clock_stopped_at, Case.stopped_late).where(Case.number == running_ok)
        ).one()
    assert row.clock_stopped_at is not None and row.stopped_late is True
    later = clock.now() + timedelta(seconds=1)
    assert _filtered(later) == _reference(later)


def test_search_queue_and_count_agree(world: Any) -> None:
    numbers = [world.create(subject=f"测试队列{i}", content="内容")["number"] for i in range(3)]
    now = clock.now()
    day = timedelta(days=1)
    _set(numbers[0], due_at=now - day, warn_at=now - 2 * day)
    _set(numbers[1], due_at=now - 3 * day, warn_at=now - 4 * day, clock_stopped_at=now - day)
    r = world.client.get(
        "/api/v1/cases", params={"sla_state": "overdue", "page_size": 200}, headers=world.h("dispatcher")
    )
    assert r.status_code == 200, r.text
    assert {c["number"] for c in r.json()["items"]} == {numbers[0], numbers[1]}
    with unit_of_work() as s:
        counted = s.scalar(
            select(func.count()).select_from(Case).where(stats.sla_filter(SlaState.OVERDUE, clock.now()))
        )
    assert counted == 2
