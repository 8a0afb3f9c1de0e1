"""Article statuses: a draft is written, published (searchable while valid), then retired."""

from __future__ import annotations

from enum import StrEnum


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


STATUS_LABELS: dict[ArticleStatus, tuple[str, str]] = {
    ArticleStatus.DRAFT: ("草稿", "Draft"),
    ArticleStatus.PUBLISHED: ("已发布", "Published"),
    ArticleStatus.RETIRED: ("已停用", "Retired"),
}


class ArticleKind(StrEnum):
    POLICY = "policy"  # 政策
    FAQ = "faq"  # 常见问答


KIND_LABELS: dict[ArticleKind, tuple[str, str]] = {
    ArticleKind.POLICY: ("政策", "Policy"),
    ArticleKind.FAQ: ("常见问答", "Common question"),
}
