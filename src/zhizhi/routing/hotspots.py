"""Hotspots over real cases (热点发现), recomputed on a schedule and stored as snapshots.

The cockpit and ``GET /api/v1/hotspots`` read the newest snapshot; ``zhizhi hotspots refresh``,
``POST /api/v1/hotspots/refresh`` or the ``routing.refresh_hotspots`` job (scheduled every
``ZHIZHI_HOTSPOT_INTERVAL_MINUTES`` on the job queue, ``routing.tasks``) writes a new one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from zhizhi.cases.models import Case
from zhizhi.core import audit, clock
from zhizhi.core.db import Base, JSONType, UTCDateTime, unit_of_work

log = logging.getLogger("zhizhi.hotspots")
WINDOW_DAYS = 30
MAX_CASES = 20_000
VERSION = "hotspots-v1"


class HotspotSnapshot(Base):
    __tablename__ = "hotspot_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    window_days: Mapped[int] = mapped_column(Integer, nullable=False)
    model_version: Mapped[str] = mapped_column(String(40), nullable=False)
    cases_considered: Mapped[int] = mapped_column(Integer, nullable=False)
    hotspots: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False)


def compute(session: Session, *, window_days: int = WINDOW_DAYS, top: int = 20) -> HotspotSnapshot:
    from zhizhi.intelligence.hotspots import Message, find_hotspots

    now = clock.now()
    rows = session.execute(
        select(
            Case.number,
            Case.subject,
            Case.content,
            Case.created_at,
            Case.reporter_id,
            Case.contact_phone,
            Case.address,
        )
        .where(Case.created_at >= now - timedelta(days=window_days), Case.kind != "application")
        .order_by(Case.created_at.desc())
        .limit(MAX_CASES)
    ).all()
    messages = [
        Message(
            id=r.number,
            subject=r.subject,
            body=r.content,
            created_at=r.created_at,
            user=str(r.reporter_id or r.contact_phone or r.number),
        )
        for r in rows
    ]
    spots = find_hotspots(messages, now=now, window_days=window_days, top=top)
    payload = [
        {
            "rank": h.rank,
            "title": h.title,
            "place": h.place,
            "topic": h.topic,
            "score": round(h.score, 4),
            "count": h.count,
            "people": h.people,
            "growth": round(h.growth, 3),
            "first_at": h.first_at.isoformat(),
            "last_at": h.last_at.isoformat(),
            "case_numbers": list(h.message_ids),
        }
        for h in spots
    ]
    snapshot = HotspotSnapshot(
        computed_at=now,
        window_days=window_days,
        model_version=VERSION,
        cases_considered=len(rows),
        hotspots=payload,
    )
    session.add(snapshot)
    session.flush()
    audit.record(
        session,
        "ai.hotspots_computed",
        audit.Actor.system(),
        object_type="hotspot_snapshot",
        object_id=snapshot.id,
        cases=len(rows),
        hotspots=len(payload),
    )
    return snapshot


def latest(session: Session) -> HotspotSnapshot | None:
    return session.scalar(select(HotspotSnapshot).order_by(HotspotSnapshot.id.desc()).limit(1))


def refresh_once() -> None:
    """One refresh in its own unit of work; on PostgreSQL a refresh already running elsewhere
    makes this one a no-op (advisory try-lock)."""
    with unit_of_work() as session:
        if session.get_bind().dialect.name == "postgresql" and not session.scalar(
            text("SELECT pg_try_advisory_xact_lock(7141590002)")
        ):
            return
        compute(session)
