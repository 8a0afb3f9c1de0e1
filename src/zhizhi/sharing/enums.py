"""The vocabularies of data sharing (DOMAIN.md §7), each with its (中文, English) labels."""

from __future__ import annotations

from enum import StrEnum


class ShareType(StrEnum):
    """国发〔2016〕51号: sharing is the rule, not sharing the exception."""

    UNCONDITIONAL = "unconditional"  # 无条件共享: granted at once
    CONDITIONAL = "conditional"  # 有条件共享: the owner approves or refuses
    NONE = "none"  # 不予共享: refused (only on a legal basis, outside the exchange)


class Grade(StrEnum):
    """数据安全法 / GB/T 43697-2024."""

    CORE = "core"  # 核心数据: never served by the exchange
    IMPORTANT = "important"  # 重要数据
    GENERAL = "general"  # 一般数据


class Personal(StrEnum):
    """个人信息保护法: personal information, and the sensitive kind (art. 28)."""

    NONE = "none"
    PERSONAL = "personal"  # 个人信息
    SENSITIVE = "sensitive"  # 敏感个人信息


class MaskKind(StrEnum):
    """How a field's value is masked when it may not be shown whole (core.masking)."""

    NONE = "none"  # hidden whole (****) when masked
    NAME = "name"  # 张*
    ID_NUMBER = "id_number"  # 430104********1234
    PHONE = "phone"  # 138****1234
    ADDRESS = "address"  # kept down to the street


class UpdateCycle(StrEnum):
    REALTIME = "realtime"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"
    ON_CHANGE = "on_change"


class Purpose(StrEnum):
    """Why a consumer reads; a grant names one, and masking depends on it (policy.py)."""

    SERVICE = "service"  # 政务服务办理
    VERIFICATION = "verification"  # 身份 / 资格核验
    REGULATION = "regulation"  # 监管执法
    STATISTICS = "statistics"  # 统计分析


class RequestStatus(StrEnum):
    PENDING = "pending"  # 待审批
    APPROVED = "approved"  # 已批准 (a grant exists)
    REFUSED = "refused"  # 已拒绝


class AdapterKind(StrEnum):
    TABLE = "table"  # a provider table in Zhizhi's database
    HTTP = "http"  # a provider's API


class Outcome(StrEnum):
    SERVED = "served"
    REFUSED = "refused"
    NOT_FOUND = "not_found"


class DueState(StrEnum):
    NORMAL = "normal"
    WARNING = "warning"
    OVERDUE = "overdue"


SHARE_TYPE_LABELS = {
    ShareType.UNCONDITIONAL: ("无条件共享", "Unconditional"),
    ShareType.CONDITIONAL: ("有条件共享", "Conditional"),
    ShareType.NONE: ("不予共享", "Not shared"),
}
GRADE_LABELS = {
    Grade.CORE: ("核心数据", "Core data"),
    Grade.IMPORTANT: ("重要数据", "Important data"),
    Grade.GENERAL: ("一般数据", "General data"),
}
PERSONAL_LABELS = {
    Personal.NONE: ("非个人信息", "Not personal"),
    Personal.PERSONAL: ("个人信息", "Personal information"),
    Personal.SENSITIVE: ("敏感个人信息", "Sensitive personal information"),
}
UPDATE_CYCLE_LABELS = {
    UpdateCycle.REALTIME: ("实时", "Real time"),
    UpdateCycle.DAILY: ("每日", "Daily"),
    UpdateCycle.WEEKLY: ("每周", "Weekly"),
    UpdateCycle.MONTHLY: ("每月", "Monthly"),
    UpdateCycle.QUARTERLY: ("每季度", "Quarterly"),
    UpdateCycle.YEARLY: ("每年", "Yearly"),
    UpdateCycle.ON_CHANGE: ("变更时", "On change"),
}
PURPOSE_LABELS = {
    Purpose.SERVICE: ("政务服务办理", "Delivering a public service"),
    Purpose.VERIFICATION: ("身份与资格核验", "Identity and eligibility checks"),
    Purpose.REGULATION: ("监管执法", "Regulation and law enforcement"),
    Purpose.STATISTICS: ("统计分析", "Statistics"),
}
REQUEST_STATUS_LABELS = {
    RequestStatus.PENDING: ("待审批", "Pending"),
    RequestStatus.APPROVED: ("已批准", "Approved"),
    RequestStatus.REFUSED: ("已拒绝", "Refused"),
}
OUTCOME_LABELS = {
    Outcome.SERVED: ("已提供", "Served"),
    Outcome.REFUSED: ("已拒绝", "Refused"),
    Outcome.NOT_FOUND: ("无此记录", "No such record"),
}
DUE_STATE_LABELS = {
    DueState.NORMAL: ("正常", "On time"),
    DueState.WARNING: ("预警", "Due soon"),
    DueState.OVERDUE: ("已超期", "Overdue"),
}
