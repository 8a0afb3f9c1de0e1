"""The SQL of the local queue (``job_queue``, ``job_schedules``) and the SAVEPOINT statements
of the PostgreSQL enqueue path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from zhizhi.core.db import unit_of_work
from zhizhi.core.jobs.models import JobSchedule, QueuedJob

if TYPE_CHECKING:
    from zhizhi.core.jobs.queue import PendingJob

Q = QueuedJob.__table__
S = JobSchedule.__table__


def wall_now() -> datetime:
    """Queue time is wall-clock time, not ``core.clock`` (which tests freeze)."""
    return datetime.now(UTC)


# PostgreSQL intake path: a fixed driver statement (no SQLAlchemy compile or execution
# machinery per call; psycopg prepares it after a few uses).
_PG_STORE = (
    "INSERT INTO job_queue (task, queue, args, status, queueing_lock, run_at, attempts, created_at) "
    "VALUES (%(task)s, %(queue)s, %(args)s, 'todo', %(queueing_lock)s, %(run_at)s, 0, %(created_at)s) "
    "ON CONFLICT DO NOTHING"
)


def store(session: Session, pending: Iterable[PendingJob]) -> None:
    """Insert jobs in the session's transaction (both databases); a job whose queueing lock is
    held by a waiting job is skipped (``ON CONFLICT DO NOTHING`` on the partial unique index)."""
    now = wall_now()
    rows: list[dict[str, Any]] = [
        {
            "task": job.spec.name,
            "queue": job.spec.queue,
            "args": job.kwargs,
            "status": "todo",
            "queueing_lock": job.queueing_lock,
            "run_at": job.schedule_at or now,
            "attempts": 0,
            "created_at": now,
        }
        for job in pending
    ]
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        import psycopg
        from psycopg.types.json import Jsonb

        for row in rows:
            row["args"] = Jsonb(row["args"])
        dbapi = connection.connection.dbapi_connection  # psycopg, inside the session's transaction
        assert isinstance(dbapi, psycopg.Connection)
        with dbapi.cursor() as cursor:  # SQLAlchemy's execution machinery cost more than the insert
            if len(rows) > 1:
                cursor.executemany(_PG_STORE, rows)
            else:
                cursor.execute(_PG_STORE, rows[0])
    else:
        session.execute(sqlite.insert(Q).on_conflict_do_nothing(), rows)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    task: str
    args: dict[str, Any]
    attempts: int  # runs started, this one included


def claim(url: str | None, runner: str, queues: list[str] | None) -> Claimed | None:
    """Mark the next due job ``doing`` for ``runner`` and return it (None when nothing is due)."""
    now = wall_now()
    nxt = select(QueuedJob.id).where(QueuedJob.status == "todo", QueuedJob.run_at <= now)
    if queues:
        nxt = nxt.where(QueuedJob.queue.in_(queues))
    nxt = nxt.order_by(QueuedJob.run_at, QueuedJob.id).limit(1)
    with unit_of_work(url) as session:
        row = session.execute(
            update(QueuedJob)
            .where(QueuedJob.id == nxt.scalar_subquery())
            .values(status="doing", attempts=QueuedJob.attempts + 1, locked_by=runner, locked_at=now)
            .returning(QueuedJob.id, QueuedJob.task, QueuedJob.args, QueuedJob.attempts)
        ).first()
    return Claimed(row.id, row.task, dict(row.args), row.attempts) if row is not None else None


def finish(url: str | None, job_id: int) -> None:
    with unit_of_work(url) as session:
        session.execute(delete(QueuedJob).where(QueuedJob.id == job_id))


def fail(url: str | None, job_id: int, error: str, retry_in: float | None) -> None:
    """After a failed run: back to ``todo`` after ``retry_in`` seconds, or ``failed`` (None)."""
    values: dict[str, Any] = {"last_error": error[-4000:], "locked_by": None, "locked_at": None}
    if retry_in is None:
        values["status"] = "failed"
    else:
        values.update(status="todo", run_at=wall_now() + timedelta(seconds=retry_in))
    with unit_of_work(url) as session:
        session.execute(update(QueuedJob).where(QueuedJob.id == job_id).values(**values))


def running(url: str | None) -> list[tuple[int, str, str | None, datetime | None, int]]:
    """Jobs in ``doing``: id, task, runner, claimed at, runs started."""
    with unit_of_work(url) as session:
        rows = session.execute(
            select(
                QueuedJob.id, QueuedJob.task, QueuedJob.locked_by, QueuedJob.locked_at, QueuedJob.attempts
            ).where(QueuedJob.status == "doing")
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def release(url: str | None, job_id: int, runner: str | None, retry: bool, error: str) -> bool:
    """A stalled job (its runner died) back to ``todo`` (or ``failed``), if still held by it."""
    values: dict[str, Any] = {"locked_by": None, "locked_at": None, "last_error": error}
    values.update({"status": "todo", "run_at": wall_now()} if retry else {"status": "failed"})
    with unit_of_work(url) as session:
        done = session.execute(
            update(QueuedJob)
            .where(QueuedJob.id == job_id, QueuedJob.status == "doing", QueuedJob.locked_by == runner)
            .values(**values)
        )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def claim_tick(url: str | None, name: str, tick: int, pending: PendingJob) -> bool:
    """Enqueue ``pending`` for schedule ``name`` at ``tick`` unless some runner already did."""
    with unit_of_work(url) as session:
        moved = session.execute(
            update(JobSchedule)
            .where(JobSchedule.name == name, JobSchedule.last_tick < tick)
            .values(last_tick=tick)
        ).rowcount  # type: ignore[attr-defined]
        if not moved:
            known = session.scalar(select(func.count()).where(JobSchedule.name == name))
            if known:
                return False
            session.execute(sqlite.insert(S).values(name=name, last_tick=tick).on_conflict_do_nothing())  # type: ignore[arg-type]
        store(session, [pending])
    return True


@dataclass(frozen=True, slots=True)
class Waiting:
    task: str
    queue: str
    args: dict[str, Any]
    queueing_lock: str | None
    run_at: datetime


def take_waiting(connection: Connection, queues: list[str] | None, limit: int) -> list[Waiting]:
    """PostgreSQL relay: delete up to ``limit`` waiting jobs (oldest first) and return them; rows
    another relay has locked are skipped.  The caller's transaction decides whether they go."""
    batch = select(QueuedJob.id).where(QueuedJob.status == "todo").order_by(QueuedJob.id).limit(limit)
    if queues:
        batch = batch.where(QueuedJob.queue.in_(queues))
    batch = batch.with_for_update(skip_locked=True)
    rows = connection.execute(
        delete(QueuedJob)
        .where(QueuedJob.id.in_(batch.scalar_subquery()))
        .returning(
            QueuedJob.id,
            QueuedJob.task,
            QueuedJob.queue,
            QueuedJob.args,
            QueuedJob.queueing_lock,
            QueuedJob.run_at,
        )
    ).all()
    return [
        Waiting(r.task, r.queue, dict(r.args), r.queueing_lock, r.run_at)
        for r in sorted(rows, key=lambda r: r.id)
    ]


def counts(url: str | None = None) -> dict[str, int]:
    with unit_of_work(url) as session:
        rows = session.execute(select(QueuedJob.status, func.count()).group_by(QueuedJob.status)).all()
    return {status: int(n) for status, n in rows}


def savepoint(connection: Connection, name: str) -> None:
    connection.exec_driver_sql(f"SAVEPOINT {name}")


def release_savepoint(connection: Connection, name: str, *, rollback: bool) -> None:
    if rollback:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")
    connection.exec_driver_sql(f"RELEASE SAVEPOINT {name}")


def table_comment(connection: Connection, table: str) -> str | None:
    """PostgreSQL: the comment on ``table`` in the current schema (None if none or no table)."""
    return connection.scalar(text("SELECT obj_description(to_regclass(:t), 'pg_class')"), {"t": table})


def set_table_comment(connection: Connection, table: str, comment: str) -> None:
    quoted = comment.replace("'", "''")
    connection.exec_driver_sql(f"COMMENT ON TABLE {table} IS '{quoted}'")
