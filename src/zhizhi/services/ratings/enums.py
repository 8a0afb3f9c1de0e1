"""Rating vocabularies (DOMAIN.md §2)."""

from __future__ import annotations

from enum import StrEnum

from zhizhi.cases.enums import BAD_RATINGS, Rating

__all__ = ["BAD_RATINGS", "Rating"]


class Stage(StrEnum):
    ACCEPTANCE = "acceptance"  # 受理环节 (承诺件 only)
    COMPLETION = "completion"  # 办结后


class Channel(StrEnum):
    ONLINE = "online"  # 一事一评 on the platform
    ONSITE = "onsite"  # 一次一评 of a visit at a window (the application was received there)


class Dimension(StrEnum):
    EFFICIENCY = "efficiency"  # 办理效率 (both)
    GUIDE = "guide_accuracy"  # 办事指南准确性 (online)
    CONVENIENCE = "convenience"  # 办理便捷度 (online)
    PLATFORM = "platform"  # 平台易用性 (online)
    COMPETENCE = "competence"  # 业务水平 (on site)
    ATTITUDE = "attitude"  # 服务态度 (on site)


DIMENSIONS: dict[Channel, tuple[Dimension, ...]] = {
    Channel.ONLINE: (Dimension.EFFICIENCY, Dimension.GUIDE, Dimension.CONVENIENCE, Dimension.PLATFORM),
    Channel.ONSITE: (Dimension.EFFICIENCY, Dimension.COMPETENCE, Dimension.ATTITUDE),
}


class Measure(StrEnum):
    IMMEDIATE = "immediate"  # 立行立改
    DEADLINE = "deadline"  # 台账限期整改
    EXPLAIN = "explain"  # 解释说明


class RectificationStatus(StrEnum):
    VERIFYING = "verifying"  # 待核实（回访核实）
    RECTIFYING = "rectifying"  # 限期整改中
    DONE = "done"  # 已整改并反馈


# the 5 levels as scores (for averages): 非常满意 5 … 非常不满意 1
SCORES: dict[str, int] = {
    Rating.VERY_SATISFIED: 5,
    Rating.SATISFIED: 4,
    Rating.BASICALLY_SATISFIED: 3,
    Rating.DISSATISFIED: 2,
    Rating.VERY_DISSATISFIED: 1,
}

LABELS: dict[str, tuple[str, str]] = {
    Stage.ACCEPTANCE: ("受理评价", "At acceptance"),
    Stage.COMPLETION: ("办结评价", "After completion"),
    Channel.ONLINE: ("网上评价（一事一评）", "Online (one rating per matter)"),
    Channel.ONSITE: ("现场评价（一次一评）", "On site (one rating per visit)"),
    Dimension.EFFICIENCY: ("办理效率", "Efficiency"),
    Dimension.GUIDE: ("办事指南准确性", "Accuracy of the guide"),
    Dimension.CONVENIENCE: ("办理便捷度", "Convenience"),
    Dimension.PLATFORM: ("平台易用性", "Ease of the platform"),
    Dimension.COMPETENCE: ("业务水平", "Competence"),
    Dimension.ATTITUDE: ("服务态度", "Attitude"),
    Measure.IMMEDIATE: ("立行立改", "Fixed at once"),
    Measure.DEADLINE: ("限期整改", "Fixed by a deadline"),
    Measure.EXPLAIN: ("解释说明", "Explained"),
    RectificationStatus.VERIFYING: ("待核实", "To verify"),
    RectificationStatus.RECTIFYING: ("整改中", "Being rectified"),
    RectificationStatus.DONE: ("已反馈", "Fed back"),
    Rating.VERY_SATISFIED: ("非常满意", "Very satisfied"),
    Rating.SATISFIED: ("满意", "Satisfied"),
    Rating.BASICALLY_SATISFIED: ("基本满意", "Basically satisfied"),
    Rating.DISSATISFIED: ("不满意", "Dissatisfied"),
    Rating.VERY_DISSATISFIED: ("非常不满意", "Very dissatisfied"),
}
