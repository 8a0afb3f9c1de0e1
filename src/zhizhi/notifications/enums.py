"""The vocabularies of notifications: what a message is about and where its delivery stands."""

from __future__ import annotations

from enum import StrEnum


class MessageKind(StrEnum):
    ACCEPTED = "accepted"  # to the citizen: 受理
    REPLIED = "replied"  # to the citizen: 答复
    REOPENED = "reopened"  # to the citizen: 重办
    DISPATCHED = "dispatched"  # to the handlers of the lead unit: 派单
    WARNING = "warning"  # to the handlers: 临期预警
    SUPERVISED = "supervised"  # to the handlers: 督办
    LOGIN_CODE = "login_code"  # to a citizen signing in: 验证码
    # to the applicant of a service application (case kind ``application``)
    APP_ACCEPTED = "app_accepted"  # 受理
    APP_NOT_ACCEPTED = "app_not_accepted"  # 不予受理
    APP_SUPPLEMENT = "app_supplement"  # 补正告知 (with the date to supplement by)
    APP_SPECIAL = "app_special"  # 特别程序 (the clock paused)
    APP_EXTENDED = "app_extended"  # 延期 (with the reason)
    APP_APPROVED = "app_approved"  # 准予
    APP_DENIED = "app_denied"  # 不予许可
    APP_DELIVERED = "app_delivered"  # 结果已送达


class MessageStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"  # accepted by the gateway
    DELIVERED = "delivered"  # the gateway's delivery report says it arrived
    FAILED = "failed"  # refused for good, or out of attempts


KIND_LABELS: dict[str, tuple[str, str]] = {
    MessageKind.ACCEPTED: ("受理通知（群众）", "Acceptance (citizen)"),
    MessageKind.REPLIED: ("答复通知（群众）", "Reply (citizen)"),
    MessageKind.REOPENED: ("重办通知（群众）", "Reopening (citizen)"),
    MessageKind.DISPATCHED: ("派单通知（承办人）", "Dispatch (handlers)"),
    MessageKind.WARNING: ("临期预警（承办人）", "SLA warning (handlers)"),
    MessageKind.SUPERVISED: ("督办通知（承办人）", "Supervision (handlers)"),
    MessageKind.LOGIN_CODE: ("登录验证码（群众）", "Sign-in code (citizen)"),
    MessageKind.APP_ACCEPTED: ("办件受理（申请人）", "Application accepted (applicant)"),
    MessageKind.APP_NOT_ACCEPTED: ("不予受理（申请人）", "Application not accepted (applicant)"),
    MessageKind.APP_SUPPLEMENT: ("补正告知（申请人）", "Supplement notice (applicant)"),
    MessageKind.APP_SPECIAL: ("特别程序（申请人）", "Special procedure (applicant)"),
    MessageKind.APP_EXTENDED: ("延期办理（申请人）", "Extension (applicant)"),
    MessageKind.APP_APPROVED: ("准予许可（申请人）", "Approved (applicant)"),
    MessageKind.APP_DENIED: ("不予许可（申请人）", "Denied (applicant)"),
    MessageKind.APP_DELIVERED: ("结果送达（申请人）", "Result delivered (applicant)"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    MessageStatus.PENDING: ("待发送", "pending"),
    MessageStatus.SENT: ("已发送", "sent"),
    MessageStatus.DELIVERED: ("已送达", "delivered"),
    MessageStatus.FAILED: ("发送失败", "failed"),
}
