"""Windows and seats through the API: who may set them up, who may sit where, and the rule that
a clerk sees their own hall's statistics only."""

from __future__ import annotations

from typing import Any

from tests.services.window_support import build_halls


def test_windows_seats_and_their_rules(world: Any) -> None:
    build_halls(world)
    listed = world.client.get("/api/v1/window/windows", headers=world.h("admin")).json()
    assert [w["code"] for w in listed] == ["A1", "A2", "B1"]
    assert listed[0]["clerks"] == ["窗口clerk_a"] and listed[0]["hall_name"] == "市政务服务中心"
    # a clerk lists the windows of their own hall only
    mine = world.client.get("/api/v1/window/windows", headers=world.h("clerk_b")).json()
    assert [w["code"] for w in mine] == ["B1"]
    # only administrators set windows up
    r = world.client.post(
        "/api/v1/window/windows",
        json={"code": "X1", "name": "x", "hall": "HALL_A"},
        headers=world.h("clerk_a"),
    )
    assert r.status_code == 403
    # bad input: bilingual, with the field, nothing created
    for body, field in (
        ({"code": "A1", "name": "重复", "hall": "HALL_A"}, "code"),
        ({"code": "Z9", "name": "无此大厅", "hall": "NOPE"}, "hall"),
        ({"code": "a b", "name": "空格", "hall": "HALL_A"}, "code"),
        ({"code": "Z8", "name": "多余", "hall": "HALL_A", "extra": 1}, "extra"),
        ({"code": "Z7", "name": "\x00", "hall": "HALL_A"}, None),
    ):
        r = world.client.post("/api/v1/window/windows", json=body, headers=world.h("admin"))
        assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
        if field:
            assert field in r.text, r.text
    codes = [w["code"] for w in world.client.get("/api/v1/window/windows", headers=world.h("admin")).json()]
    assert codes == ["A1", "A2", "B1"]
    # a seat: window clerks of the hall only
    r = world.client.post(
        "/api/v1/window/windows/A1/clerks", json={"username": "h_zj"}, headers=world.h("admin")
    )
    assert r.status_code == 422 and r.json()["field"] == "username"
    r = world.client.post(
        "/api/v1/window/windows/A1/clerks", json={"username": "clerk_b"}, headers=world.h("admin")
    )
    assert r.status_code == 422 and "服务大厅" in r.json()["message"]["zh"]
    r = world.client.post(
        "/api/v1/window/windows/NO/clerks", json={"username": "clerk_a"}, headers=world.h("admin")
    )
    assert r.status_code == 404 and r.json()["field"] == "window"
    # moving a clerk to another window of the hall frees the first seat
    r = world.client.post(
        "/api/v1/window/windows/A2/clerks", json={"username": "clerk_a"}, headers=world.h("admin")
    )
    assert r.status_code == 200 and sorted(r.json()["clerks"]) == ["窗口clerk_a", "窗口clerk_a2"]
    assert world.client.get("/api/v1/window/windows", headers=world.h("admin")).json()[0]["clerks"] == []


def test_statistics_are_seen_hall_by_hall(world: Any) -> None:
    build_halls(world)
    r = world.client.get("/api/v1/window/statistics", headers=world.h("clerk_a"))
    assert r.status_code == 200 and r.json()["total"] == {"received": 0, "forwarded": 0, "notices": 0}
    r = world.client.get("/api/v1/window/statistics", params={"window": "B1"}, headers=world.h("clerk_a"))
    assert r.status_code == 403 and "其他服务大厅" in r.json()["message"]["zh"]
    r = world.client.get("/api/v1/window/statistics", params={"window": "A2"}, headers=world.h("clerk_a"))
    assert r.status_code == 200
    r = world.client.get("/api/v1/window/statistics", params={"window": "B1"}, headers=world.h("supervisor"))
    assert r.status_code == 200
    r = world.client.get("/api/v1/window/statistics", params={"window": "NOPE"}, headers=world.h("leader"))
    assert r.status_code == 404 and r.json()["field"] == "window"
    for user in ("citizen", "h_zj", "agent"):
        r = world.client.get("/api/v1/window/statistics", headers=world.h(user))
        assert r.status_code == 403, user
    r = world.client.get("/api/v1/window/statistics", params={"days": "x"}, headers=world.h("clerk_a"))
    assert r.status_code == 422
