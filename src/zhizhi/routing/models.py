"""Routing tables: AI suggestions on cases, the dispatch catalogue, hotspot snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText


class CaseSuggestion(Base):
    """An AI suggestion on a case (建议, not a decision): classification, dispatch or duplicates."""

    __tablename__ = "case_suggestions"
    __table_args__ = (
        CheckConstraint("kind IN ('classification', 'dispatch', 'duplicates')", name="kind"),
        CheckConstraint("status IN ('pending', 'accepted', 'overridden', 'dismissed')", name="status"),
        Index("ix_case_suggestions_case_kind", "case_id", "kind"),
        Index("ix_case_suggestions_review", "needs_review", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    model_version: Mapped[str] = mapped_column(String(80), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    confidence: Mapped[float] = mapped_column(Float, nullable=False)
    needs_review: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    category_code: Mapped[str | None] = mapped_column(String(40), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("case_suggestions.personal_text"))
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class DispatchRule(Base):
    """One row of the dispatch catalogue (派单目录): category × area → lead and co-units.

    Rules are tried by ascending ``priority``; ``division_prefix`` matches the case's division
    code by prefix (empty = anywhere); ``use_territorial`` sends the case to the street /
    community unit of the place (属地) instead of a fixed lead.
    """

    __tablename__ = "dispatch_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    priority: Mapped[int] = mapped_column(Integer, nullable=False, default=100)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    division_prefix: Mapped[str] = mapped_column(String(12), nullable=False, default="")
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    co_department_ids: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    use_territorial: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    note: Mapped[str | None] = mapped_column(String(200))
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("dispatch_rules.personal_text"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class HotspotSnapshot(Base):
    """The hotspots found over recent cases at one moment (the cockpit shows the newest)."""

    __tablename__ = "hotspot_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    window_days: Mapped[int] = mapped_column(Integer, nullable=False)
    model_version: Mapped[str] = mapped_column(String(40), nullable=False)
    cases_considered: Mapped[int] = mapped_column(Integer, nullable=False)
    hotspots: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False)


class CategoryConfirmation(Base):
    """A person's confirmation or correction of a case's category at 受理 / 派单 / 办结: the
    city's own training data for the classifier (``suggested_code``: the AI's proposal then)."""

    __tablename__ = "category_confirmations"
    __table_args__ = (Index("ix_category_confirmations_case", "case_id", "confirmed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), nullable=False)
    suggested_code: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    corrected: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)


class ClassifierModel(Base):
    """A classifier trained for this city's category tree (``artifact``: the joblib payload);
    the newest active row is the model in use."""

    __tablename__ = "classifier_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    trained_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    artifact: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class ClassifierTraining(Base):
    """A retraining asked for by a person (``POST /api/v1/nlp/city-model``), run by the job queue:
    ``queued`` → ``running`` → ``done`` (with the new model's version) or ``failed`` (with the
    reason in both languages)."""

    __tablename__ = "classifier_trainings"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="ck_classifier_trainings_status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    requested_by: Mapped[str] = mapped_column(String(80), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    model_version: Mapped[str | None] = mapped_column(String(80))
    error_zh: Mapped[str | None] = mapped_column(String(400))
    error_en: Mapped[str | None] = mapped_column(String(400))
