"""The cockpit's one table: recurrence figures computed in the background (0017)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String
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
