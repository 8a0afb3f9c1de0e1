"""The answer deadline's pure rules (sharing.deadlines) with hand-written expectations; fast:
run against mutants (docs/mutation.md).  The calendar's count of working days is tested with the
calendar (tests/sharing/test_deadlines.py)."""

from __future__ import annotations

from datetime import date

from zhizhi.sharing import deadlines
from zhizhi.sharing.enums import DueState

DUE = date(2026, 10, 15)


def test_due_state() -> None:
    assert deadlines.WARNING_WORKING_DAYS == 2
    state = deadlines.due_state
    # only a pending request with a due date has a state
    assert state("approved", DUE, date(2026, 10, 20), 0) is None
    assert state("refused", DUE, date(2026, 10, 1), 9) is None
    assert state("pending", None, date(2026, 10, 1), 9) is None
    # after the due date: overdue, whatever the count says
    assert state("pending", DUE, date(2026, 10, 16), 0) is DueState.OVERDUE
    assert state("pending", DUE, date(2026, 10, 16), 5) is DueState.OVERDUE
    # on the due date and in the last two working days: warning
    assert state("pending", DUE, DUE, 0) is DueState.WARNING
    assert state("pending", DUE, date(2026, 10, 14), 1) is DueState.WARNING
    assert state("pending", DUE, date(2026, 10, 13), 2) is DueState.WARNING
    # three working days or more left: normal
    assert state("pending", DUE, date(2026, 10, 12), 3) is DueState.NORMAL
    assert state("pending", DUE, date(2026, 9, 28), 10) is DueState.NORMAL


def test_supervision_order() -> None:
    rows = [
        (None, None),
        ("normal", date(2026, 10, 20)),
        ("warning", date(2026, 10, 16)),
        ("overdue", date(2026, 10, 9)),
        ("normal", date(2026, 10, 18)),
        ("overdue", date(2026, 10, 2)),
        ("warning", None),
    ]
    ordered = sorted(rows, key=lambda r: deadlines.supervision_key(*r))
    assert ordered == [
        ("overdue", date(2026, 10, 2)),
        ("overdue", date(2026, 10, 9)),
        ("warning", date(2026, 10, 16)),
        ("warning", None),
        ("normal", date(2026, 10, 18)),
        ("normal", date(2026, 10, 20)),
        (None, None),
    ]
    assert deadlines.supervision_key("overdue", DUE) == (0, DUE)
    assert deadlines.supervision_key("warning", DUE) == (1, DUE)
    assert deadlines.supervision_key("normal", None) == (2, date.max)
    assert deadlines.supervision_key(None, DUE) == (3, DUE)
    assert deadlines.supervision_key("other", DUE) == (3, DUE)


def test_answered_late() -> None:
    assert deadlines.answered_late(None, date(2030, 1, 1)) is False
    assert deadlines.answered_late(DUE, DUE) is False
    assert deadlines.answered_late(DUE, date(2026, 10, 14)) is False
    assert deadlines.answered_late(DUE, date(2026, 10, 16)) is True
