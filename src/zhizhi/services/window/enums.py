"""Window vocabularies: English codes in the API and database, labels for people
(``core.labels``). The applicant types are the catalogue's (``items.enums.ApplicantType``)."""

from __future__ import annotations

from zhizhi.core.labels import LabelledStrEnum


class WindowKind(LabelledStrEnum):
    COMPREHENSIVE = "comprehensive", "综合窗口", "Comprehensive window"  # receives any item
    # e.g. 不动产登记: receives its own items only
    SPECIAL = "special", "专项窗口", "Special window"


class Outcome(LabelledStrEnum):
    # the application was created and went to the back office (后台)
    FORWARDED = "forwarded", "已受理转后台", "Forwarded to the back office"
    # materials missing: the one-time notice (一次性告知) was printed
    NOTICE = "notice", "一次性告知", "One-time notice"


KIND_LABELS = WindowKind.labels()
OUTCOME_LABELS = Outcome.labels()
