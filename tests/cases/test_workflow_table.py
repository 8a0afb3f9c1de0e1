"""The lifecycle table against the hand-written expectation (pure: no database, no app)."""

from __future__ import annotations

import dataclasses

import pytest

from tests.cases.lifecycle_expected import (
    ACTIONS,
    BRANCHES,
    EXPECTED,
    PERMISSIONS,
    PREVIOUS,
    REFUSED,
    STATUSES,
    STAY,
)
from zhizhi.cases.enums import LABELS, CaseStatus
from zhizhi.cases.workflow import CASE_LIFECYCLE, _t
from zhizhi.core.errors import Conflict
from zhizhi.core.permissions import Permission
from zhizhi.core.statemachine import Transition, TransitionTable


def _outcome(table: TransitionTable, action: str, status: str) -> str:
    """What ``table`` does with ``action`` from ``status``, in the vocabulary of the expectation."""
    try:
        transition = table.check(action, status, LABELS[status])
    except Conflict:
        return REFUSED
    return {"__stay__": STAY, "__previous__": PREVIOUS}.get(transition.target, transition.target)


def _grid(table: TransitionTable) -> dict[str, dict[str, str]]:
    return {
        action: {status: _outcome(table, action, status) for status in STATUSES} for action in table.actions()
    }


# the statuses of the application lifecycle (services.applications, docs/services.md) share the
# enum and the column; the appeal table never reaches them
APPLICATION_STATUSES = (
    "submitted",
    "correcting",
    "not_accepted",
    "examining",
    "special",
    "approved",
    "denied",
    "withdrawn",
)


def test_statuses_and_actions_are_the_expected_ones() -> None:
    assert tuple(s.value for s in CaseStatus) == STATUSES + APPLICATION_STATUSES
    used = {src for t in CASE_LIFECYCLE for src in t.sources} | {t.target for t in CASE_LIFECYCLE}
    assert not used & set(APPLICATION_STATUSES)
    assert CASE_LIFECYCLE.actions() == list(ACTIONS)


def test_every_action_from_every_status() -> None:
    assert _grid(CASE_LIFECYCLE) == EXPECTED


def test_branches_are_the_expected_ones() -> None:
    assert {t.action: t.branch for t in CASE_LIFECYCLE if t.branch is not None} == BRANCHES


@pytest.mark.parametrize("action", ACTIONS)
def test_permission_and_timeline_label_of_each_action(action: str) -> None:
    t = CASE_LIFECYCLE.get(action)
    assert (t.permission.value, t.zh, t.en) == PERMISSIONS[action]
    assert t.action == action


@pytest.mark.parametrize("status", STATUSES)
def test_available_lists_the_allowed_actions_in_table_order(status: str) -> None:
    expected = [a for a in ACTIONS if EXPECTED[a][status] != REFUSED]
    assert [t.action for t in CASE_LIFECYCLE.available(status)] == expected


def test_rows_are_built_with_status_values() -> None:
    """``workflow._t`` runs only while the module is imported; called here so that the mutation
    run, which swaps function bodies after import, can reach it."""
    row = _t(
        "x", {CaseStatus.RECEIVED, CaseStatus.MERGED}, CaseStatus.ACCEPTED, Permission.CASE_ACCEPT, "甲", "a"
    )
    assert row == Transition(
        "x", frozenset({"received", "merged"}), "accepted", Permission.CASE_ACCEPT, "甲", "a"
    )
    assert type(row.target) is str and all(type(s) is str for s in row.sources)
    assert _t("y", set(), "__stay__", Permission.CASE_RATE, "乙", "b").target == "__stay__"
    branched = _t("z", {CaseStatus.REPLIED}, "s", Permission.CASE_RATE, "丙", "c", CaseStatus.REVIEWING)
    assert branched.branch == "reviewing" and type(branched.branch) is str


def test_the_issue_s_mutants_are_caught() -> None:
    """Letting ``merge`` or ``close`` run from ``in_progress`` (issue 10) changes the grid."""
    for action in ("merge", "close"):
        changed = [
            dataclasses.replace(t, sources=t.sources | {"in_progress"}) if t.action == action else t
            for t in CASE_LIFECYCLE
        ]
        assert _grid(TransitionTable(changed)) != EXPECTED


def test_any_single_cell_changed_in_the_table_is_caught() -> None:
    """Data is not mutated by the mutation tool (it mutates functions), so mutate the table here:
    adding or removing any one source status, or retargeting any action, must change the grid."""
    transitions = list(CASE_LIFECYCLE)
    for i, t in enumerate(transitions):
        for status in STATUSES:
            toggled = t.sources ^ {status}
            changed = [*transitions[:i], dataclasses.replace(t, sources=toggled), *transitions[i + 1 :]]
            assert _grid(TransitionTable(changed)) != EXPECTED, (t.action, status)
        for target in (*STATUSES, "__stay__", "__previous__"):
            if target == t.target:
                continue
            changed = [*transitions[:i], dataclasses.replace(t, target=target), *transitions[i + 1 :]]
            assert _grid(TransitionTable(changed)) != EXPECTED, (t.action, target)


class TestTransitionTable:
    """``core.statemachine``: the machinery the case lifecycle (and later ones) run on."""

    def _table(self) -> TransitionTable:
        return TransitionTable(
            [
                Transition(
                    "open", frozenset({"new"}), "open", CASE_LIFECYCLE.get("accept").permission, "开", "open"
                ),
                Transition(
                    "note",
                    frozenset({"open", "new"}),
                    "__stay__",
                    CASE_LIFECYCLE.get("handle").permission,
                    "记",
                    "note",
                ),
            ]
        )

    def test_lookup_membership_iteration(self) -> None:
        table = self._table()
        assert "open" in table and "note" in table and "close" not in table
        assert [t.action for t in table] == ["open", "note"]
        assert table.actions() == ["open", "note"]
        assert table.get("note").target == "__stay__"
        with pytest.raises(KeyError):
            table.get("close")

    def test_available_keeps_table_order(self) -> None:
        table = self._table()
        assert [t.action for t in table.available("new")] == ["open", "note"]
        assert [t.action for t in table.available("open")] == ["note"]
        assert table.available("closed") == []

    def test_duplicate_action_is_refused(self) -> None:
        t = self._table().get("open")
        with pytest.raises(ValueError, match="duplicate action open"):
            TransitionTable([t, t])

    def test_check_returns_the_transition_or_a_bilingual_409(self) -> None:
        table = self._table()
        assert table.check("open", "new", ("新建", "new")).action == "open"
        with pytest.raises(Conflict) as refused:
            table.check("open", CaseStatus.CLOSED, ("已办结", "closed"))
        err = refused.value
        assert err.status == 409
        assert err.zh == "当前状态为「已办结」，不能执行「开」"
        assert err.en == "cannot open a case whose status is closed"
        assert err.extra == {"action": "open", "current_status": "closed"}

    def test_check_accepts_a_str_enum_status(self) -> None:
        assert (
            CASE_LIFECYCLE.check("accept", CaseStatus.RECEIVED, ("待受理", "received")).target == "accepted"
        )
