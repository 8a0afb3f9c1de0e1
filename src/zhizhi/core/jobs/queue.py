"""``enqueue``: a job joins the caller's unit of work; it exists if and only if that commits.

Jobs are collected on the session and written into ``job_queue`` just before the commit, inside
the same transaction (one narrow insert for all of them); on SQLite the local runner runs them
from there, on PostgreSQL each worker hands them over to procrastinate (``core.jobs.pg``).  A
rollback (or a rolled-back SAVEPOINT, ``core.db.savepoint``) forgets them.  In inline mode
(tests, CLI loaders: ``ZHIZHI_JOBS_INLINE=true`` or :func:`inline`) nothing is written: each
job runs in the committing thread right after the commit, once, in its own unit of work; a
failure is logged and never affects the committed work.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from zhizhi.core.db import register_pending
from zhizhi.core.jobs import registry
from zhizhi.core.settings import get_settings

log = logging.getLogger("zhizhi.jobs")
PENDING = "jobs_pending"
WRITTEN = "jobs_written"
register_pending(PENDING)


@dataclass(frozen=True, slots=True)
class PendingJob:
    spec: registry.TaskSpec
    kwargs: dict[str, Any]
    queueing_lock: str | None = None
    schedule_at: datetime | None = None


_force_inline = threading.local()


@contextmanager
def inline() -> Iterator[None]:
    """Run the jobs of units of work committed inside this block inline (CLI loaders)."""
    previous = getattr(_force_inline, "on", False)
    _force_inline.on = True
    try:
        yield
    finally:
        _force_inline.on = previous


def runs_inline() -> bool:
    """Whether jobs (and audit sealing) run in the committing thread: tests, CLI loaders."""
    return get_settings().jobs_inline or getattr(_force_inline, "on", False)


def enqueue(
    session: Session,
    task: str | Callable[..., Any],
    *,
    queueing_lock: str | None = None,
    schedule_at: datetime | None = None,
    **kwargs: Any,
) -> None:
    """Queue ``task(**kwargs)`` with the session's unit of work.

    ``queueing_lock``: while a job with the same lock waits in the queue (not yet started),
    another one is not added (deduplication).  ``schedule_at`` (aware): not run before then.
    Arguments must be JSON values; the task must be declared (a ``KeyError`` otherwise).
    """
    spec = registry.spec(task)
    try:
        json.dumps(kwargs)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"arguments of job {spec.name} must be JSON values: {exc}") from exc
    if schedule_at is not None and schedule_at.tzinfo is None:
        raise ValueError("schedule_at must be an aware datetime")
    job = PendingJob(spec, kwargs, queueing_lock, schedule_at)
    session.info.setdefault(PENDING, []).append(job)


def run_now(job: PendingJob) -> None:
    """Run one job in this thread (inline mode); a failure is logged, never raised."""
    try:
        job.spec.func(**job.kwargs)
    except Exception:
        log.exception("inline job %s failed", job.spec.name)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # releasing a SAVEPOINT: the real commit is still to come
        return
    pending: list[PendingJob] | None = session.info.get(PENDING)
    if not pending or runs_inline():
        return
    from zhizhi.core.jobs import repository

    repository.store(session, pending)  # PostgreSQL: a worker relays it to procrastinate
    session.info[PENDING] = []
    session.info[WRITTEN] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    pending: list[PendingJob] = session.info.pop(PENDING, None) or []
    if session.info.pop(WRITTEN, False):
        from zhizhi.core.jobs import local

        local.wake()  # a runner of this process (SQLite) starts at once instead of at its next poll
    for job in pending:  # left on the session only in inline mode
        run_now(job)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT: core.db.savepoint restores the list
        return
    session.info.pop(PENDING, None)
    session.info.pop(WRITTEN, None)
