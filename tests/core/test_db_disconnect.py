"""PostgreSQL connections dropped by the server: idle ones are replaced, busy ones give a 503."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from tests.builders import World
from zhizhi.core import db as core_db
from zhizhi.core.db import get_engine

pytestmark = pytest.mark.postgres_only  # SQLite has no server to drop connections


def _pooled_backend_pid() -> int:
    with get_engine().connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


@contextmanager
def _admin() -> Iterator[Connection]:
    """A connection outside the pool, to kill server backends as an administrator would."""
    killer = create_engine(get_engine().url, poolclass=NullPool)
    try:
        with killer.connect() as conn:
            yield conn
    finally:
        killer.dispose()


def _terminate(pid: int) -> None:
    with _admin() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()


def _terminate_all_pooled() -> int:
    """Kill every other server backend of this test database (a server restart, as the pool sees it)."""
    sql = (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    with _admin() as conn:
        return len(conn.execute(text(sql)).all())


def test_idle_connection_killed_by_the_server_is_replaced(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = _pooled_backend_pid()
    _terminate(victim)
    monkeypatch.setattr(core_db, "PING_AFTER_IDLE_SECONDS", 0.0)  # every pooled connection counts as idle
    pool = get_engine().pool
    pooled = pool.checkedin()  # type: ignore[attr-defined]  # QueuePool
    assert pooled >= 1
    # hold every pooled connection at once, so the victim is among them wherever the FIFO pool
    # keeps it (checking out one at a time may never reach it and leave it for a later test)
    with ExitStack() as stack:
        held = [stack.enter_context(get_engine().connect()) for _ in range(pooled)]
        pids = {int(c.execute(text("SELECT pg_backend_pid()")).scalar_one()) for c in held}
    assert victim not in pids and len(pids) == pooled


def test_busy_connection_killed_by_the_server_gives_503_then_recovers(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        core_db, "PING_AFTER_IDLE_SECONDS", 3600.0
    )  # never ping: the drop is seen mid-request
    before = world.client.get("/api/v1/cases", headers=world.h("agent")).json()["total"]
    assert _terminate_all_pooled() >= 1  # whichever connection the next request checks out is dead
    statuses = []
    for _ in range(4):
        r = world.client.post(
            "/api/v1/cases",
            headers=world.h("agent"),
            json={"content": "断线测试：路灯不亮", "category": "CXJS"},
        )
        statuses.append(r.status_code)
        if r.status_code == 503:
            message = r.json()["message"]
            assert "数据库连接中断" in message["zh"] and "connection lost" in message["en"]
    assert statuses[0] == 503, statuses  # the first request hit a dead connection and said so
    assert statuses[-1] == 201, statuses  # the pool was renewed: later requests work
    after = world.client.get("/api/v1/cases", headers=world.h("agent")).json()["total"]
    assert after == before + statuses.count(201)  # the failed requests left nothing behind
