"""Key check values at start-up, `zhizhi keys rotate` (batches, resume, retirement) and the
migration of existing plaintext rows (both databases)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.scratch_db import scratch_database
from zhizhi.cases import service as case_service
from zhizhi.core import fieldcrypt
from zhizhi.core.db import get_engine, unit_of_work
from zhizhi.core.fieldcrypt import KeyConfigError
from zhizhi.keys import service as keys

KEY_FILE = Path(os.environ["ZHIZHI_DATA_KEYS_FILE"])


def _envelopes(table: str, column: str) -> list[str]:
    with get_engine().connect() as conn:
        return [v for (v,) in conn.execute(text(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"))]


def test_a_wrong_or_missing_key_file_stops_start_up(world: Any, own_keys: Path) -> None:
    from fastapi.testclient import TestClient

    from zhizhi.web.app import create_app

    world.create(contact_phone="13800003333")
    keys.startup()  # the database recorded the check values of this run's keys
    doc = fieldcrypt.new_key_document()  # another city's keys
    own_keys.write_text(json.dumps(doc), encoding="utf-8")
    fieldcrypt.reset()
    with pytest.raises(KeyConfigError) as caught:
        keys.startup()
    assert caught.value.zh.startswith("盲索引密钥与数据库记录的校验值不符")
    with pytest.raises(KeyConfigError, match="refusing to start"), TestClient(create_app()):
        pass
    doc["index_key"] = json.loads(KEY_FILE.read_text())["index_key"]  # right index key, wrong data key
    own_keys.write_text(json.dumps(doc), encoding="utf-8")
    fieldcrypt.reset()
    with pytest.raises(KeyConfigError, match="data key version 1 does not match this database"):
        keys.startup()
    own_keys.unlink()
    fieldcrypt.reset()
    with pytest.raises(KeyConfigError, match="not found"):
        keys.startup()
    r = world.client.post(  # and nothing is written in plaintext
        "/api/v1/cases", json={"kind": "appeal", "content": "x", "contact_phone": "13800004444"}
    )
    assert (r.status_code, r.json()["code"]) == (503, "data_keys_unavailable")
    assert r.json()["message"]["zh"].startswith("找不到数据密钥文件")
    assert [v for v in _envelopes("cases", "contact_phone") if not v.startswith("sm4g:1:")] == []


def test_rotation_re_encrypts_in_batches_resumes_and_retires(world: Any, own_keys: Path) -> None:
    numbers = [
        world.create(contact_phone=f"1380000{i:04d}", contact_name=f"王{i}")["number"] for i in range(7)
    ]
    keys.startup()
    stops = {"n": 0}

    def interrupt(table: str, last_id: int, changed: int) -> None:
        stops["n"] += 1
        if stops["n"] == 2:
            raise KeyboardInterrupt  # the operator stops it after two batches

    with pytest.raises(KeyboardInterrupt):
        keys.rotate(batch_size=3, grace=0, progress=interrupt)
    doc = json.loads(own_keys.read_text())
    assert (doc["active"], doc["keys"]["1"]["state"], doc["keys"]["2"]["state"]) == (2, "decrypt", "active")
    phones = _envelopes("cases", "contact_phone")
    assert sorted(v[:7] for v in phones) == ["sm4g:1:"] + ["sm4g:2:"] * 6  # two batches of 3
    # the platform keeps serving meanwhile, reading both versions and writing the new one
    assert world.get("agent", numbers[6])["contact_phone"] == "13800000006"
    new = world.create(contact_phone="13800009999")
    report = keys.rotate(batch_size=3, grace=0)
    assert report.resumed is True
    assert (report.to_version, report.left, report.retired) == (2, {}, [1])
    changed = {t: n for t, n in report.rows_changed.items() if n}
    # cases: 6 before the interruption, 1 after; the 7 acceptance texts of the outbox (notifications)
    assert changed == {"cases": 7, "outbox_messages": 7}
    assert sorted({v[:7] for v in _envelopes("cases", "contact_phone")}) == ["sm4g:2:"]
    assert sorted({v[:7] for v in _envelopes("cases", "contact_name")}) == ["sm4g:2:"]
    assert sorted({v[:7] for v in _envelopes("outbox_messages", "phone")}) == ["sm4g:2:"]
    assert sorted({v[:7] for v in _envelopes("outbox_messages", "body")}) == ["sm4g:2:"]
    doc = json.loads(own_keys.read_text())
    assert doc["keys"]["1"]["state"] == "retired" and "key" not in doc["keys"]["1"]
    assert (own_keys.stat().st_mode & 0o777) == 0o600
    for i, number in enumerate(numbers):
        assert world.get("agent", number)["contact_name"] == f"王{i}"
    assert world.get("agent", new["number"])["contact_phone"] == "13800009999"
    r = world.client.get("/api/v1/cases", params={"phone": "13800000003"}, headers=world.h("agent"))
    assert [c["number"] for c in r.json()["items"]] == [numbers[3]]  # blind indexes survive
    with unit_of_work() as session:
        rows = {(k.purpose, k.version): k.state for k in keys.repo.data_keys(session)}
    assert rows == {("index", 0): "active", ("data", 1): "retired", ("data", 2): "active"}
    again = keys.rotate(batch_size=100, grace=0)  # a second rotation starts afresh: version 3
    assert (again.resumed, again.to_version, again.rows_changed["cases"], again.retired) == (False, 3, 8, [2])
    # new ciphertext, same values: every case's sealed digest still holds (docs/audit.md)
    with unit_of_work() as session:
        found, cases, _ = case_service.verify_integrity(session)
    assert ([f.kind for f in found], cases) == ([], 8)


@pytest.mark.postgres
def test_migration_0012_encrypts_existing_plaintext_rows(migrated: str) -> None:
    """On a scratch database: plaintext rows written at 0008 come out encrypted at head."""
    from zhizhi.core.migrate import downgrade, upgrade

    with scratch_database(migrated, "0012") as url:
        engine = create_engine(url)
        try:
            upgrade(url, "0008")
            now = "2026-03-02 08:00:00+00:00"
            users_sql = (
                "INSERT INTO users (id, username, display_name, password_hash, role, phone, active, "
                "created_at) VALUES (1, 'u', 'U', 'x', 'admin', '13800005555', true, :t)"
            )
            cases_sql = (
                "INSERT INTO cases (id, number, kind, channel, subject, content, urgency, status, "
                "contact_name, contact_phone, confidential, created_at, updated_at, clock_started_at, "
                "limit_amount, limit_unit, warning_ratio, due_at, warn_at, due_provisional, version, "
                "extension_amount, paused_days, paused_seconds, supervision_count, reopen_count, "
                "return_count, event_count) VALUES (1, '202603020001', 'appeal', 'hotline', "
                "'身份证430104199001011230', '电话13800006666 路灯坏了', 'normal', 'received', '赵六', "
                "'13800006666', false, :t, :t, :t, 5, 'working_days', 0.8, :t, :t, false, 1, 0, 0, 0, 0, "
                "0, 0, 1)"
            )
            with engine.begin() as conn:
                conn.execute(text(users_sql), {"t": now})
                conn.execute(text(cases_sql), {"t": now})
            upgrade(url)
            with engine.connect() as conn:
                row = conn.execute(
                    text(
                        "SELECT subject, content, contact_name, contact_phone, contact_phone_index, "
                        "personal_text FROM cases"
                    )
                ).one()
                phone = conn.execute(text("SELECT phone FROM users")).scalar_one()
                kinds = conn.execute(text("SELECT purpose, version FROM data_keys ORDER BY purpose")).all()
            ks = fieldcrypt.keyset()
            assert (row[0], row[1]) == ("身份证430104********1230", "电话138****6666 路灯坏了")
            assert fieldcrypt.decrypt(row[2], "cases.contact_name", ks) == "赵六"
            assert fieldcrypt.decrypt(row[3], "cases.contact_phone", ks) == "13800006666"
            assert row[4] == fieldcrypt.phone_index("13800006666", ks)
            assert json.loads(fieldcrypt.decrypt(row[5], "cases.personal_text", ks)) == {
                "subject": "身份证430104199001011230",
                "content": "电话13800006666 路灯坏了",
            }
            assert fieldcrypt.decrypt(phone, "users.phone", ks) == "13800005555"
            assert [tuple(k) for k in kinds] == [("data", 1), ("index", 0)]
            downgrade(url, "0008")  # and back: plaintext as it was
            with engine.connect() as conn:
                back = conn.execute(
                    text("SELECT subject, content, contact_name, contact_phone FROM cases")
                ).one()
            assert tuple(back) == (
                "身份证430104199001011230",
                "电话13800006666 路灯坏了",
                "赵六",
                "13800006666",
            )

        finally:
            engine.dispose()


def test_keys_init_and_check_commands(db: str, own_keys: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from zhizhi.cli.main import app

    runner = CliRunner()
    fresh = tmp_path / "sub" / "new-keys.json"
    result = runner.invoke(app, ["keys", "init", "--path", str(fresh)])
    assert result.exit_code == 0, result.output
    assert (fresh.stat().st_mode & 0o777) == 0o600
    assert fieldcrypt.parse_keyset(json.loads(fresh.read_text()), "new").active == 1
    before = fresh.read_bytes()
    assert "exists" in runner.invoke(app, ["keys", "init", "--path", str(fresh)]).output
    assert fresh.read_bytes() == before  # never overwritten
    ok = runner.invoke(app, ["keys", "check"])
    assert (ok.exit_code, "data keys OK: active version 1" in " ".join(ok.output.split())) == (0, True)
    own_keys.write_bytes(fresh.read_bytes())  # another key file than the database's
    fieldcrypt.reset()
    wrong = runner.invoke(app, ["keys", "check"])
    assert wrong.exit_code == 1
    assert "is not this database's key file; refusing to start" in " ".join(wrong.output.split())
