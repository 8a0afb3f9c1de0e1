"""PostgreSQL backend: procrastinate (https://procrastinate.readthedocs.io).

* Enqueue: ``jobs.enqueue`` writes the job into ``job_queue`` in the caller's transaction (the
  same narrow insert as on SQLite).  Each worker *relays* the waiting rows of its queues into
  procrastinate: one transaction deletes a batch (``FOR UPDATE SKIP LOCKED``, so two relays never
  take the same row) and inserts it through procrastinate's own defer path
  (``JobManager.batch_defer_jobs`` on that transaction's connection), so a job is handed over
  exactly once, or stays in ``job_queue`` if the relay dies.  Inserting into procrastinate
  directly in every intake cost a quarter of the creation throughput (its defer function, an
  event row per job, five indexes, and the NOTIFY that serialises commits), the narrow insert a
  few per cent (docs/benchmarks.md).  A job with a queueing lock is handed over inside a
  SAVEPOINT: when a job with that lock already waits in procrastinate, its unique index refuses
  it and only the SAVEPOINT is rolled back (the row is dropped: its twin waits).
* Worker: ``procrastinate.App`` with every registered task and schedule; retries follow the task's
  :class:`~zhizhi.core.jobs.registry.Retry`; schedules are deferred by every worker and
  procrastinate's ``procrastinate_periodic_defers`` keeps one job per tick; workers send a
  heartbeat and a sweeper puts the jobs of workers without a recent heartbeat back in the queue
  (a worker killed mid-job).  The schema is applied by Alembic migration 0006.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import procrastinate
from procrastinate import exceptions, jobs, manager
from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from zhizhi.core.jobs import registry, repository

log = logging.getLogger("zhizhi.jobs")
SCHEMA_MARK = "procrastinate schema "  # + the newest procrastinate migration file it contains
_defer_manager: manager.JobManager | None = None


def installed_schema_version() -> str:
    """The newest migration file of the installed procrastinate (e.g. ``03.04.00_50_post_…``)."""
    from pathlib import Path

    from procrastinate.schema import SchemaManager

    return max(p.stem for p in Path(SchemaManager.get_migrations_path()).glob("*.sql"))


def mark_schema(connection: Connection, version: str) -> None:
    """Record which procrastinate schema the database has (migrations only)."""
    repository.set_table_comment(connection, "procrastinate_jobs", SCHEMA_MARK + version)


def schema_version(connection: Connection) -> str | None:
    """The procrastinate schema recorded in the database (None: no mark, or no queue)."""
    comment = repository.table_comment(connection, "procrastinate_jobs")
    return comment.removeprefix(SCHEMA_MARK) if comment and comment.startswith(SCHEMA_MARK) else None


def check_schema(url: str) -> None:
    """Refuse to run against a queue schema other than the installed procrastinate's."""
    from zhizhi.core.db import get_engine

    with get_engine(url).connect() as connection:
        have = schema_version(connection)
    want = installed_schema_version()
    if have != want:
        raise RuntimeError(
            f"the database has procrastinate schema {have or 'none'}, the installed procrastinate "
            f"expects {want}: run `zhizhi db upgrade` (a migration must apply procrastinate's "
            "newer migration files, docs/jobs.md)"
        )


