"""Catalogue tables: categories and time limits."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base


class Category(Base):
    """A case category (诉求分类), e.g. 城乡建设 › 住房保障; reference data, not an enum."""

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
