"""The knowledge base through the API: write, version, publish (the reindex job runs), search
while typing, retire, and 直办 citing an article (case created and closed at intake)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.builders import World
from zhizhi.core.db import unit_of_work

ARTICLE = {
    "kind": "faq",
    "title": "冬季供暖不热怎么办",
    "body": "本市供暖期为11月15日至次年3月15日。室温低于18℃的，可拨打供热公司热线报修，"
    "供热公司应在24小时内上门检测；连续不达标的可按规定申请退费。",
    "category": "SDQR",
    "department": "ZJ",
    "tags": ["供暖", "暖气", "室温"],
}


def _publish(world: World, body: dict[str, Any]) -> dict[str, Any]:
    r = world.client.post("/api/v1/knowledge/articles", json=body, headers=world.h("steward"))
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    r = world.client.post(f"/api/v1/knowledge/articles/{ref}/publish", headers=world.h("steward"))
    assert r.status_code == 200, r.text
    return dict(r.json())


def _search(world: World, q: str, user: str = "agent") -> list[dict[str, Any]]:
    r = world.client.get("/api/v1/knowledge/search", params={"q": q}, headers=world.h(user))
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_publish_search_and_versions(world: World) -> None:
    a = _publish(world, ARTICLE)
    _publish(
        world,
        ARTICLE
        | {
            "title": "住房公积金租房提取",
            "body": "连续足额缴存3个月以上且本市无自有住房的，可提取住房公积金支付房租。",
            "tags": ["公积金"],
            "category": "CXJS",
        },
    )
    hits = _search(world, "暖气不热，家里室温只有15度")
    assert hits and hits[0]["ref"] == a["ref"] and hits[0]["score"] > 0
    assert _search(world, "公积金怎么提取付房租")[0]["title"] == "住房公积金租房提取"
    assert _search(world, "完全无关的词语xyz") == []
    # a new version is a draft until published: agents keep finding the published text
    r = world.client.put(
        f"/api/v1/knowledge/articles/{a['ref']}",
        json=ARTICLE | {"title": "冬季供暖室温不达标怎么办", "note": "标题更准确"},
        headers=world.h("steward"),
    )
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["published_version"] == 1
    assert _search(world, "暖气不热")[0]["title"] == "冬季供暖不热怎么办"
    world.client.post(f"/api/v1/knowledge/articles/{a['ref']}/publish", headers=world.h("steward"))
    assert _search(world, "暖气不热")[0]["title"] == "冬季供暖室温不达标怎么办"
    versions = world.client.get(f"/api/v1/knowledge/articles/{a['ref']}/versions", headers=world.h("agent"))
    assert [v["version"] for v in versions.json()] == [2, 1]
    # retired: no longer found
    r = world.client.post(
        f"/api/v1/knowledge/articles/{a['ref']}/retire",
        json={"reason": "政策调整"},
        headers=world.h("steward"),
    )
    assert r.status_code == 200
    assert _search(world, "暖气不热") == []


def test_permissions_and_bad_input(world: World) -> None:
    r = world.client.post("/api/v1/knowledge/articles", json=ARTICLE, headers=world.h("agent"))
    assert r.status_code == 403 and "知识库" in r.text
    r = world.client.get("/api/v1/knowledge/search", params={"q": "供暖"}, headers=world.h("citizen"))
    assert r.status_code == 403
    for bad in (
        ARTICLE | {"category": "NOPE"},
        ARTICLE | {"department": "NOPE"},
        ARTICLE | {"valid_from": "2026-05-01", "valid_to": "2026-01-01"},
        ARTICLE | {"extra": 1},
        ARTICLE | {"title": "x" * 500},
        ARTICLE | {"tags": [f"t{i}" for i in range(30)]},
    ):
        r = world.client.post("/api/v1/knowledge/articles", json=bad, headers=world.h("steward"))
        assert r.status_code == 422, (bad, r.text)
    r = world.client.get("/api/v1/knowledge/search", params={"q": "x" * 300}, headers=world.h("agent"))
    assert r.status_code == 422
    # a draft is invisible to agents and cannot be cited
    draft = world.client.post("/api/v1/knowledge/articles", json=ARTICLE, headers=world.h("steward")).json()
    assert (
        world.client.get(f"/api/v1/knowledge/articles/{draft['ref']}", headers=world.h("agent")).status_code
        == 404
    )
    r = world.client.post(
        "/api/v1/knowledge/answers",
        json={"case": {"content": "暖气不热"}, "article": draft["ref"]},
        headers=world.h("agent"),
    )
    assert r.status_code == 404


def test_direct_answer_citing_an_article(world: World) -> None:
    a = _publish(world, ARTICLE)
    r = world.client.post(
        "/api/v1/knowledge/answers",
        json={
            "case": {"content": "我家暖气不热，室温只有16度，想问问怎么办", "contact_phone": "13800138000"},
            "article": a["ref"],
        },
        headers=world.h("agent"),
    )
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["status"] == "closed"
    assert "供暖期" in case["reply"]
    timeline = world.client.get(f"/api/v1/cases/{case['number']}/timeline", headers=world.h("agent")).json()
    answered = next(e for e in timeline if e["action"] == "answer_directly")
    assert answered["to_status"] == "closed"
    assert answered["payload"]["cite"] == f"{a['ref']} 第1版《冬季供暖不热怎么办》"
    cites = world.client.get(f"/api/v1/knowledge/cases/{case['number']}/citations", headers=world.h("agent"))
    assert cites.json() == [{"ref": a["ref"], "title": a["title"], "version": 1, "cited_by": "agent"}]
    with unit_of_work() as s:
        from zhizhi.core.models import AuditEntry

        actions = set(s.scalars(select(AuditEntry.action)))
    assert {"knowledge.article_created", "knowledge.article_published", "knowledge.article_cited"} <= actions
    # a retry with the same idempotency key returns the same case, nothing twice
    retry = {"case": {"content": "暖气片冰凉", "contact_phone": "13800138001"}, "article": a["ref"]}
    first = world.client.post(
        "/api/v1/knowledge/answers", json=retry, headers=world.h("agent") | {"Idempotency-Key": "call-42"}
    )
    again = world.client.post(
        "/api/v1/knowledge/answers", json=retry, headers=world.h("agent") | {"Idempotency-Key": "call-42"}
    )
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["number"] == again.json()["number"] and again.json()["status"] == "closed"
    cited = world.client.get(
        f"/api/v1/knowledge/cases/{first.json()['number']}/citations", headers=world.h("agent")
    )
    assert len(cited.json()) == 1
    # without closing: replied, waiting for the follow-up call
    r = world.client.post(
        "/api/v1/knowledge/answers",
        json={
            "case": {"content": "供暖费怎么退"},
            "article": a["ref"],
            "close": False,
            "reply": "请按条目办理退费。",
        },
        headers=world.h("agent"),
    )
    assert (
        r.status_code == 201 and r.json()["status"] == "replied" and r.json()["reply"] == "请按条目办理退费。"
    )
    # a handler may not answer directly (no 直办 permission): nothing is kept
    r = world.client.post(
        "/api/v1/knowledge/answers",
        json={"case": {"content": "供暖"}, "article": a["ref"]},
        headers=world.h("h_zj"),
    )
    assert r.status_code == 403


def test_reindex_from_the_command_line(world: World) -> None:
    from typer.testing import CliRunner

    from zhizhi.cli.main import app

    _publish(world, ARTICLE)
    result = CliRunner().invoke(app, ["knowledge", "reindex"])
    assert result.exit_code == 0, result.output
    assert "generation" in result.output
    assert _search(world, "暖气不热")[0]["title"] == ARTICLE["title"]