def conninfo(url: str) -> str:
    """libpq URI for a SQLAlchemy URL (``postgresql+psycopg://…`` → ``postgresql://…``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _manager() -> manager.JobManager:
    """A JobManager whose connector is only ever given external connections (never opened)."""
    global _defer_manager
    if _defer_manager is None:
        _defer_manager = manager.JobManager(procrastinate.SyncPsycopgConnector())
    return _defer_manager


def _job(row: repository.Waiting) -> jobs.Job:
    return jobs.Job(
        queue=row.queue,
        lock=None,
        queueing_lock=row.queueing_lock,
        task_name=row.task,
        task_kwargs=row.args,
        scheduled_at=row.run_at,
    )


def defer(connection: Connection, waiting: list[repository.Waiting]) -> None:
    """Insert ``waiting`` into procrastinate's queue in ``connection``'s open transaction."""
    dbapi = connection.connection.dbapi_connection
    manager = _manager()
    plain = [_job(w) for w in waiting if w.queueing_lock is None]
    if plain:
        manager.batch_defer_jobs(jobs=plain, connection=dbapi)
    for w in waiting:
        if w.queueing_lock is None:
            continue
        repository.savepoint(connection, "zz_job_dedup")
        try:
            manager.defer_job(job=_job(w), connection=dbapi)
        except exceptions.AlreadyEnqueued:
            repository.release_savepoint(connection, "zz_job_dedup", rollback=True)
        else:
            repository.release_savepoint(connection, "zz_job_dedup", rollback=False)


RELAY_BATCH = 500
# After handing over this many jobs in one go, refresh the planner's statistics of procrastinate's
# table: with stale ones (autovacuum lags a burst) its fetch query took 30-40 ms per job instead
# of 0.5 ms with 28,000 jobs waiting (docs/benchmarks.md).
ANALYZE_AFTER = 2000


def relay(url: str, queues: list[str] | None = None, limit: int = RELAY_BATCH) -> int:
    """Hand one batch of ``job_queue`` rows over to procrastinate; returns how many."""
    from zhizhi.core.db import get_engine

    with get_engine(url).begin() as connection:
        waiting = repository.take_waiting(connection, queues, limit)
        if waiting:
            defer(connection, waiting)
    return len(waiting)


def relay_all(url: str, queues: list[str] | None = None) -> int:
    """Relay until nothing waits; returns how many moved."""
    moved = 0
    while (n := relay(url, queues)) > 0:
        moved += n
        if n < RELAY_BATCH:
            break
    if moved >= ANALYZE_AFTER:
        from zhizhi.core.db import get_engine

        with get_engine(url).connect() as connection:
            repository.analyze(connection, "procrastinate_jobs")
    return moved


async def _relay_loop(url: str, queues: list[str] | None, poll_seconds: float) -> None:
    while True:
        try:
            await asyncio.to_thread(relay_all, url, queues)
        except Exception:
            log.exception("handing jobs over to procrastinate failed; retrying at the next poll")
        await asyncio.sleep(poll_seconds)


class Backoff(procrastinate.BaseRetryStrategy):
    """procrastinate retry strategy from a :class:`registry.Retry` (seconds may be fractions)."""

    def __init__(self, retry: registry.Retry) -> None:
        self.retry = retry

    def get_retry_decision(
        self, *, exception: BaseException, job: jobs.Job
    ) -> procrastinate.RetryDecision | None:
        delay = self.retry.delay_after(job.attempts + 1)  # job.attempts: runs before this one
        if delay is None:
            return None
        return procrastinate.RetryDecision(retry_at=datetime.now(UTC) + timedelta(seconds=delay))


def build_app(url: str) -> procrastinate.App:
    """A procrastinate App with every registered task and schedule."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(url), kwargs={"options": "-c jit=off"})
    )
    tasks: dict[str, Any] = {}
    for spec in list(registry.TASKS.values()):
        declare = app.task(name=spec.name, queue=spec.queue, retry=Backoff(spec.retry))
        tasks[spec.name] = declare(spec.func)
    for schedule in list(registry.SCHEDULES.values()):
        if schedule.task not in tasks:
            log.error("schedule %s names the unregistered task %s", schedule.name, schedule.task)
            continue
        app.periodic(
            cron=schedule.cron,
            periodic_id=schedule.name,
            queueing_lock=schedule.queueing_lock,
            task_kwargs=dict(schedule.kwargs),
        )(tasks[schedule.task])
    return app


async def sweep_stalled(app: procrastinate.App, stalled_seconds: float) -> int:
    """Jobs ``doing`` under a worker without a heartbeat for ``stalled_seconds``: back to the
    queue when their retry policy allows another run, else ``failed``; returns how many."""
    moved = 0
    for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=stalled_seconds):
        spec = registry.TASKS.get(job.task_name)
        again = (spec.retry if spec else registry.NO_RETRY).delay_after(job.attempts + 1) is not None
        assert job.id is not None
        try:
            if again:
                await app.job_manager.retry_job(job)
            else:
                await app.job_manager.finish_job_by_id_async(job.id, jobs.Status.FAILED, delete_job=False)
        except exceptions.ConnectorException:  # another worker's sweeper took it first
            continue
        log.warning(
            "job %s #%d: its worker stopped sending heartbeats; %s",
            job.task_name,
            job.id,
            "run again" if again else "failed",
        )
        moved += 1
    return moved


async def _sweeper(app: procrastinate.App, stalled_seconds: float) -> None:
    while True:
        try:
            await sweep_stalled(app, stalled_seconds)
        except Exception:
            log.exception("stalled-job sweep failed")
        await asyncio.sleep(max(0.25, stalled_seconds / 2))


async def serve(
    app: procrastinate.App,
    url: str,
    *,
    queues: list[str] | None = None,
    concurrency: int = 1,
    once: bool = False,
    heartbeat_seconds: float = 10.0,
    stalled_seconds: float = 30.0,
    poll_seconds: float = 1.0,
) -> None:
    """Run start hooks, the relay from ``job_queue``, the stalled-job sweeper and a procrastinate
    worker on an opened ``app`` until stopped or cancelled (``once``: until no job is due)."""
    for hook in registry.start_hooks():
        try:
            await asyncio.to_thread(hook)
        except Exception:
            log.exception("worker start hook %s failed", getattr(hook, "__name__", hook))
    await asyncio.to_thread(relay_all, url, queues)
    side = [
        asyncio.create_task(_sweeper(app, stalled_seconds), name="zhizhi-stalled-sweeper"),
        asyncio.create_task(_relay_loop(url, queues, poll_seconds), name="zhizhi-relay"),
    ]
    try:
        await app.run_worker_async(
            queues=queues,  # type: ignore[arg-type]  # None: every queue
            concurrency=concurrency,
            wait=not once,
            delete_jobs="successful",
            update_heartbeat_interval=heartbeat_seconds,
            stalled_worker_timeout=stalled_seconds,
            fetch_job_polling_interval=poll_seconds,
        )
    finally:
        for task in side:
            task.cancel()


def run_worker(url: str, **options: Any) -> None:
    """Run a procrastinate worker until SIGINT/SIGTERM (options: those of :func:`serve`)."""
    check_schema(url)
    app = build_app(url)

    async def main() -> None:
        async with app.open_async():
            await serve(app, url, **options)

    asyncio.run(main())
