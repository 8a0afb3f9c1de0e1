"""Attachments' background work: the hourly sweep of stored files that no row names."""

from __future__ import annotations

from zhizhi.attachments import service
from zhizhi.core import jobs
from zhizhi.core.db import unit_of_work


@jobs.task(name="attachments.sweep_orphans", retry=jobs.Retry(max_attempts=2, base_seconds=60))
def sweep_orphans(timestamp: int | None = None) -> None:
    with unit_of_work() as session:
        service.sweep_orphans(session)


SCHEDULES = (jobs.periodic("attachments.sweep_orphans", "attachments.sweep_orphans", "41 * * * *"),)
