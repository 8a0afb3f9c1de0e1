from __future__ import annotations

from enum import StrEnum


class LimitUnit(StrEnum):
    WORKING_DAYS = "working_days"  # 工作日
    CALENDAR_DAYS = "calendar_days"  # 自然日
    HOURS = "hours"  # 小时


class Urgency(StrEnum):
    NORMAL = "normal"  # 一般
    URGENT = "urgent"  # 紧急
    CRITICAL = "critical"  # 特急


URGENCY_LABELS = {
    Urgency.NORMAL: ("一般", "Normal"),
    Urgency.URGENT: ("紧急", "Urgent"),
    Urgency.CRITICAL: ("特急", "Critical"),
}
LIMIT_UNIT_LABELS = {
    LimitUnit.WORKING_DAYS: ("个工作日", "working days"),
    LimitUnit.CALENDAR_DAYS: ("个自然日", "calendar days"),
    LimitUnit.HOURS: ("小时", "hours"),
}
