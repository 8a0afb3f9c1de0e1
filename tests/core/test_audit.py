"""The keyed (HMAC-SM3) audit chain: intact chains verify; altered, deleted, reordered entries are named."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from zhizhi.core import audit
from zhizhi.core.crypto import gmssl_sm3_hex, sm3_hex
from zhizhi.core.db import session_factory, unit_of_work


def _write(n: int) -> None:
    for i in range(n):
        with unit_of_work() as s:
            audit.record(
                s, "test.write", audit.Actor(1, "tester"), object_type="thing", object_id=i, n=i, note="测试"
            )


def _verify() -> audit.VerifyResult:
    with session_factory()() as s:
        return audit.verify(s)


def _exec(sql: str, **params: Any) -> None:
    with unit_of_work() as s:
        s.execute(text(sql), params)


class TestChain:
    def test_sm3_backends_agree(self) -> None:
        for data in (b"", b"abc", "智治".encode() * 100):
            assert sm3_hex(data) == gmssl_sm3_hex(data)
        assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"

    def test_intact_chain_verifies(self, db: str) -> None:
        _write(5)
        result = _verify()
        assert result.ok and result.count == 5

    def test_rolled_back_work_leaves_no_entry(self, db: str) -> None:
        _write(2)
        s: Session = session_factory()()
        audit.record(s, "test.lost", audit.Actor.system())
        s.rollback()
        s.close()
        assert _verify().count == 2

    def test_altered_detail_is_named(self, db: str) -> None:
        _write(5)
        _exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
        result = _verify()
        assert not result.ok and result.bad_seq == 3 and "altered" in (result.problem or "")

    def test_deleted_middle_entry_is_named(self, db: str) -> None:
        _write(5)
        _exec("DELETE FROM audit_log WHERE seq = 2")
        result = _verify()
        assert not result.ok and result.bad_seq == 2 and "deleted" in (result.problem or "")

    def test_deleted_newest_entry_is_detected_by_the_head(self, db: str) -> None:
        _write(4)
        _exec("DELETE FROM audit_log WHERE seq = 4")
        result = _verify()
        assert not result.ok and result.bad_seq == 4

    def test_reordered_entries_are_named(self, db: str) -> None:
        _write(5)
        _exec("UPDATE audit_log SET seq = 100 WHERE seq = 2")
        _exec("UPDATE audit_log SET seq = 2 WHERE seq = 3")
        _exec("UPDATE audit_log SET seq = 3 WHERE seq = 100")
        result = _verify()
        assert not result.ok and result.bad_seq == 2

    def test_hash_recomputed_without_the_key_is_caught(self, db: str) -> None:
        _write(3)
        with unit_of_work() as s:
            entry = s.get(audit.AuditEntry, 2)
            assert entry is not None
            entry.detail = {"n": 99}
            entry.hash = audit.chain_hash(
                entry.prev_hash,
                audit.canonical(
                    entry.seq,
                    entry.at,
                    entry.actor_id,
                    entry.actor,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.detail,
                ),
            )
        result = _verify()  # plain SM3, as an attacker without the key computes it
        assert [(f.kind, f.seq) for f in result.findings] == [("entry_edited", 2)]


class TestSavepoints:
    def test_jobs_and_audit_wait_for_the_real_commit(self, db: str) -> None:
        from tests.core.job_tasks import record
        from tests.core.jobs_support import effects
        from zhizhi.core import jobs

        s: Session = session_factory()()
        with s.begin_nested():
            audit.record(s, "test.nested", audit.Actor.system())
            jobs.enqueue(s, record, token="nested")
        assert effects("nested") == 0 and _verify().count == 0  # nothing happened at the release
        s.commit()
        s.close()
        assert effects("nested") == 1 and _verify().count == 2  # the entry, then the job's own
