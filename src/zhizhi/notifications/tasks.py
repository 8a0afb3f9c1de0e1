"""Notifications' background work: deliver due messages (after each commit that queued one, and
every minute for retries), and queue the SLA warnings of cases past their warning time."""

from __future__ import annotations

from zhizhi.cases import service as cases
from zhizhi.core import jobs
from zhizhi.core.db import unit_of_work
from zhizhi.notifications import service, wiring
from zhizhi.notifications.enums import MessageKind

BATCH = 100
MAX_BATCHES = 50  # one job sends at most 5 000 messages; the next tick takes the rest


@jobs.task(name=service.DELIVER_TASK, retry=jobs.Retry(max_attempts=3, base_seconds=5))
def deliver(timestamp: int | None = None) -> int:
    """Send due messages batch by batch, each batch in its own unit of work; a notifier that is
    down leaves the messages pending with their next attempt later (never lost, never blocking)."""
    total = 0
    for _ in range(MAX_BATCHES):
        with unit_of_work() as session:
            done = service.deliver_due(session, limit=BATCH)
        total += done.tried
        if done.tried < BATCH:
            break
    return total


@jobs.task(name="notifications.warnings", retry=jobs.Retry(max_attempts=2, base_seconds=60))
def warnings(timestamp: int | None = None) -> None:
    """One 临期预警 per case and deadline to the lead unit's handlers (a new deadline warns again)."""
    with unit_of_work() as session:
        for case in cases.cases_in_warning(session):
            wiring.to_handlers(session, case, MessageKind.WARNING, f"due{case.due_at:%Y%m%d%H%M}")


TASKS = (deliver, warnings)
SCHEDULES = (
    jobs.periodic(
        service.DELIVER_TASK, service.DELIVER_TASK, jobs.every(1), queueing_lock=service.DELIVER_TASK
    ),
    jobs.periodic("notifications.warnings", "notifications.warnings", jobs.every(15)),
)
