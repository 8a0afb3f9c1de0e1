"""Hotspots over real cases (热点发现), recomputed on a schedule and stored as snapshots.

The cockpit and ``GET /api/v1/hotspots`` read the newest snapshot.  A new one is written by
``zhizhi hotspots refresh``, by ``POST /api/v1/hotspots/refresh`` (leaders and supervisors), and
by the ``routing.refresh_hotspots`` job, scheduled every ``ZHIZHI_HOTSPOT_INTERVAL_MINUTES`` on
the job queue (``routing.tasks``; 0: no schedule; on PostgreSQL an advisory lock makes a refresh
that finds another one running a no-op).  The method is :mod:`zhizhi.intelligence.hotspots`; the
snapshot table and its SQL are in ``routing.models`` and ``routing.repository``.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from zhizhi.cases import service as cases
from zhizhi.core import audit, clock
from zhizhi.core.db import unit_of_work
from zhizhi.routing import repository as repo
from zhizhi.routing.models import HotspotSnapshot

log = logging.getLogger("zhizhi.hotspots")
WINDOW_DAYS = 30
MAX_CASES = 20_000
VERSION = "hotspots-v1"


def compute(session: Session, *, window_days: int = WINDOW_DAYS, top: int = 20) -> HotspotSnapshot:
    from zhizhi.intelligence.hotspots import Message, find_hotspots

    now = clock.now()
    rows = cases.recent_appeals(session, days=window_days, limit=MAX_CASES)
    messages = [
        Message(
            id=r.number,
            subject=r.subject,
            body=r.content,
            created_at=r.created_at,
            user=str(r.reporter_id or r.contact_key or r.number),
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
    repo.add_snapshot(session, snapshot)
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
    return repo.latest_snapshot(session)


def refresh_once() -> None:
    """One refresh in its own unit of work; on PostgreSQL a refresh already running elsewhere
    makes this one a no-op (advisory try-lock)."""
    with unit_of_work() as session:
        if not repo.try_hotspot_lock(session):
            return
        compute(session)
