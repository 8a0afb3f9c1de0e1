"""Window vocabularies: English codes in the API and database, labels for people."""

from __future__ import annotations

from enum import StrEnum


class WindowKind(StrEnum):
    COMPREHENSIVE = "comprehensive"  # 综合窗口: receives any item
    SPECIAL = "special"  # 专项窗口 (e.g. 不动产登记): receives its own items only


class Outcome(StrEnum):
    FORWARDED = "forwarded"  # the application was created and went to the back office (后台)
    NOTICE = "notice"  # materials missing: the one-time notice (一次性告知) was printed


class ApplicantType(StrEnum):
    """DOMAIN.md §3: 1 自然人, 2 企业法人 … 9 其他组织 (GB/T 39046)."""

    PERSON = "1"  # 自然人
    ENTERPRISE = "2"  # 企业法人
    INSTITUTION = "3"  # 事业法人
    SOCIAL = "4"  # 社会组织法人
    UNINCORPORATED = "5"  # 非法人企业
    AUTHORITY = "6"  # 行政机关
    OTHER = "9"  # 其他组织


KIND_LABELS = {
    WindowKind.COMPREHENSIVE: ("综合窗口", "Comprehensive window"),
    WindowKind.SPECIAL: ("专项窗口", "Special window"),
}
OUTCOME_LABELS = {
    Outcome.FORWARDED: ("已受理转后台", "Forwarded to the back office"),
    Outcome.NOTICE: ("一次性告知", "One-time notice"),
}
APPLICANT_LABELS = {
    ApplicantType.PERSON: ("自然人", "Natural person"),
    ApplicantType.ENTERPRISE: ("企业法人", "Enterprise legal person"),
    ApplicantType.INSTITUTION: ("事业法人", "Public institution"),
    ApplicantType.SOCIAL: ("社会组织法人", "Social organisation"),
    ApplicantType.UNINCORPORATED: ("非法人企业", "Unincorporated enterprise"),
    ApplicantType.AUTHORITY: ("行政机关", "Administrative authority"),
    ApplicantType.OTHER: ("其他组织", "Other organisation"),
}
