"""The SLA clock: due and warning instants from a limit, extensions and pauses; SLA state.

* working days: the due date is the Nth working day after the day the clock started
  (Asia/Shanghai), due at 23:59:59 that day; pauses add the working days they covered;
* calendar days: likewise, counting every day;
* hours: wall-clock hours after the start, plus paused seconds.

The warning instant (预警) lies at ``warning_ratio`` of the wall time between start and due.
The state is judged at the moment the clock stopped (reply, suspension, merge) or now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from zhizhi.cases.enums import SlaState
from zhizhi.catalogue.enums import LimitUnit
from zhizhi.core.workdays import WorkCalendar, end_of_local_day, local_date


@dataclass(frozen=True, slots=True)
class Deadline:
    due_at: datetime
    warn_at: datetime
    provisional: bool


def compute_deadline(
    calendar: WorkCalendar,
    *,
    started_at: datetime,
    amount: int,
    unit: LimitUnit,
    extension: int,
    paused_days: int,
    paused_seconds: int,
    warning_ratio: float,
) -> Deadline:
    total = amount + extension
    provisional = False
    if unit is LimitUnit.WORKING_DAYS:
        due = calendar.add_working_days(local_date(started_at), total + paused_days)
        due_at, provisional = end_of_local_day(due.due_date), due.provisional
    elif unit is LimitUnit.CALENDAR_DAYS:
        due_at = end_of_local_day(local_date(started_at) + timedelta(days=total + paused_days))
    else:
        due_at = started_at + timedelta(hours=total, seconds=paused_seconds)
    warn_at = started_at + (due_at - started_at) * warning_ratio
    return Deadline(due_at, warn_at, provisional)


def pause_credit(
    calendar: WorkCalendar, unit: LimitUnit, stopped_at: datetime, resumed_at: datetime
) -> tuple[int, int]:
    """(days, seconds) to add to the clock for a pause from ``stopped_at`` to ``resumed_at``."""
    seconds = max(0, int((resumed_at - stopped_at).total_seconds()))
    if unit is LimitUnit.WORKING_DAYS:
        return calendar.working_days_between(local_date(stopped_at), local_date(resumed_at)), seconds
    if unit is LimitUnit.CALENDAR_DAYS:
        return max(0, (local_date(resumed_at) - local_date(stopped_at)).days), seconds
    return 0, seconds


def sla_state(*, due_at: datetime, warn_at: datetime, reference: datetime) -> SlaState:
    if reference > due_at:
        return SlaState.OVERDUE
    if reference >= warn_at:
        return SlaState.WARNING
    return SlaState.NORMAL


def working_days_left(calendar: WorkCalendar, due_at: datetime, reference: datetime) -> int:
    """Working days from the reference day to the due day (negative when overdue)."""
    start, end = local_date(reference), local_date(due_at)
    if end >= start:
        return calendar.working_days_between(start, end)
    return -calendar.working_days_between(end, start)
