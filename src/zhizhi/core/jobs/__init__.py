"""Background and periodic work: one interface over two queues (docs/jobs.md).

* ``@task(name=..., retry=Retry(...))`` declares a task; ``periodic(...)`` a schedule; a
  capability lists them in its manifest and the composition roots ``register`` them from
  ``zhizhi.registry``.
* ``enqueue(session, task, **kwargs)`` queues a job inside the caller's unit of work: the job
  exists if and only if that transaction commits (``queueing_lock``, ``schedule_at`` optional).
* PostgreSQL: procrastinate's queue, run by ``zhizhi worker`` (:mod:`.pg`); SQLite: the
  ``job_queue`` table, run by a runner thread of the web process or by ``zhizhi worker``
  (:mod:`.local`); tests and loaders: inline right after the commit (:func:`inline`).
"""

from __future__ import annotations

from zhizhi.core.jobs.queue import PendingJob, enqueue, inline, run_now, runs_inline
from zhizhi.core.jobs.registry import (
    NO_RETRY,
    SCHEDULES,
    TASKS,
    Retry,
    Schedule,
    ScheduleDeclaration,
    TaskSpec,
    every,
    on_runner_start,
    periodic,
    register,
    spec,
    task,
)

__all__ = [
    "NO_RETRY",
    "SCHEDULES",
    "TASKS",
    "PendingJob",
    "Retry",
    "Schedule",
    "ScheduleDeclaration",
    "TaskSpec",
    "enqueue",
    "every",
    "inline",
    "on_runner_start",
    "periodic",
    "register",
    "run_now",
    "run_worker",
    "runs_inline",
    "spec",
    "start_local_runner",
    "task",
]


def run_worker(
    url: str | None = None,
    *,
    queues: list[str] | None = None,
    concurrency: int = 1,
    once: bool = False,
) -> None:
    """``zhizhi worker``: run every registered task and schedule until stopped (``once``: until no
    job is due).  On PostgreSQL this process also chains the audit inbox (``core.sealer``)."""
    from zhizhi.core.db import get_engine
    from zhizhi.core.settings import get_settings

    settings = get_settings()
    url = url or settings.database_url
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        from zhizhi.core import sealer
        from zhizhi.core.jobs import pg

        sealer.start(engine)
        try:
            pg.run_worker(
                url,
                queues=queues,
                concurrency=concurrency,
                once=once,
                heartbeat_seconds=settings.jobs_heartbeat_seconds,
                stalled_seconds=settings.jobs_stalled_seconds,
                poll_seconds=settings.jobs_poll_seconds,
            )
        finally:
            sealer.stop(engine)
        return
    from zhizhi.core.jobs import local

    runner = local.Runner(url, queues=queues, poll_seconds=settings.jobs_poll_seconds)
    if once:
        runner.recover_stalled()
        runner.run_until_idle()
        return
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        runner.stop()


def start_local_runner(url: str | None = None) -> object | None:
    """Start the in-process runner when the database is SQLite, jobs are not inline and
    ``ZHIZHI_JOBS_RUNNER_IN_WEB`` is on (the demo web process); returns it (``stop()`` at
    shutdown) or None."""
    from zhizhi.core.db import get_engine
    from zhizhi.core.settings import get_settings

    if runs_inline() or not get_settings().jobs_runner_in_web or get_engine(url).dialect.name != "sqlite":
        return None
    from zhizhi.core.jobs import local

    return local.start(url)
