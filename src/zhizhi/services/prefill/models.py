"""免提交 records: per application, what the applicant did not have to provide — the materials
fetched from shared data or the certificate library (with where from) and the form fields
pre-filled from shared data — and whether the applicant consented to the fetch."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime


class PrefillRecord(Base):
    """One application's 免提交 figure.  ``materials`` lists ``{"code", "source", "ref"}`` (the
    resource code and exchange-log outcome, or the certificate number) of each material provided
    by data; ``fields`` the codes of the fields pre-filled from shared data and confirmed."""

    __tablename__ = "prefill_records"
    __table_args__ = (
        CheckConstraint("fields_saved <= fields_total AND materials_saved <= materials_total", name="counts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    consent: Mapped[bool] = mapped_column(Boolean, nullable=False)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fields_total: Mapped[int] = mapped_column(Integer, nullable=False)
    fields_saved: Mapped[int] = mapped_column(Integer, nullable=False)
    materials_total: Mapped[int] = mapped_column(Integer, nullable=False)
    materials_saved: Mapped[int] = mapped_column(Integer, nullable=False)
    fields: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
