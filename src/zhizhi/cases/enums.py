"""Case vocabularies: English codes in the API and database, Chinese/English labels for people."""

from __future__ import annotations

from enum import StrEnum


class CaseKind(StrEnum):
    APPEAL = "appeal"  # 诉求
    APPLICATION = "application"  # 办件（政务服务申请）
    EVENT = "event"  # 城市事件（网格/感知）


class AppealType(StrEnum):
    CONSULT = "consult"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬


class Channel(StrEnum):
    HOTLINE = "hotline"  # 12345 电话
    WEB = "web"  # 网站
    APP = "app"
    WECHAT = "wechat"  # 微信小程序
    WINDOW = "window"  # 服务窗口
    GRID = "grid"  # 网格员
    SENSOR = "sensor"  # 物联感知
    OPEN311 = "open311"
    SYSTEM = "system"  # 其他系统 / 领导指令


class CaseStatus(StrEnum):
    RECEIVED = "received"  # 待受理
    ACCEPTED = "accepted"  # 已受理，待派单
    DISPATCHED = "dispatched"  # 已派单，待签收
    IN_PROGRESS = "in_progress"  # 办理中
    RETURNED = "returned"  # 退单待审
    SUSPENDED = "suspended"  # 已挂起
    REPLIED = "replied"  # 已答复，待回访
    REVIEWING = "reviewing"  # 差评复核中（不满意或未解决，待督办员复核）
    CLOSED = "closed"  # 已办结
    MERGED = "merged"  # 已并单
    # the application lifecycle (办件, docs/services.md); ``accepted`` and ``closed`` are shared
    SUBMITTED = "submitted"  # 已提交，待预审
    CORRECTING = "correcting"  # 待补正（一次性告知）
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    EXAMINING = "examining"  # 审查中
    SPECIAL = "special"  # 特别程序（听证、检验检测、专家评审…，不计入时限）
    APPROVED = "approved"  # 准予（待送达）
    DENIED = "denied"  # 不予（待送达）
    WITHDRAWN = "withdrawn"  # 已撤回


OPEN_STATUSES = frozenset(
    {
        CaseStatus.RECEIVED,
        CaseStatus.ACCEPTED,
        CaseStatus.DISPATCHED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.RETURNED,
        CaseStatus.SUSPENDED,
    }
)


class SlaState(StrEnum):
    NORMAL = "normal"  # 正常
    WARNING = "warning"  # 预警
    OVERDUE = "overdue"  # 超期


class Rating(StrEnum):
    """The national 5-level 好差评 scale (GB/T 39734-2020)."""

    VERY_SATISFIED = "very_satisfied"  # 非常满意
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意
    VERY_DISSATISFIED = "very_dissatisfied"  # 非常不满意


BAD_RATINGS = frozenset({Rating.DISSATISFIED, Rating.VERY_DISSATISFIED})  # 差评
UNRESOLVED = "unresolved"  # in BAD_RATING_AUTO_REOPEN: "resolved: no" reopens automatically

LABELS: dict[str, tuple[str, str]] = {
    CaseKind.APPEAL: ("诉求", "Appeal"),
    CaseKind.APPLICATION: ("办件", "Application"),
    CaseKind.EVENT: ("城市事件", "City event"),
    AppealType.CONSULT: ("咨询", "Consultation"),
    AppealType.HELP: ("求助", "Request for help"),
    AppealType.COMPLAINT: ("投诉", "Complaint"),
    AppealType.REPORT: ("举报", "Report"),
    AppealType.SUGGESTION: ("建议", "Suggestion"),
    AppealType.PRAISE: ("表扬", "Praise"),
    Channel.HOTLINE: ("12345热线", "12345 hotline"),
    Channel.WEB: ("网站", "Website"),
    Channel.APP: ("App", "App"),
    Channel.WECHAT: ("微信", "WeChat"),
    Channel.WINDOW: ("服务窗口", "Service window"),
    Channel.GRID: ("网格员", "Grid worker"),
    Channel.SENSOR: ("物联感知", "Sensor"),
    Channel.OPEN311: ("Open311", "Open311"),
    Channel.SYSTEM: ("系统", "System"),
    CaseStatus.RECEIVED: ("待受理", "received"),
    CaseStatus.ACCEPTED: ("待派单", "accepted"),
    CaseStatus.DISPATCHED: ("待签收", "dispatched"),
    CaseStatus.IN_PROGRESS: ("办理中", "in progress"),
    CaseStatus.RETURNED: ("退单待审", "returned"),
    CaseStatus.SUSPENDED: ("已挂起", "suspended"),
    CaseStatus.REPLIED: ("已答复待回访", "replied"),
    CaseStatus.REVIEWING: ("差评复核中", "rating under review"),
    CaseStatus.CLOSED: ("已办结", "closed"),
    CaseStatus.MERGED: ("已并单", "merged"),
    CaseStatus.SUBMITTED: ("待预审", "submitted"),
    CaseStatus.CORRECTING: ("待补正", "awaiting supplements"),
    CaseStatus.NOT_ACCEPTED: ("不予受理", "not accepted"),
    CaseStatus.EXAMINING: ("审查中", "under examination"),
    CaseStatus.SPECIAL: ("特别程序中", "in a special procedure"),
    CaseStatus.APPROVED: ("准予，待送达", "approved"),
    CaseStatus.DENIED: ("不予，待送达", "denied"),
    CaseStatus.WITHDRAWN: ("已撤回", "withdrawn"),
    SlaState.NORMAL: ("正常", "On track"),
    SlaState.WARNING: ("预警", "Warning"),
    SlaState.OVERDUE: ("超期", "Overdue"),
    Rating.VERY_SATISFIED: ("非常满意", "Very satisfied"),
    Rating.SATISFIED: ("满意", "Satisfied"),
    Rating.BASICALLY_SATISFIED: ("基本满意", "Basically satisfied"),
    Rating.DISSATISFIED: ("不满意", "Dissatisfied"),
    Rating.VERY_DISSATISFIED: ("非常不满意", "Very dissatisfied"),
}


def label(value: StrEnum) -> tuple[str, str]:
    return LABELS[value]
