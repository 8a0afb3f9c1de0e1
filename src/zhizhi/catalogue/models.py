"""Catalogue tables: categories and time limits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime


class Category(Base):
    """A case category (诉求分类), a node of the city's tree (``parent_id``, any depth), e.g.
    城乡建设 › 住房保障; reference data, not an enum. Retired, never deleted."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    name_en: Mapped[str | None] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class TimeLimit(Base):
    """Time limit per category × urgency; ``category_id`` NULL is the default for an urgency."""

    __tablename__ = "time_limits"
    __table_args__ = (
        UniqueConstraint("category_id", "urgency", name="uq_time_limits_category_urgency"),
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("unit IN ('working_days', 'calendar_days', 'hours')", name="unit"),
        CheckConstraint("urgency IN ('normal', 'urgent', 'critical')", name="urgency"),
        CheckConstraint("warning_ratio IS NULL OR (warning_ratio > 0 AND warning_ratio < 1)", name="ratio"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    urgency: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[int] = mapped_column(Integer, nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    warning_ratio: Mapped[float | None] = mapped_column(Float)


class CategoryChange(Base):
    """One change of the category tree (created, renamed, moved, retired, imported): the history
    the administration page shows. ``details`` holds the before/after values."""

    __tablename__ = "category_changes"
    __table_args__ = (CheckConstraint("action IN ('created', 'renamed', 'moved', 'retired')", name="action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), nullable=False, index=True)
    action: Mapped[str] = mapped_column(String(12), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
