"""The knowledge base's background work: rebuild the search index's words after a publish or
a retirement (queued by the service, one waiting job at a time) and each night, when articles
enter or leave their validity."""

from __future__ import annotations

from zhizhi.core import jobs
from zhizhi.core.db import unit_of_work
from zhizhi.knowledge import service


@jobs.task(name=service.REINDEX_TASK, retry=jobs.Retry(max_attempts=3, base_seconds=10))
def reindex(timestamp: int | None = None) -> None:
    with unit_of_work() as session:
        service.reindex(session)


TASKS = (reindex,)
SCHEDULES = (jobs.periodic("knowledge.nightly_reindex", service.REINDEX_TASK, "5 0 * * *"),)
