"""Personal data at rest: a dump of the database holds no phone, name or ID number of any case,
yet search, tracking and the views with personal:read still see them (both databases)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import String, Text, inspect, select, text
from sqlalchemy.engine import make_url

from zhizhi.core.db import get_engine, unit_of_work

PHONE, NAME = "13907311234", "欧阳娜娜"
ID_NUMBER, CARD, PLATE = "430104199001011230", "6222021234567894", "湘A12345"
CONTENT = f"我的身份证{ID_NUMBER}，电话 139 0731 1234，车牌{PLATE}，退款请打到卡号{CARD}。"
SECRETS = [PHONE, NAME, ID_NUMBER, CARD, PLATE, "13800001111", "曹操操", "0731-88886666", "073188886666"]


def _escaped(secret: str) -> str:
    """As JSON columns may store it (non-ASCII as \\uXXXX)."""
    return json.dumps(secret)[1:-1]


def _found(secrets: list[str], values: str) -> list[str]:
    return [s for s in secrets if s in values or _escaped(s) in values]


def _make_cases(world: Any, client: Any) -> tuple[str, str]:
    staff = world.create(contact_name=NAME, contact_phone=PHONE, content=CONTENT, subject=f"退款 {PHONE}")
    r = client.post(
        "/api/v1/cases",
        json={
            "kind": "appeal",
            "content": "路灯坏了 0731-88886666",
            "contact_name": "曹操操",
            "contact_phone": "13800001111",
            "channel": "web",
        },
        headers={"Idempotency-Key": "anon-1"},
    )
    assert r.status_code == 201, r.text
    from zhizhi.org import service as org

    with unit_of_work() as session:
        org.create_user(
            session,
            username="li",
            password="Passw0rd!Passw0rd",
            role="handler",
            department_code="ZJ",
            display_name="李四",
            phone="13800001111",
        )
    return str(staff["number"]), str(r.json()["number"])


def _every_text_value() -> list[str]:
    """Every value of every text, varchar and JSON column of every table, as text."""
    engine = get_engine()
    inspector = inspect(engine)
    columns = [
        (table, col["name"])
        for table in inspector.get_table_names()
        for col in inspector.get_columns(table)
        if isinstance(col["type"], String | Text) or "JSON" in str(col["type"]).upper()
    ]
    assert ("cases", "contact_phone") in columns
    out: list[str] = []
    with engine.connect() as conn:
        for table, name in columns:
            out.extend(
                str(v) for (v,) in conn.execute(text(f'SELECT CAST("{name}" AS TEXT) FROM "{table}"')) if v
            )
    return out


def _dump() -> bytes:
    """The database as bytes: the SQLite file (and its journal), or `pg_dump` of the database."""
    url = make_url(get_engine().url)
    get_engine().dispose()
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        return b"".join(p.read_bytes() for p in [path, Path(f"{path}-wal")] if p.exists())
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    args = [
        "pg_dump",
        "-h",
        str(url.host),
        "-p",
        str(url.port or 5432),
        "-U",
        str(url.username),
        "--data-only",
        str(url.database),
    ]
    return subprocess.run(args, check=True, capture_output=True, env=env, timeout=120).stdout


def test_no_plaintext_personal_data_in_the_database(world: Any, client: Any) -> None:
    _make_cases(world, client)
    values = "\n".join(_every_text_value())
    assert "sm4g:1:" in values
    assert _found(SECRETS, values) == []
    dump = _dump()
    assert len(dump) > 10_000
    assert [s for s in SECRETS if s.encode() in dump or _escaped(s).encode() in dump] == []


def test_views_search_and_tracking_still_see_them(world: Any, client: Any) -> None:
    number, anon = _make_cases(world, client)
    full = world.get("agent", number)  # personal:read: as given
    assert (full["contact_name"], full["contact_phone"], full["content"]) == (NAME, PHONE, CONTENT)
    assert full["subject"] == f"退款 {PHONE}"
    masked = world.get("supervisor", number)  # no personal:read
    assert (masked["contact_name"], masked["contact_phone"]) == ("欧***", "139****1234")
    assert masked["subject"] == "退款 139****1234"
    assert masked["content"] == (
        "我的身份证430104********1230，电话 139****1234，车牌湘A***45，退款请打到卡号6222********7894。"
    )
    for phone in (PHONE, "139-0731-1234", "1234"):
        r = client.get("/api/v1/cases", params={"phone": phone}, headers=world.h("agent"))
        assert r.status_code == 200, r.text
        assert [c["number"] for c in r.json()["items"]] == [number]
    r = client.get("/api/v1/cases", params={"phone": "1111"}, headers=world.h("agent"))
    assert [c["number"] for c in r.json()["items"]] == [anon]
    r = client.get("/api/v1/cases", params={"phone": "13907319999"}, headers=world.h("agent"))
    assert r.json()["items"] == []
    from zhizhi.cases import tracking
    from zhizhi.core.errors import NotFound

    with unit_of_work() as session:
        assert tracking.track(session, anon, "138 0000 1111").case.number == anon
        with pytest.raises(NotFound):
            tracking.track(session, anon, "13800001112")


def test_same_request_with_the_same_key_replays_for_the_same_phone(client: Any, world: Any) -> None:
    body = {"kind": "appeal", "content": "井盖丢了", "contact_phone": "13800002222", "channel": "web"}
    first = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "k-1"})
    again = client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    from zhizhi.cases.models import IdempotencyKey

    with unit_of_work() as session:
        scopes = list(session.scalars(select(IdempotencyKey.scope)))
    assert len(scopes) == 1
    assert scopes[0].startswith("anon:") and "13800002222" not in scopes[0]


def test_a_reply_is_masked_at_rest_and_in_the_timeline(world: Any) -> None:
    number = world.create()["number"]
    world.act("agent", number, "answer_directly", reply="已回电 13907311234，车牌湘A12345 已处理")
    masked = "已回电 139****1234，车牌湘A***45 已处理"
    assert world.get("agent", number)["reply"] == masked
    values = "\n".join(_every_text_value())  # cases.reply and the event's payload
    assert values.count("已回电 139****1234") + values.count(_escaped("已回电 139****1234")) == 2
    assert _found(["13907311234", "湘A12345"], values) == []
