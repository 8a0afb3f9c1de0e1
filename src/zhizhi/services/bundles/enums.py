"""Vocabularies of bundles (一件事一次办): a bundle's state, the derived state of a bundle
application and the outcome of each of its parts."""

from __future__ import annotations

from enum import StrEnum


class BundleStatus(StrEnum):
    ACTIVE = "active"  # 可申请
    RETIRED = "retired"  # 已停用: refuses new applications


class PartOutcome(StrEnum):
    """What became of one part (one application) of a bundle application."""

    OPEN = "open"  # 办理中
    APPROVED = "approved"  # 准予（办结或待送达）
    DENIED = "denied"  # 不予许可 / 不予批准
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    WITHDRAWN = "withdrawn"  # 已撤回（申请人撤回，或所依赖的事项未获批准而撤回）


REFUSALS = frozenset({PartOutcome.DENIED, PartOutcome.NOT_ACCEPTED})
FINISHED = frozenset(
    {PartOutcome.APPROVED, PartOutcome.DENIED, PartOutcome.NOT_ACCEPTED, PartOutcome.WITHDRAWN}
)


class BundleState(StrEnum):
    """The one status a bundle application shows, derived from its parts (rules.derive_state)."""

    IN_PROGRESS = "in_progress"  # 办理中
    ATTENTION = "attention"  # 部分事项未获批准，其余继续办理
    DONE = "done"  # 全部办结
    DONE_PARTLY = "done_partly"  # 办结，部分事项未获批准
    REFUSED = "refused"  # 均未获批准
    WITHDRAWN = "withdrawn"  # 已撤回


BUNDLE_STATE_LABELS: dict[BundleState, tuple[str, str]] = {
    BundleState.IN_PROGRESS: ("办理中", "In progress"),
    BundleState.ATTENTION: ("部分事项未获批准", "Some parts refused"),
    BundleState.DONE: ("全部办结", "All done"),
    BundleState.DONE_PARTLY: ("办结（部分事项未获批准）", "Finished, some parts refused"),
    BundleState.REFUSED: ("未获批准", "Refused"),
    BundleState.WITHDRAWN: ("已撤回", "Withdrawn"),
}

PART_OUTCOME_LABELS: dict[PartOutcome, tuple[str, str]] = {
    PartOutcome.OPEN: ("办理中", "In progress"),
    PartOutcome.APPROVED: ("已准予", "Approved"),
    PartOutcome.DENIED: ("不予许可", "Denied"),
    PartOutcome.NOT_ACCEPTED: ("不予受理", "Not accepted"),
    PartOutcome.WITHDRAWN: ("已撤回", "Withdrawn"),
}
