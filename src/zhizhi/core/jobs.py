"""Work deferred until after the current transaction commits (never for rolled-back work).

``defer(session, func, *args)`` queues ``func(*args)``; when the session commits, each job runs in
its own unit of work — inline (tests, CLI; ``ZHIZHI_JOBS_INLINE=true``) or on a two-thread pool in
the web process with a bounded backlog (a burst beyond it drops jobs with a warning). A job that
fails or is dropped never affects the committed request; every job must be safe to redo later
(AI suggestions are computed on first view when missing).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from zhizhi.core.db import register_pending
from zhizhi.core.settings import get_settings

log = logging.getLogger("zhizhi.jobs")
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_pending_futures: set[Future[Any]] = set()
MAX_BACKLOG = 500  # beyond this, background jobs are dropped (logged); callers must tolerate it
dropped = 0

Job = tuple[Callable[..., Any], tuple[Any, ...]]
register_pending("jobs_pending")


_force_inline = threading.local()


@contextmanager
def inline() -> Iterator[None]:
    """Run jobs committed inside this block inline (CLI commands, loaders)."""
    previous = getattr(_force_inline, "on", False)
    _force_inline.on = True
    try:
        yield
    finally:
        _force_inline.on = previous


def runs_inline() -> bool:
    """Whether post-commit work runs in the committing thread (tests, CLI commands, loaders)."""
    return get_settings().jobs_inline or getattr(_force_inline, "on", False)


def defer(session: Session, func: Callable[..., Any], *args: Any) -> None:
    jobs: list[Job] = session.info.setdefault("jobs_pending", [])
    jobs.append((func, args))


def _run(func: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        func(*args)
    except Exception:  # pragma: no cover - logged, retried by sweepers
        log.exception("deferred job %s failed", getattr(func, "__name__", func))


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="zhizhi-job")
        return _pool


def drain(timeout: float = 30.0) -> None:
    """Wait for background jobs (tests and shutdown)."""
    for fut in list(_pending_futures):
        fut.result(timeout=timeout)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a SAVEPOINT was released: the real commit is still to come
        return
    jobs: list[Job] = session.info.pop("jobs_pending", [])
    if not jobs:
        return
    run_inline = runs_inline()
    for func, args in jobs:
        if run_inline:
            _run(func, args)
        elif len(_pending_futures) >= MAX_BACKLOG:
            global dropped
            dropped += 1
            log.warning("job backlog full (%d): dropped %s", MAX_BACKLOG, getattr(func, "__name__", func))
        else:
            fut = _executor().submit(_run, func, args)
            _pending_futures.add(fut)
            fut.add_done_callback(_pending_futures.discard)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("jobs_pending", None)
