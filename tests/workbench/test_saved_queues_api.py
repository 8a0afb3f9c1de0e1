"""GET/POST/DELETE /api/v1/queues/saved: per user, the search's rules, bilingual errors, audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work

URL = "/api/v1/queues/saved"


def test_save_list_run_delete(world: Any) -> None:
    a = world.create(subject="停水", content="整栋楼停水", category="SDQR")["number"]
    world.create(subject="噪音", content="工地噪音")
    h = world.h("dispatcher")
    r = world.client.post(URL, json={"name": "水电气热", "filter": {"category": "SDQR"}}, headers=h)
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["name"] == "水电气热"
    assert saved["filter"] == {"category": "SDQR"}
    assert saved["url"] == "/api/v1/cases?category=SDQR"
    listed = world.client.get(URL, headers=h).json()
    assert [q["id"] for q in listed] == [saved["id"]]
    run = world.client.get(saved["url"], headers=h).json()
    assert [c["number"] for c in run["items"]] == [a]
    # another user sees none of it and cannot delete it
    assert world.client.get(URL, headers=world.h("supervisor")).json() == []
    r = world.client.delete(f"{URL}/{saved['id']}", headers=world.h("supervisor"))
    assert r.status_code == 404
    assert r.json()["field"] == "saved"
    assert world.client.delete(f"{URL}/{saved['id']}", headers=h).status_code == 204
    assert world.client.get(URL, headers=h).json() == []
    with unit_of_work() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "saved_queue").order_by(AuditEntry.seq)
        ).all()
    assert list(actions) == ["case.queue_saved", "case.queue_deleted"]


def test_bad_queues_are_4xx_in_both_languages(world: Any) -> None:
    h = world.h("dispatcher")
    ok = {"name": "我的队列", "filter": {"status": "accepted"}}
    assert world.client.post(URL, json=ok, headers=h).status_code == 201
    r = world.client.post(URL, json=ok, headers=h)  # the same name twice
    assert r.status_code == 409
    body = r.json()
    assert body["field"] == "name"
    assert "我的队列" in body["message"]["zh"]
    assert "exists" in body["message"]["en"]
    r = world.client.post(URL, json={"name": "空的", "filter": {}}, headers=h)
    assert r.status_code == 422
    assert r.json()["field"] == "name"
    r = world.client.post(URL, json={"name": "坏分类", "filter": {"category": "NOPE"}}, headers=h)
    assert r.status_code == 422
    assert r.json()["field"] == "category"
    r = world.client.post(URL, json={"name": "x", "filter": {"status": "accepted"}, "extra": 1}, headers=h)
    assert r.status_code == 422
    r = world.client.post(URL, json=ok, headers=world.h("citizen"))
    assert r.status_code == 403
    assert world.client.get(URL).status_code == 401
