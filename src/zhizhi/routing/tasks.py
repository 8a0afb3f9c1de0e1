"""Routing's background work on the job queue (``core.jobs``): AI suggestions for a new case,
the hotspot refresh on a schedule, and a first refresh when no snapshot exists.

Declared here, listed in routing's manifest (``tasks``, ``schedules``) and registered by the
composition roots from ``zhizhi.registry``; the start-up refresh is registered by routing's
install hook (``routing.wiring``)."""

from __future__ import annotations

import logging

from zhizhi.core import jobs
from zhizhi.core.db import unit_of_work
from zhizhi.core.settings import get_settings
from zhizhi.routing import hotspots, learning, service

HOTSPOTS_LOCK = "routing.hotspots"  # at most one refresh waiting in the queue
HOTSPOTS_SCHEDULE = "routing.hotspots"
CLASSIFIER_SCHEDULE = "routing.classifier"
log = logging.getLogger("zhizhi.routing")


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


def hotspot_schedule() -> jobs.Schedule | None:
    """The hotspot refresh every ``ZHIZHI_HOTSPOT_INTERVAL_MINUTES`` (read when a root registers
    the schedule; 0: no schedule)."""
    minutes = get_settings().hotspot_interval_minutes
    if not minutes:
        return None
    return jobs.periodic(
        HOTSPOTS_SCHEDULE, "routing.refresh_hotspots", jobs.every(minutes), queueing_lock=HOTSPOTS_LOCK
    )


def ensure_hotspots() -> None:
    """At a runner's start: queue a refresh when no snapshot exists yet (deduplicated)."""
    with unit_of_work() as session:
        if hotspots.latest(session) is None:
            jobs.enqueue(session, refresh_hotspots, queueing_lock=HOTSPOTS_LOCK)


@jobs.task(name="routing.train_classifier", retry=jobs.Retry(max_attempts=2, base_seconds=300), queue="ai")
def train_classifier(timestamp: int | None = None) -> None:
    """Retrain the city's classifier on the base corpus (when present) and the confirmed cases
    (each run stores a new model; a run with too few confirmed cases stores nothing)."""
    from zhizhi.core import audit
    from zhizhi.core.errors import ValidationFailed

    try:
        with unit_of_work() as session:
            learning.train(session, actor=audit.Actor.system())
    except ValidationFailed as exc:  # not enough samples yet: nothing to retry
        log.info("classifier not retrained: %s", exc.en)


@jobs.task(name=learning.TRAIN_TASK, queue="ai")
def train_requested(training_id: int) -> None:
    """A retraining a person asked for (``POST /api/v1/nlp/city-model``): its outcome is recorded
    on the ``classifier_trainings`` row (no retry: a failure is reported, not repeated)."""
    learning.run_training(training_id)


def classifier_schedule() -> jobs.Schedule | None:
    """Retraining at ``ZHIZHI_CLASSIFIER_RETRAIN_CRON`` (read when a root registers schedules)."""
    cron = get_settings().classifier_retrain_cron.strip()
    if not cron:
        return None
    return jobs.periodic(
        CLASSIFIER_SCHEDULE, "routing.train_classifier", cron, queueing_lock=CLASSIFIER_SCHEDULE
    )


TASKS = (suggest, refresh_hotspots, train_classifier, train_requested)
SCHEDULES: tuple[jobs.ScheduleDeclaration, ...] = (hotspot_schedule, classifier_schedule)
