"""The cockpit's tables: recurrence figures computed in the background (0017) and each closed
case's own recurrence result, kept up to date incrementally by the same job (0018)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime


class CockpitSnapshot(Base):
    """One figure set, keyed by what it covers (``recurrence:<first day>:<last day>``: the
    city-wide recurrence of a period, no category or district filter)."""

    __tablename__ = "cockpit_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    seconds: Mapped[float] = mapped_column(Float, nullable=False)  # how long the computation took
    figures: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)


class CaseRecurrence(Base):
    """Whether a closed case's problem came back (``returned_by``: the first later appeal on the
    same problem at the same place, ``days`` after closure), as of ``checked_through``: later
    appeals registered up to then have been compared.  Final once found or once the 90-day window
    is over; a case closed again after 重办 (another ``closed_at``) is computed afresh."""

    __tablename__ = "cockpit_recurrences"

    case_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[str] = mapped_column(String(40), nullable=False)
    unit: Mapped[str | None] = mapped_column(String(40))  # the lead unit's code at closure
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    returned_by: Mapped[str | None] = mapped_column(String(40))
    days: Mapped[float | None] = mapped_column(Float)
    checked_through: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
