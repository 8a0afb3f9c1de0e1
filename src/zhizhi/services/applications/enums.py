"""Application vocabularies: applicant types, channels, material states, delivery methods."""

from __future__ import annotations

from enum import StrEnum


class ApplicantType(StrEnum):
    PERSON = "person"  # 自然人: 公民身份号码 (GB 11643)
    ORGANISATION = "organisation"  # 法人和其他组织: 统一社会信用代码 (GB 32100)


class SubmitChannel(StrEnum):
    ONLINE = "online"  # 网上申请
    WINDOW = "window"  # 窗口受理（一窗受理）


class MaterialState(StrEnum):
    RECEIVED = "received"  # 已收取（电子件已上传或窗口已核验纸质件）
    MISSING = "missing"  # 未提交
    BY_DATA = "by_data"  # 数据共享/电子证照代替（免提交）
    NOT_APPLICABLE = "not_applicable"  # 非必要且未提交


class Delivery(StrEnum):
    CERTIFICATE = "certificate"  # 电子证照（申请人下载）
    POST = "post"  # 邮寄送达
    WINDOW = "window"  # 窗口领取


class Decision(StrEnum):
    APPROVED = "approved"  # 准予
    DENIED = "denied"  # 不予


LABELS: dict[str, tuple[str, str]] = {
    ApplicantType.PERSON: ("自然人", "Natural person"),
    ApplicantType.ORGANISATION: ("法人或其他组织", "Legal person or organisation"),
    SubmitChannel.ONLINE: ("网上申请", "Online"),
    SubmitChannel.WINDOW: ("窗口受理", "At a window"),
    MaterialState.RECEIVED: ("已收取", "Received"),
    MaterialState.MISSING: ("未提交", "Missing"),
    MaterialState.BY_DATA: ("数据共享代替", "Provided by data"),
    MaterialState.NOT_APPLICABLE: ("非必要", "Optional, not given"),
    Delivery.CERTIFICATE: ("电子证照", "Electronic certificate"),
    Delivery.POST: ("邮寄送达", "By post"),
    Delivery.WINDOW: ("窗口领取", "Collected at the window"),
    Decision.APPROVED: ("准予", "Approved"),
    Decision.DENIED: ("不予", "Denied"),
}

# 行政许可法 art. 32: a request not answered within 5 working days is deemed accepted; the
# pre-review clock of an application (before 受理) runs on this limit
PRE_REVIEW_WORKING_DAYS = 5
# 行政许可法 art. 42: the head of the administrative organ may extend the limit once, by 10 days
MAX_EXTENSION_WORKING_DAYS = 10
