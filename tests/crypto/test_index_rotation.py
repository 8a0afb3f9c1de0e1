"""Blind-index key rotation (``zhizhi keys rotate-index``): phone search finds the same cases
before, during (both index versions searched) and after; interrupted, it resumes; the old index
key is retired; seals stay valid (issue 12, docs/crypto.md)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from zhizhi.cases import service as case_service
from zhizhi.cli.main import app
from zhizhi.core import fieldcrypt
from zhizhi.core.db import get_engine, unit_of_work
from zhizhi.core.fieldcrypt import KeyConfigError
from zhizhi.keys import index_rotation
from zhizhi.keys import service as keys

KEY_FILE = Path(os.environ["ZHIZHI_DATA_KEYS_FILE"])


def _search(world: Any, phone: str) -> set[str]:
    r = world.client.get("/api/v1/cases", params={"phone": phone, "page_size": 100}, headers=world.h("agent"))
    assert r.status_code == 200, r.text
    return {c["number"] for c in r.json()["items"]}


def _indexes() -> set[str]:
    with get_engine().connect() as conn:
        return {v for (v,) in conn.execute(text("SELECT contact_phone_index FROM cases")) if v}


def test_phone_search_finds_the_same_cases_before_during_and_after(world: Any, own_keys: Path) -> None:
    numbers = [world.create(contact_phone=f"1390000{i % 3:04d}")["number"] for i in range(7)]
    keys.startup()
    before = {p: _search(world, p) for p in ("13900000000", "13900000001", "0002")}
    assert before["13900000000"] == {numbers[0], numbers[3], numbers[6]}
    assert len(before["0002"]) == 2
    old = _indexes()
    ks, resumed = index_rotation.begin(grace=0)
    assert (ks.index_active, resumed) == (2, False)
    doc = json.loads(own_keys.read_text())
    assert (doc["index_active"], doc["index_keys"]["1"]["state"]) == (2, "decrypt")
    index_rotation.recompute_all(ks, batch_size=3, stop_after=1)  # interrupted after one batch
    during = _indexes()
    assert during & old and during - old  # half old, half new
    assert {p: _search(world, p) for p in before} == before
    new = world.create(contact_phone="13900000000")["number"]  # written under the new key
    assert _search(world, "13900000000") == before["13900000000"] | {new}
    # re-run: resumes after the committed batch
    report = index_rotation.rotate_index(batch_size=3, grace=0)
    assert (report.resumed, report.to_version, report.retired) == (True, 2, [1])
    assert {t: n for t, n in report.rows_changed.items() if n} == {
        "cases": 7
    }  # 3 before the stop, 4 after; the new case was right
    assert not (_indexes() & old)
    doc = json.loads(own_keys.read_text())
    assert doc["index_keys"]["1"]["state"] == "retired" and "key" not in doc["index_keys"]["1"]
    assert fieldcrypt.keyset().index_versions() == [2]
    after = {p: _search(world, p) for p in before}
    assert after == {**before, "13900000000": before["13900000000"] | {new}}
    with unit_of_work() as session:
        rows = {(k.purpose, k.version): k.state for k in keys.repo.data_keys(session)}
        found, _, _ = case_service.verify_integrity(session)
    assert rows == {("index", 0): "retired", ("index", 2): "active", ("data", 1): "active"}
    assert found == []


def test_the_old_index_key_file_no_longer_starts_after_rotation(world: Any, own_keys: Path) -> None:
    world.create(contact_phone="13900001111")
    keys.startup()
    legacy = own_keys.read_text()
    result = CliRunner().invoke(app, ["keys", "rotate-index", "--grace", "0", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "rotated the index key to version 2" in result.output
    own_keys.write_text(legacy)  # a restored old key file: its index key is not the database's
    fieldcrypt.reset()
    with pytest.raises(KeyConfigError, match="blind-index key does not match"):
        keys.startup()


def test_versioned_index_keys_parse_and_search_both() -> None:
    k1, k2 = "11" * 32, "22" * 32
    doc = {
        "format": fieldcrypt.FORMAT,
        "active": 1,
        "keys": {"1": {"key": "33" * 16, "state": "active"}},
        "index_active": 2,
        "index_keys": {"1": {"key": k1, "state": "decrypt"}, "2": {"key": k2, "state": "active"}},
    }
    ks = fieldcrypt.parse_keyset(doc, "t")
    assert (ks.index_active, ks.index_versions(), ks.index_key) == (2, [2, 1], bytes.fromhex(k2))
    legacy = fieldcrypt.parse_keyset({**doc, "index_keys": None, "index_key": k1}, "t")
    assert fieldcrypt.phone_index("13800000000", legacy) == fieldcrypt.phone_index(
        "13800000000", ks, version=1
    )
    assert fieldcrypt.phone_index("13800000000", ks) != fieldcrypt.phone_index("13800000000", ks, version=1)
    retired = {**doc, "index_keys": {"1": {"state": "retired"}, "2": {"key": k2, "state": "active"}}}
    assert fieldcrypt.parse_keyset(retired, "t").index_versions() == [2]
    with pytest.raises(KeyConfigError, match="active index key version 1 is missing or retired"):
        fieldcrypt.parse_keyset({**retired, "index_active": 1}, "t")


def test_an_anonymous_retry_across_the_index_rotation_is_still_a_replay(world: Any, own_keys: Path) -> None:
    body = {"kind": "appeal", "content": "井盖丢了", "contact_phone": "13800002222", "channel": "web"}
    first = world.client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "k-rot"})
    assert first.status_code == 201, first.text
    keys.startup()
    index_rotation.begin(grace=0)  # the new index key is active: the saved scope is under the old one
    again = world.client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "k-rot"})
    assert (again.status_code, again.headers.get("Idempotent-Replayed")) == (201, "true")
    assert again.json()["number"] == first.json()["number"]
