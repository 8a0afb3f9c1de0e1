"""Each kind of tampering with the keyed chain is named (SQLite and PostgreSQL), a rewrite with
the key is caught by the signed checkpoints, and a missing or wrong key stops start-up."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from zhizhi.core import anchor, audit, auditkey, auditverify
from zhizhi.core.crypto import SM3_BACKEND
from zhizhi.core.db import get_engine, session_factory, unit_of_work


def _write(n: int) -> None:
    for i in range(n):
        with unit_of_work() as s:
            audit.record(s, "test.write", audit.Actor(1, "tester"), object_type="thing", object_id=i, n=i)


def _kinds() -> list[tuple[str, int | None]]:
    """The findings of the single walk, checked equal to those of a walk in three processes
    whose ranges split the short test chains (every join is exercised by some kind)."""
    with session_factory()() as s:
        single = [(f.kind, f.seq, f.message) for f in audit.verify(s).findings]
    with session_factory()() as s:
        result = auditverify.verify_chain(s, workers=3, min_per_worker=1)
        parallel = [(f.kind, f.seq, f.message) for f in result.findings]
    assert parallel == single
    return [(kind, seq) for kind, seq, _ in single]


def _exec(sql: str, **params: Any) -> None:
    with unit_of_work() as s:
        s.execute(text(sql), params)


def _rehash_from(seq: int) -> None:
    """What someone holding the key can do: recompute every MAC from ``seq`` on, and the head."""
    ring = auditkey.load()
    with unit_of_work() as s:
        prev = s.scalar(text("SELECT hash FROM audit_log WHERE seq = :q"), {"q": seq - 1}) or audit.GENESIS
        rows = s.scalars(text("SELECT seq FROM audit_log WHERE seq >= :q ORDER BY seq"), {"q": seq}).all()
        last = seq - 1
        for q in rows:
            e = s.get(audit.AuditEntry, q)
            assert e is not None
            item = {
                c: getattr(e, c)
                for c in ("at", "actor_id", "actor", "action", "object_type", "object_id", "detail")
            }
            e.prev_hash = prev
            e.hash = audit.entry_hash(prev, q, item, ring.active_id, ring.active)
            prev, last = e.hash, q
            s.flush()
        s.execute(text("UPDATE audit_head SET seq = :q, hash = :h"), {"q": last, "h": prev})


class TestHmacSm3:
    def test_openssl_and_gmssl_agree(self) -> None:
        for key, data in ((b"k", b""), (b"zhizhi" * 20, "智治".encode() * 50), (b"\x00" * 64, b"abc")):
            assert auditkey.hmac_sm3(key, data) == auditkey.gmssl_hmac_sm3(key, data)
        assert SM3_BACKEND == "openssl"  # this machine's OpenSSL has SM3 (the fallback is cross-checked)


class TestEachKind:
    def test_intact(self, db: str) -> None:
        _write(4)
        assert _kinds() == []

    def test_edited(self, db: str) -> None:
        _write(5)
        _exec("UPDATE audit_log SET detail = :d WHERE seq = 3", d=json.dumps({"n": 99}))
        assert _kinds() == [("entry_edited", 3)]

    def test_deleted(self, db: str) -> None:
        _write(5)
        _exec("DELETE FROM audit_log WHERE seq = 2")
        assert _kinds() == [("entry_deleted", 2)]

    def test_deleted_and_renumbered(self, db: str) -> None:
        _write(5)
        _exec("DELETE FROM audit_log WHERE seq = 2")
        for q in (3, 4, 5):
            _exec("UPDATE audit_log SET seq = seq - 1 WHERE seq = :q", q=q)
        assert _kinds() == [("entry_deleted", 2), ("chain_truncated", 5)]

    def test_inserted_beyond_the_head(self, db: str) -> None:
        _write(3)
        _exec(
            "INSERT INTO audit_log (seq, at, actor, action, detail, prev_hash, hash, key_id) "
            "SELECT 4, at, actor, 'forged', detail, hash, :h, key_id FROM audit_log WHERE seq = 3",
            h="f" * 64,
        )
        assert _kinds() == [("entry_inserted", 4)]

    def test_inserted_in_the_middle(self, db: str) -> None:
        _write(5)
        for q in (5, 4, 3):
            _exec("UPDATE audit_log SET seq = seq + 1 WHERE seq = :q", q=q)
        _exec(
            "INSERT INTO audit_log (seq, at, actor, action, detail, prev_hash, hash, key_id) "
            "SELECT 3, at, actor, 'forged', detail, hash, :h, key_id FROM audit_log WHERE seq = 2",
            h="f" * 64,
        )
        assert _kinds() == [("entry_inserted", 3)]

    def test_reordered(self, db: str) -> None:
        _write(5)
        _exec("UPDATE audit_log SET seq = 100 WHERE seq = 2")
        _exec("UPDATE audit_log SET seq = 2 WHERE seq = 3")
        _exec("UPDATE audit_log SET seq = 3 WHERE seq = 100")
        assert _kinds() == [("entries_reordered", 2)]

    def test_newest_deleted(self, db: str) -> None:
        _write(4)
        _exec("DELETE FROM audit_log WHERE seq = 4")
        assert _kinds() == [("chain_truncated", 4)]

    def test_unknown_key(self, db: str) -> None:
        _write(3)
        _exec("UPDATE audit_log SET key_id = 'k99' WHERE seq = 2")
        assert _kinds() == [("unknown_key", 2)]


class TestAnchors:
    def test_truncate_and_rehash_with_the_key_is_caught_by_the_checkpoint(self, db: str) -> None:
        _write(6)
        item = anchor.checkpoint(get_engine())
        assert (item["seq"], item["count"]) == (6, 6)
        _exec("DELETE FROM audit_log WHERE seq >= 4")
        _rehash_from(4)  # nothing to rehash after 3; the head is moved back to entry 3
        assert _kinds() == [("chain_truncated", 6)]

    def test_rewrite_with_the_key_back_past_a_checkpoint_is_caught(self, db: str) -> None:
        _write(4)
        anchor.checkpoint(get_engine())
        _write(2)
        _exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
        _rehash_from(2)
        assert _kinds() == [("chain_rewritten", 4)]

    def test_rewrite_after_the_last_checkpoint_needs_the_next_one(self, db: str) -> None:
        _write(4)
        anchor.checkpoint(get_engine())
        _write(2)
        _exec("UPDATE audit_log SET actor = 'mallory' WHERE seq = 6")
        _rehash_from(6)
        assert _kinds() == []  # the window between checkpoints (docs/audit.md)

    def test_forged_checkpoint_is_named(self, db: str) -> None:
        _write(2)
        anchor.checkpoint(get_engine())
        path = Path(anchor.get_settings().audit_anchor_file)
        line = json.loads(path.read_text())
        line["seq"] = 1
        path.write_text(json.dumps(line) + "\n")
        assert _kinds() == [("anchor_invalid", None)]

    def test_the_schedule_is_registered(self) -> None:
        from zhizhi import registry
        from zhizhi.core.jobs import registry as jobs_registry

        registry.install()
        assert jobs_registry.spec("audit.anchor").name == "audit.anchor"
        schedule = anchor.anchor_schedule()
        assert schedule is not None and schedule.cron == "*/10 * * * *"


class _Store(BaseHTTPRequestHandler):
    items: list[dict[str, Any]] = []  # noqa: RUF012

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.items.append(json.loads(body))
        self.send_response(201)
        self.end_headers()

    def do_GET(self) -> None:
        data = json.dumps(self.items).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from zhizhi.core.settings import get_settings

    _Store.items = []
    server = HTTPServer(("127.0.0.1", 0), _Store)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/anchors"
    monkeypatch.setenv("ZHIZHI_AUDIT_ANCHOR_URL", url)
    get_settings.cache_clear()
    yield url
    server.shutdown()
    get_settings.cache_clear()


class TestHttpAdapter:
    def test_checkpoints_go_to_the_other_system_and_verify_reads_them(self, db: str, http_store: str) -> None:
        _write(3)
        anchor.checkpoint(get_engine())
        assert [(i["seq"], i["count"], i["alg"]) for i in _Store.items] == [(3, 3, "SM2-SM3")]
        with session_factory()() as s:
            assert audit.verify(s).anchors == 1
        _exec("DELETE FROM audit_log WHERE seq = 3")
        _exec("UPDATE audit_head SET seq = 2, hash = (SELECT hash FROM audit_log WHERE seq = 2)")
        assert _kinds() == [("chain_truncated", 3)]


class TestKeys:
    def test_missing_key_file_stops_with_both_languages(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from zhizhi.core.settings import get_settings

        monkeypatch.setenv("ZHIZHI_AUDIT_KEY_FILE", str(tmp_path / "none.key"))
        get_settings.cache_clear()
        try:
            with pytest.raises(auditkey.AuditKeyError) as caught:
                audit.require_key(get_engine())
            assert "不存在" in caught.value.zh and "does not exist" in caught.value.en
        finally:
            get_settings.cache_clear()

    def test_wrong_key_stops_start_up(self, db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        from zhizhi.core.settings import get_settings

        _write(2)
        other = tmp_path / "other.key"
        auditkey.create(other)
        monkeypatch.setenv("ZHIZHI_AUDIT_KEY_FILE", str(other))
        get_settings.cache_clear()
        try:
            with pytest.raises(auditkey.AuditKeyError) as caught:
                audit.require_key(get_engine())
            assert "审计密钥错误" in caught.value.zh and "wrong audit key" in caught.value.en
        finally:
            get_settings.cache_clear()

    def test_rotation_keeps_old_entries_verifying(
        self, db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from zhizhi.core.settings import get_settings

        path = tmp_path / "rot.key"
        auditkey.create(path)
        monkeypatch.setenv("ZHIZHI_AUDIT_KEY_FILE", str(path))
        get_settings.cache_clear()
        try:
            _write(2)
            assert auditkey.rotate() == "k2"
            _write(2)
            with session_factory()() as s:
                keys = s.scalars(text("SELECT key_id FROM audit_log ORDER BY seq")).all()
            assert keys == ["k1", "k1", "k2", "k2"]
            assert _kinds() == []
            assert audit.rekey(get_engine()) == 4
            with session_factory()() as s:
                assert s.scalars(text("SELECT DISTINCT key_id FROM audit_log")).all() == ["k2"]
            assert _kinds() == []
        finally:
            get_settings.cache_clear()

    def test_legacy_unkeyed_chain_is_rekeyed(self, db: str) -> None:
        _write(3)
        with unit_of_work() as s:  # as migration 0011 finds it: plain SM3, no key id
            prev = audit.GENESIS
            for q in (1, 2, 3):
                e = s.get(audit.AuditEntry, q)
                assert e is not None
                item = {
                    c: getattr(e, c)
                    for c in ("at", "actor_id", "actor", "action", "object_type", "object_id", "detail")
                }
                e.key_id, e.prev_hash = None, prev
                e.hash = audit.entry_hash(prev, q, item, None, None)
                prev = e.hash
                s.flush()
            s.execute(text("UPDATE audit_head SET hash = :h"), {"h": prev})
        assert _kinds() == [("unkeyed", None)]
        with pytest.raises(auditkey.AuditKeyError):
            audit.require_key(get_engine())
        assert audit.rekey(get_engine()) == 3
        assert _kinds() == []
        assert audit.require_key(get_engine()) == "k1"


class TestStartUp:
    def test_web_app_and_worker_refuse_to_start_without_the_key(
        self, db: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        from fastapi.testclient import TestClient
        from typer.testing import CliRunner

        from zhizhi.cli.main import app as cli
        from zhizhi.core.settings import get_settings
        from zhizhi.web.app import create_app

        monkeypatch.setenv("ZHIZHI_AUDIT_KEY_FILE", str(tmp_path / "gone.key"))
        get_settings.cache_clear()
        try:
            with pytest.raises(auditkey.AuditKeyError), TestClient(create_app()):
                pass
            result = CliRunner().invoke(cli, ["worker", "--once"])
            assert result.exit_code == 2
            assert "审计密钥文件" in result.output
            assert "zhizhi audit init-key" in result.output
        finally:
            get_settings.cache_clear()


class TestParallelWalk:
    @pytest.mark.postgres_only
    def test_ranges_read_the_callers_snapshot(self, db: str) -> None:
        """Entries chained after the caller's snapshot was taken are seen by no range: the
        processes read the exported snapshot, not what is committed when they start."""
        _write(5)
        with session_factory()() as s:
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            assert s.scalar(text("SELECT count(*) FROM audit_log")) == 5  # the snapshot is taken here
            _write(3)
            result = auditverify.verify_chain(s, workers=3, min_per_worker=1)
        assert (result.ok, result.count) == (True, 5)
        with session_factory()() as s:
            assert auditverify.verify_chain(s, workers=3, min_per_worker=1).count == 8

    def test_ranges_split_the_chain(self) -> None:
        from zhizhi.core.auditsegments import _bounds

        assert _bounds(10, 3) == [(0, 4), (4, 8), (8, None)]
        assert _bounds(1_000_000, 2) == [(0, 500_000), (500_000, None)]
