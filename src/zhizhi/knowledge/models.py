"""Knowledge tables: articles (the current text), their versions (every saved text, never
changed), the search index's words per published article and its generation, and citations
(which case's direct answer cited which version)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText

_STATUS = "status IN ('draft', 'published', 'retired')"
_KIND = "kind IN ('policy', 'faq')"


class Article(Base):
    """One article; ``version`` is its newest saved text, ``published_version`` the one agents
    find and cite (a published article may have a newer draft waiting)."""

    __tablename__ = "knowledge_articles"
    __table_args__ = (
        CheckConstraint(_STATUS, name="status"),
        CheckConstraint(_KIND, name="kind"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)  # KB-0001
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    category_code: Mapped[str | None] = mapped_column(String(40), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    tags: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    published_version: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(120), nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArticleVersion(Base):
    """Every saved text of an article (history): written once, never changed."""

    __tablename__ = "knowledge_versions"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_knowledge_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)  # category, tags, validity…
    note: Mapped[str | None] = mapped_column(String(500))
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("knowledge_versions.personal_text"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    saved_by: Mapped[str] = mapped_column(String(120), nullable=False)


class IndexEntry(Base):
    """The search index's words of one published article (jieba, space-joined), written by the
    reindex job; every process builds its BM25 index from these rows."""

    __tablename__ = "knowledge_index"

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    words: Mapped[str] = mapped_column(Text, nullable=False)


class IndexState(Base):
    """One row: the index's generation (a process rebuilds its BM25 index when it changes)."""

    __tablename__ = "knowledge_index_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    articles: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Citation(Base):
    """A case's direct answer cited this version of the article."""

    __tablename__ = "knowledge_citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, index=True)
    case_number: Mapped[str] = mapped_column(String(40), nullable=False)
    cited_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    cited_by: Mapped[str] = mapped_column(String(120), nullable=False)
