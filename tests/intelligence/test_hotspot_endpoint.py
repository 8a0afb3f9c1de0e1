"""POST /api/v1/nlp/hotspots: contract, validation errors and problem rendering."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from zhizhi.http.problems import install_problem_handlers
from zhizhi.intelligence.hotspot_endpoints import router

URL = "/api/v1/nlp/hotspots"
NOW = datetime(2019, 9, 30, 12, 0)


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    return TestClient(app)


def _messages() -> list[dict[str, object]]:
    hot = [
        {
            "id": f"h{i}",
            "subject": f"A3区锦绣华庭旁搅拌站噪音扰民{i % 3}",
            "body": "锦绣华庭小区旁边的混凝土搅拌站日夜作业，粉尘和噪音严重，请求查处。",
            "created_at": (NOW - timedelta(hours=5 * i)).isoformat(),
            "likes": 3,
            "user": f"u{i}",
        }
        for i in range(8)
    ]
    topics = [
        ("咨询公积金贷款额度", "请问公积金贷款最高多少？"),
        ("梅溪湖公园路灯不亮", "环湖路段路灯坏了两个月。"),
        ("小学门口占道经营", "放学时段流动摊贩堵路。"),
        ("老旧小区加装电梯补贴", "加装电梯需要多少业主同意？"),
        ("地铁站夜间施工噪音", "凌晨还在施工，无法休息。"),
        ("医保异地报销流程", "异地就医如何备案报销？"),
    ]
    other = [
        {
            "id": f"o{i}",
            "subject": s,
            "body": b,
            "created_at": (NOW - timedelta(days=i)).isoformat(),
            "dislikes": 1,
        }
        for i, (s, b) in enumerate(topics)
    ]
    return hot + other


def test_happy_path(client: TestClient) -> None:
    r = client.post(URL, json={"messages": _messages(), "top": 5})
    assert r.status_code == 200, r.text
    spots = r.json()["hotspots"]
    assert spots and spots[0]["rank"] == 1
    first = spots[0]
    for key in ("rank", "title", "place", "score", "message_ids", "first_at", "last_at", "people", "count"):
        assert key in first
    assert {f"h{i}" for i in range(8)} <= set(first["message_ids"])
    assert first["count"] == len(first["message_ids"]) and first["people"] == 8
    assert "锦绣华庭" in first["title"]
    datetime.fromisoformat(first["first_at"])


def test_empty_list_is_422(client: TestClient) -> None:
    r = client.post(URL, json={"messages": []})
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == "messages"


def test_unknown_top_level_field_is_422(client: TestClient) -> None:
    r = client.post(URL, json={"messages": _messages(), "colour": "red"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "colour"


def test_unknown_message_field_is_422(client: TestClient) -> None:
    msgs = _messages()
    msgs[0]["colour"] = "red"
    r = client.post(URL, json={"messages": msgs})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "messages.0.colour"


def test_malformed_json_is_400(client: TestClient) -> None:
    r = client.post(URL, content=b'{"messages": [', headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["code"] == "malformed_json"


def test_duplicate_ids_and_limits(client: TestClient) -> None:
    msgs = _messages()
    msgs[1]["id"] = msgs[0]["id"]
    r = client.post(URL, json={"messages": msgs})
    assert r.status_code == 422 and r.json()["field"] == "messages.1.id"
    msgs = _messages()
    msgs[0]["body"] = "长" * 5001
    r = client.post(URL, json={"messages": msgs})
    assert r.status_code == 422 and r.json()["field"] == "messages.0.body"
    r = client.post(
        URL, json={"messages": [{"id": "x", "subject": "a", "body": "b", "created_at": "yesterday"}]}
    )
    assert r.status_code == 422 and r.json()["field"] == "messages.0.created_at"
    r = client.post(
        URL, json={"messages": [{"id": "x", "subject": "", "body": " ", "created_at": NOW.isoformat()}]}
    )
    assert r.status_code == 422 and r.json()["field"] == "messages"


def test_emoji_and_window(client: TestClient) -> None:
    emoji = {"id": "e", "subject": "😀" * 100, "body": "🔥" * 1000, "created_at": "2018-01-01T00:00:00+08:00"}
    msgs = [*_messages(), emoji]
    r = client.post(URL, json={"messages": msgs, "window_days": 7, "now": "2019-09-30T12:00:00+08:00"})
    assert r.status_code == 200
    ids = [mid for s in r.json()["hotspots"] for mid in s["message_ids"]]
    assert ids and {mid[0] for mid in ids} == {"h"}  # the planted burst only; the 2018 emoji is out
