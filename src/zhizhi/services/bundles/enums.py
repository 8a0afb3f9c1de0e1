"""Vocabularies of bundles (一件事一次办): a bundle's state, the derived state of a bundle
application and the outcome of each of its parts."""

from __future__ import annotations

from enum import StrEnum

from zhizhi.core.labels import LabelledStrEnum


class BundleStatus(StrEnum):
    ACTIVE = "active"  # 可申请
    RETIRED = "retired"  # 已停用: refuses new applications


class PartOutcome(LabelledStrEnum):
    """What became of one part (one application) of a bundle application."""

    OPEN = "open", "办理中", "In progress"
    APPROVED = "approved", "已准予", "Approved"  # 办结或待送达
    DENIED = "denied", "不予许可", "Denied"  # 不予许可 / 不予批准
    NOT_ACCEPTED = "not_accepted", "不予受理", "Not accepted"
    # 申请人撤回，或所依赖的事项未获批准而撤回
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"


REFUSALS = frozenset({PartOutcome.DENIED, PartOutcome.NOT_ACCEPTED})
FINISHED = frozenset(
    {PartOutcome.APPROVED, PartOutcome.DENIED, PartOutcome.NOT_ACCEPTED, PartOutcome.WITHDRAWN}
)


class BundleState(LabelledStrEnum):
    """The one status a bundle application shows, derived from its parts (rules.derive_state)."""

    IN_PROGRESS = "in_progress", "办理中", "In progress"
    ATTENTION = "attention", "部分事项未获批准", "Some parts refused"  # 其余继续办理
    DONE = "done", "全部办结", "All done"
    DONE_PARTLY = "done_partly", "办结（部分事项未获批准）", "Finished, some parts refused"
    REFUSED = "refused", "未获批准", "Refused"  # 均未获批准
    WITHDRAWN = "withdrawn", "已撤回", "Withdrawn"


BUNDLE_STATE_LABELS = BundleState.labels()

PART_OUTCOME_LABELS = PartOutcome.labels()
