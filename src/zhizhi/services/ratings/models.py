"""Ratings of applications and the rectification of each bad one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText
from zhizhi.services.ratings.enums import Channel, Measure, Rating, RectificationStatus, Stage


def _in(name: str, values: Any, nullable: bool = False) -> CheckConstraint:
    listed = f"{name} IN ({', '.join(repr(v.value) for v in values)})"
    return CheckConstraint(f"{name} IS NULL OR {listed}" if nullable else listed, name=name)


class ServiceRating(Base):
    """One rating of one application at one stage (*rule:* unique per application and stage).
    The item, department and window are copied at rating time: the statistics group by them
    without joining the application."""

    __tablename__ = "service_ratings"
    __table_args__ = (
        UniqueConstraint("case_id", "stage", name="uq_service_rating_stage"),
        _in("stage", Stage),
        _in("channel", Channel),
        _in("level", Rating),
        Index("ix_service_ratings_rated_at", "rated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False)
    number: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    stage: Mapped[str] = mapped_column(String(12), nullable=False)
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    bad: Mapped[bool] = mapped_column(Boolean, nullable=False)
    dimensions: Mapped[dict[str, str]] = mapped_column(JSONType, nullable=False, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)  # stored with personal data masked
    # the words as given where masking changed them (core.freetext; SM4, ``zhizhi keys rotate``)
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("service_ratings.personal_text"))
    item_code: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    item_name: Mapped[str] = mapped_column(String(200), nullable=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    window_id: Mapped[int | None] = mapped_column(ForeignKey("service_windows.id"), index=True)
    rater_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class Rectification(Base):
    """The bad rating's follow-up (DOMAIN.md §2): call back and verify, then fix at once, fix by
    the deadline, or explain; the result is fed back to the applicant."""

    __tablename__ = "service_rectifications"
    __table_args__ = (
        _in("status", RectificationStatus),
        _in("measure", Measure, nullable=True),
        CheckConstraint("status = 'verifying' OR measure IS NOT NULL", name="measured"),
        CheckConstraint("status <> 'done' OR (result IS NOT NULL AND completed_at IS NOT NULL)", name="done"),
        Index("ix_service_rectifications_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("service_ratings.id"), nullable=False, unique=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    verification: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(String(120))
    measure: Mapped[str | None] = mapped_column(String(12))
    result: Mapped[str | None] = mapped_column(Text)
    # verification and result as given where masking changed them (core.freetext; SM4)
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("service_rectifications.personal_text"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(120))
