"""The cockpit's background work (``core.jobs``): the city-wide recurrence figures of every
cockpit period, on a schedule and at a runner's start when none exist (docs/cockpit.md)."""

from __future__ import annotations

import logging

from zhizhi.cockpit import service
from zhizhi.core import jobs
from zhizhi.core.db import unit_of_work
from zhizhi.core.settings import get_settings

RECURRENCE_LOCK = "cockpit.recurrence"  # at most one refresh waiting in the queue
RECURRENCE_SCHEDULE = "cockpit.recurrence"
log = logging.getLogger("zhizhi.cockpit")


@jobs.task(name="cockpit.refresh_recurrence", retry=jobs.Retry(max_attempts=2, base_seconds=60), queue="ai")
def refresh_recurrence(timestamp: int | None = None) -> None:
    """Store the recurrence snapshots and bring the per-case results up to date
    (``timestamp``: the schedule's tick, when scheduled)."""
    with unit_of_work() as session:
        took = service.refresh_recurrence(session)
        cases = service.refresh_case_recurrences(session)
    log.info("recurrence snapshots refreshed: %s; per-case results: %s", took, cases)


def recurrence_schedule() -> jobs.Schedule | None:
    """Every ``ZHIZHI_RECURRENCE_INTERVAL_MINUTES`` (0: no schedule)."""
    minutes = get_settings().recurrence_interval_minutes
    if not minutes:
        return None
    return jobs.periodic(
        RECURRENCE_SCHEDULE,
        "cockpit.refresh_recurrence",
        jobs.every(minutes),
        queueing_lock=RECURRENCE_LOCK,
    )


def ensure_recurrence() -> None:
    """At a runner's start: queue a refresh when today's snapshot is missing (deduplicated)."""
    with unit_of_work() as session:
        if not service.has_snapshot(session):
            jobs.enqueue(session, refresh_recurrence, queueing_lock=RECURRENCE_LOCK)


def install() -> None:
    jobs.on_runner_start(ensure_recurrence)
