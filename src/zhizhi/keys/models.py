"""What the database knows of the data keys: their check values and states, never the keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, UTCDateTime


class DataKey(Base):
    """A data key version (``purpose`` ``data``) or the blind-index key (``index``, version 0)
    as seen by this database: its check value, compared with the key file at start-up."""

    __tablename__ = "data_keys"
    __table_args__ = (
        UniqueConstraint("purpose", "version", name="uq_data_keys_purpose_version"),
        CheckConstraint("purpose IN ('data', 'index')", name="purpose"),
        CheckConstraint("state IN ('active', 'decrypt', 'retired')", name="state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(8), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    check_value: Mapped[str] = mapped_column(String(16), nullable=False)
    state: Mapped[str] = mapped_column(String(10), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KeyRotation(Base):
    """Progress of re-encrypting one table under key version ``to_version``: the last id done,
    committed with each batch, so an interrupted rotation resumes where it stopped."""

    __tablename__ = "key_rotations"
    __table_args__ = (UniqueConstraint("to_version", "target", name="uq_key_rotations_version_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_version: Mapped[int] = mapped_column(Integer, nullable=False)
    target: Mapped[str] = mapped_column(String(40), nullable=False)  # 0017: was 20
    last_id: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    rows_changed: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
