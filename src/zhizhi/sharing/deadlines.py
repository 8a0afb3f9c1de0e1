"""Pure rules of the answer deadline of a conditional request (working days, DOMAIN.md §7):
its state on a day (normal, warning in the last working days, overdue after the due date), the
supervision order, and whether an answer came late.  The due date itself is counted by the
calendar table (``core.calendar_store``) in ``sharing.service``."""

from __future__ import annotations

from datetime import date

from zhizhi.sharing.enums import DueState, RequestStatus

WARNING_WORKING_DAYS = 2  # a pending request is 预警 in its last two working days
_RANK: dict[str | None, int] = {
    DueState.OVERDUE.value: 0,
    DueState.WARNING.value: 1,
    DueState.NORMAL.value: 2,
}


def due_state(status: str, due_date: date | None, today: date, working_days_left: int) -> DueState | None:
    """The deadline state of a request on ``today`` (None: not pending, or no deadline).
    ``working_days_left``: working days from ``today`` to the due date (the calendar's count)."""
    if status != RequestStatus.PENDING or due_date is None:
        return None
    if today > due_date:
        return DueState.OVERDUE
    return DueState.WARNING if working_days_left <= WARNING_WORKING_DAYS else DueState.NORMAL


def supervision_key(due_state_value: str | None, due_date: date | None) -> tuple[int, date]:
    """Sort key of the supervision queue: overdue, then warning, then normal, then the rest;
    earliest due date first within each."""
    return _RANK.get(due_state_value, 3), due_date or date.max


def answered_late(due_date: date | None, answered_on: date) -> bool:
    """Whether an answer given on ``answered_on`` (local date) missed the due date."""
    return due_date is not None and answered_on > due_date
