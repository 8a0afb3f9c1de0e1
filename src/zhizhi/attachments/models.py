"""The attachments table: one row per stored file of a case (the bytes live in the storage)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, UTCDateTime


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint("stage IN ('intake', 'reply')", name="stage"),
        CheckConstraint("size_bytes > 0", name="size"),
        Index("ix_attachments_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer, nullable=False)  # cases.id (the case engine's row)
    stage: Mapped[str] = mapped_column(String(10), nullable=False)  # intake: before; reply: after
    filename: Mapped[str] = mapped_column(String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(String(40), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    storage_key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    thumb_key: Mapped[str | None] = mapped_column(String(200))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    latitude: Mapped[float | None] = mapped_column(Float)  # EXIF GPS when the photo had it
    longitude: Mapped[float | None] = mapped_column(Float)
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # on the tracking page
    uploaded_by: Mapped[str] = mapped_column(String(80), nullable=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
