"""All SQL of the job queue: ``job_queue`` (the enqueue, on PostgreSQL riding on the ``COMMIT``),
the local runner's claims and ``job_schedules`` ticks, and on PostgreSQL the relay's hand-over
(``take_waiting``, SAVEPOINTs), ``ANALYZE`` and the procrastinate schema mark."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import psycopg
from sqlalchemy import Connection, Engine, delete, event, func, select, text, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from zhizhi.core.db import unit_of_work
from zhizhi.core.jobs.models import JobSchedule, QueuedJob

if TYPE_CHECKING:
    from zhizhi.core.jobs.queue import PendingJob

S = JobSchedule.__table__


def wall_now() -> datetime:
    """Queue time is wall-clock time, not ``core.clock`` (which tests freeze)."""
    return datetime.now(UTC)


def store(session: Session, pending: list[PendingJob]) -> None:
    """Write jobs with the session's transaction (both databases); a job whose queueing lock is
    held by a waiting job is skipped (``ON CONFLICT DO NOTHING`` on the partial unique index).

    SQLite: inserted now.  PostgreSQL (a session bound to an engine): the insert is sent in one
    round trip together with the transaction's ``COMMIT`` (:func:`_commit_with_jobs`) — as an
    extra statement it cost the intake more than the insert itself (docs/jobs.md)."""
    if not pending:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        now = _sqlite_time(wall_now())
        rows = [
            (
                job.spec.name,
                job.spec.queue,
                json.dumps(job.kwargs, ensure_ascii=False),
                job.queueing_lock,
                _sqlite_time(job.schedule_at) if job.schedule_at else now,
                now,
            )
            for job in pending
        ]
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:  # a fixed driver statement: SQLAlchemy's insert machinery cost more than the insert
            cursor.executemany(_SQLITE_STORE, rows)
        finally:
            cursor.close()
        return
    statement = _pg_insert(connection, pending)
    if isinstance(session.get_bind(), Engine):  # the session owns the transaction: ride its COMMIT
        _riders.setdefault(connection, []).append(statement)
    else:  # bound to someone else's connection: its commit is not ours to carry
        connection.exec_driver_sql(statement.decode())


_SQLITE_STORE = (
    "INSERT INTO job_queue (task, queue, args, status, queueing_lock, run_at, attempts, created_at) "
    "VALUES (?, ?, ?, 'todo', ?, ?, 0, ?) ON CONFLICT DO NOTHING"
)


def _sqlite_time(moment: datetime) -> str:
    """The text SQLAlchemy's SQLite DATETIME stores (naive UTC, microseconds always written)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


# Inserts waiting for their connection's COMMIT (PostgreSQL); keyed by the SQLAlchemy Connection
# of one transaction, dropped with it or by a rollback.
_riders: WeakKeyDictionary[Connection, list[bytes]] = WeakKeyDictionary()
_prefixes: dict[tuple[str, str], bytes] = {}  # (task, queue) → "(task literal, queue literal, "


def _pg_insert(connection: Connection, pending: list[PendingJob]) -> bytes:
    """One INSERT with the values as literals escaped by libpq (``PQescapeLiteral``), so that it
    can travel with ``COMMIT`` in one simple-protocol query.  ``run_at`` and ``created_at`` are
    the transaction's ``now()`` unless the job has a ``schedule_at``."""
    dbapi = connection.connection.dbapi_connection
    assert isinstance(dbapi, psycopg.Connection)
    escape = psycopg.pq.Escaping(dbapi.pgconn).escape_literal
    values = []
    for job in pending:
        key = (job.spec.name, job.spec.queue)
        prefix = _prefixes.get(key)
        if prefix is None:
            prefix = _prefixes[key] = b"(" + escape(key[0].encode()) + b", " + escape(key[1].encode()) + b", "
        args = escape(json.dumps(job.kwargs, ensure_ascii=False).encode())
        lock = b"NULL" if job.queueing_lock is None else escape(job.queueing_lock.encode())
        run_at = (
            b"now()"
            if job.schedule_at is None
            else escape(job.schedule_at.isoformat().encode()) + b"::timestamptz"
        )
        values.append(prefix + args + b"::jsonb, 'todo', " + lock + b", " + run_at + b", 0, now())")
    return (
        b"INSERT INTO job_queue (task, queue, args, status, queueing_lock, run_at, attempts, created_at)"
        b" VALUES " + b", ".join(values) + b" ON CONFLICT DO NOTHING"
    )


@event.listens_for(Engine, "commit")
def _commit_with_jobs(connection: Connection) -> None:
    """Right before SQLAlchemy commits: send the waiting inserts and ``COMMIT`` as one query.  A
    failing insert aborts the transaction (the COMMIT is not run) and the error propagates to
    the session, which rolls back.  psycopg's own commit that follows finds no transaction open
    and does nothing."""
    statements = _riders.pop(connection, None)
    if not statements:
        return
    dbapi = connection.connection.dbapi_connection
    assert isinstance(dbapi, psycopg.Connection)
    with dbapi.cursor() as cursor:  # no parameters: the simple protocol runs several statements
        cursor.execute(b"; ".join([*statements, b"COMMIT"]))


@event.listens_for(Engine, "rollback")
def _rollback(connection: Connection) -> None:
    _riders.pop(connection, None)


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
    run_at: datetime | None  # None: as soon as possible


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
            QueuedJob.created_at,
        )
    ).all()
    return [  # procrastinate gets a scheduled_at only for jobs meant for later
        Waiting(r.task, r.queue, dict(r.args), r.queueing_lock, r.run_at if r.run_at > r.created_at else None)
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


def analyze(connection: Connection, table: str) -> None:
    """PostgreSQL: refresh the planner statistics of ``table`` (committed by the caller)."""
    connection.exec_driver_sql(f"ANALYZE {table}")
    connection.commit()
