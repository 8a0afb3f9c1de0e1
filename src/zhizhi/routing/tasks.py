"""Routing's background work on the job queue (``core.jobs``): AI suggestions for a new case,
the hotspot refresh on a schedule, and a first refresh when no snapshot exists."""

from __future__ import annotations

from zhizhi.core import jobs
from zhizhi.core.db import unit_of_work
from zhizhi.core.settings import get_settings
from zhizhi.routing import hotspots, service

HOTSPOTS_LOCK = "routing.hotspots"  # at most one refresh waiting in the queue
HOTSPOTS_SCHEDULE = "routing.hotspots"


@jobs.task(name="routing.suggest", retry=jobs.Retry(max_attempts=3, base_seconds=5), queue="ai")
def suggest(case_id: int) -> None:
    """Classification, dispatch recommendation and duplicates for one case (idempotent: a case
    that has suggestions is left alone)."""
    service.suggest_job(case_id)


@jobs.task(name="routing.refresh_hotspots", retry=jobs.Retry(max_attempts=2, base_seconds=60), queue="ai")
def refresh_hotspots(timestamp: int | None = None) -> None:
    """Store a new hotspot snapshot over the last 30 days of cases (``timestamp``: the schedule's
    tick, when scheduled)."""
    hotspots.refresh_once()


def ensure_hotspots() -> None:
    """At a runner's start: queue a refresh when no snapshot exists yet (deduplicated)."""
    with unit_of_work() as session:
        if hotspots.latest(session) is None:
            jobs.enqueue(session, refresh_hotspots, queueing_lock=HOTSPOTS_LOCK)


def install() -> None:
    """Declare the hotspot schedule from the settings and the start-up refresh."""
    minutes = get_settings().hotspot_interval_minutes
    if minutes:
        jobs.periodic(
            HOTSPOTS_SCHEDULE, "routing.refresh_hotspots", jobs.every(minutes), queueing_lock=HOTSPOTS_LOCK
        )
    else:
        jobs.unschedule(HOTSPOTS_SCHEDULE)
    jobs.on_runner_start(ensure_hotspots)
