"""The audit chain under concurrent writers, and the PostgreSQL inbox + sealer path."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from zhizhi.core import audit, sealer
from zhizhi.core.db import get_engine, session_factory, unit_of_work
from zhizhi.core.settings import get_settings


def _counts() -> tuple[audit.VerifyResult, int]:
    with session_factory()() as s:
        return audit.verify(s), audit.pending_count(s)


def _write_concurrently(threads: int, each: int) -> None:
    barrier = threading.Barrier(threads)

    def run(t: int) -> None:
        barrier.wait()
        for i in range(each):
            with unit_of_work() as s:
                audit.record(s, "test.concurrent", audit.Actor(t, f"writer{t}"), object_id=f"{t}-{i}", i=i)

    workers = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)


def test_concurrent_writers_leave_one_intact_chain(db: str) -> None:
    _write_concurrently(4, 10)
    result, waiting = _counts()
    assert result.ok, result.problem
    assert (result.count, waiting) == (40, 0)


@pytest.mark.postgres_only  # SQLite chains inside the writing transaction: no sealer
def test_background_sealer_chains_commits_from_many_threads(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_engine().dialect.name == "postgresql"
    monkeypatch.setattr(get_settings(), "jobs_inline", False)
    sealer.start(get_engine())  # as `zhizhi worker` does; commits of this process wake it
    try:
        _write_concurrently(4, 10)
        deadline = time.monotonic() + 20
        result, waiting = _counts()
        while (waiting or result.count < 40) and time.monotonic() < deadline:
            time.sleep(0.05)
            result, waiting = _counts()
    finally:
        sealer.stop(get_engine())
    assert result.ok, result.problem
    assert (result.count, waiting) == (40, 0)
    with session_factory()() as s:
        objects = {e.object_id for e in s.scalars(select(audit.AuditEntry))}
    assert objects == {f"{t}-{i}" for t in range(4) for i in range(10)}  # each entry exactly once


@pytest.mark.postgres_only
def test_without_a_sealer_entries_wait_committed_and_a_worker_sealer_polls_them_in(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Web processes run no sealer: their entries wait in the inbox until a worker's sealer,
    which polls the inbox, chains them."""
    monkeypatch.setattr(get_settings(), "jobs_inline", False)
    with unit_of_work() as s:
        audit.record(s, "test.web_write", audit.Actor.system(), object_id="w")
    result, waiting = _counts()
    assert result.ok and (result.count, waiting) == (0, 1)
    sealer.start(get_engine())
    try:
        deadline = time.monotonic() + 20
        while _counts()[1] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sealer.stop(get_engine())
    result, waiting = _counts()
    assert result.ok and (result.count, waiting) == (1, 0)


@pytest.mark.postgres_only  # SQLite never uses the inbox
def test_entries_a_crashed_process_left_in_the_inbox_are_chained_by_the_next_seal(db: str) -> None:
    assert get_engine().dialect.name == "postgresql"
    with unit_of_work() as s:
        audit.record(s, "test.before", audit.Actor.system())
    at = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    with get_engine().begin() as conn:  # committed, never sealed: its process died right after commit
        conn.execute(
            insert(audit.AuditInbox),
            [{"at": at, "actor": "ghost", "action": "test.orphan", "detail": {"n": n}} for n in range(3)],
        )
    result, waiting = _counts()
    assert result.ok and (result.count, result.pending, waiting) == (1, 3, 3)
    assert sealer.request(get_engine()) is None  # inline mode in tests: seals now
    result, waiting = _counts()
    assert result.ok and (result.count, waiting) == (4, 0)
    with session_factory()() as s:
        newest = s.get(audit.AuditEntry, 4)
        assert newest is not None and newest.action == "test.orphan" and newest.detail == {"n": 2}


@pytest.mark.postgres_only  # the sealer's one-statement move is PostgreSQL's
def test_a_seal_moves_each_entry_whole_in_inbox_order_or_nothing(db: str) -> None:
    at = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    items = [
        {
            "at": at,
            "actor_id": None,
            "actor": "系统",
            "action": "test.a",
            "object_type": None,
            "object_id": None,
            "detail": {},
        },
        {
            "at": at,
            "actor_id": 7,
            "actor": "handler",
            "action": "test.b",
            "object_type": "case",
            "object_id": "20261122000001",
            "detail": {"备注": "已联系\u2028维保", "n": [1, {"x": None}]},
        },
        {
            "at": at,
            "actor_id": 8,
            "actor": "agent",
            "action": "test.c",
            "object_type": "case",
            "object_id": "x",
            "detail": {"k": 1.5},
        },
    ]
    with get_engine().begin() as conn:
        conn.execute(insert(audit.AuditInbox), items)
        # a row already at the second entry's place: the move must fail as a whole
        conn.execute(
            insert(audit.AuditEntry),
            {
                "seq": 2,
                "at": at,
                "actor": "x",
                "action": "x",
                "detail": {},
                "prev_hash": "0",
                "hash": "f" * 64,
            },
        )
    with pytest.raises(IntegrityError), get_engine().begin() as conn:
        audit.seal(conn)
    with session_factory()() as s:
        assert audit.pending_count(s) == 3  # nothing taken from the inbox, the head not moved
        assert s.scalar(select(audit.AuditHead.seq)) == 0
        s.execute(audit.ENTRIES.delete())
        s.commit()
    with get_engine().begin() as conn:
        assert audit.seal(conn) == 3
    result, waiting = _counts()
    assert result.ok and (result.count, waiting) == (3, 0)
    with session_factory()() as s:
        chained = s.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.seq)).all()
        fields = [{f: getattr(e, f) for f in items[0]} for e in chained]
        assert fields == items
        assert s.scalar(select(audit.AuditHead.hash)) == chained[-1].hash
