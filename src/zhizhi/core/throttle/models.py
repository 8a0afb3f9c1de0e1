"""``throttle_counters``: one row per counted key (a login account, a login source address, a
public endpoint group × address), shared by every process through the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, UTCDateTime


class ThrottleCounter(Base):
    """A fixed window opened by the key's first hit: ``hits`` within ``window_start`` + window;
    ``locked_until`` is set by a login lockout."""

    __tablename__ = "throttle_counters"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    hits: Mapped[int] = mapped_column(Integer, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
