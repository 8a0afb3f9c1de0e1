"""Looking into the job queues of both backends, and a procrastinate worker run in a thread."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import func, select, text

from zhizhi.core import audit
from zhizhi.core.db import get_engine, session_factory

T = TypeVar("T")


def backend() -> str:
    return get_engine().dialect.name


def queued(task: str | None = None) -> list[dict[str, Any]]:
    """Jobs in the queue (any status): task, status, args, attempts; on PostgreSQL those handed
    over to procrastinate, then those still waiting in ``job_queue`` for a worker's relay."""
    sql = "SELECT task, status, args, attempts FROM job_queue ORDER BY id"
    with get_engine().connect() as conn:
        rows = []
        if backend() == "postgresql":
            rows = [
                dict(r._mapping)
                for r in conn.execute(
                    text(
                        "SELECT task_name AS task, status::text AS status, args, attempts "
                        "FROM procrastinate_jobs ORDER BY id"
                    )
                )
            ]
        rows += [dict(r._mapping) for r in conn.execute(text(sql))]
    for row in rows:
        if isinstance(row["args"], str):  # SQLite returns the JSON text through raw SQL
            import json

            row["args"] = json.loads(row["args"])
    return [r for r in rows if task is None or r["task"] == task]


def run_due(url: str, queues: list[str]) -> None:
    """Run every job of ``queues`` that is due now through the backend's own runner, then return."""
    if backend() == "postgresql":
        from zhizhi.core.jobs import pg

        pg.run_worker(url, queues=queues, once=True, poll_seconds=0.05)
    else:
        from zhizhi.core.jobs import local

        local.Runner(url, queues=queues, schedules=False).run_until_idle()


def effects(token: str) -> int:
    """Committed ``test.job_effect`` entries for ``token``, chained or waiting in the inbox."""
    with session_factory()() as s:
        chained = s.scalar(
            select(func.count())
            .select_from(audit.AuditEntry)
            .where(audit.AuditEntry.action == "test.job_effect", audit.AuditEntry.object_id == token)
        )
        waiting = s.scalar(
            select(func.count())
            .select_from(audit.AuditInbox)
            .where(audit.AuditInbox.action == "test.job_effect", audit.AuditInbox.object_id == token)
        )
    return int(chained or 0) + int(waiting or 0)


def wait_for(check: Callable[[], T], what: str, timeout: float = 60.0) -> T:
    """Poll ``check`` until it returns something truthy; fail naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


@contextmanager
def pg_worker(url: str, queues: list[str], **options: Any) -> Iterator[None]:
    """A procrastinate worker (``core.jobs.pg.serve``) on its own event loop in a thread."""
    from zhizhi.core.jobs import pg

    app = pg.build_app(url)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.Task[None]] = {}

    async def main() -> None:
        async with app.open_async():
            started.set()
            await pg.serve(app, url, queues=queues, **options)

    def run() -> None:
        asyncio.set_event_loop(loop)
        holder["task"] = loop.create_task(main())
        try:
            loop.run_until_complete(holder["task"])
        except asyncio.CancelledError:
            pass
        finally:
            loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(30)
    try:
        yield
    finally:
        loop.call_soon_threadsafe(holder["task"].cancel)
        thread.join(30)
