"""The service item catalogue through the API: draft, publish, the public list and item, new
drafts beside the version in force, retirement (409 on a new application), the interface other
packages call (``published_version``, ``version_by_id``), permissions and scope."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import World
from tests.services.items_data import BASIC, code_for, item
from zhizhi.core.db import unit_of_work
from zhizhi.core.errors import Conflict, NotFound
from zhizhi.services.items import service

CODE = code_for(BASIC)


def _post(world: World, body: dict[str, Any], user: str = "istew", expect: int = 201) -> dict[str, Any]:
    r = world.client.post("/api/v1/service-items", json=body, headers=world.h(user))
    assert r.status_code == expect, r.text
    return dict(r.json())


def _publish(world: World, code: str = CODE, user: str = "istew", expect: int = 200) -> dict[str, Any]:
    r = world.client.post(f"/api/v1/service-items/{code}/publish", headers=world.h(user))
    assert r.status_code == expect, r.text
    return dict(r.json())


def test_draft_publish_list_and_read(items_world: World) -> None:
    w = items_world
    draft = _post(w, item())
    assert draft["status"] == "draft" and draft["version"] == 1
    # a draft is not public
    assert w.client.get(f"/api/v1/service-items/{CODE}").status_code == 404
    assert w.client.get("/api/v1/service-items").json()["total"] == 0
    out = _publish(w)
    assert out["status"] == "published"
    r = w.client.get("/api/v1/service-items", params={"q": "食品经营", "type": "01", "department": "CITY"})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 1
    one = page["items"][0]
    assert one["basic_code"] == BASIC and one["implementation_code"] == CODE
    assert one["legal_limit"] == {"value": 20, "unit": "working_day"}
    assert one["promised_limit"] == {"value": 5, "unit": "working_day"}
    assert one["department"]["code"] == "ZJ" and one["type"] == "01"
    assert [m["code"] for m in one["materials"]] == [
        "food.application_form",
        "enterprise.business_licence",
        "food.safety_rules",
    ]
    assert one["materials"][1]["source"] == "certificate:business_licence"
    detail = w.client.get(f"/api/v1/service-items/{CODE.lower()}").json()
    assert detail["fields"][2]["options"] == ["预包装食品销售", "热食类食品制售"]
    assert detail["special_procedures"][0]["kind"] == "inspection"
    # filters that exclude
    assert w.client.get("/api/v1/service-items", params={"type": "20"}).json()["total"] == 0
    assert w.client.get("/api/v1/service-items", params={"department": "D1"}).json()["total"] == 0
    assert w.client.get("/api/v1/service-items", params={"department": "住建局"}).json()["total"] == 1
    assert w.client.get("/api/v1/service-items", params={"topic": "open_restaurant"}).json()["total"] == 1
    assert w.client.get("/api/v1/service-items", params={"topic": "personal"}).json()["total"] == 0


def test_versions_are_kept_and_published_ones_never_change(items_world: World) -> None:
    w = items_world
    _post(w, item())
    v1 = _publish(w)
    draft = _post(w, item(promised_limit={"value": 3, "unit": "working_day"}, note="压缩承诺时限"))
    assert draft["version"] == 2 and draft["status"] == "draft"
    # the version in force is still version 1, with its promise
    assert w.client.get(f"/api/v1/service-items/{CODE}").json()["promised_limit"]["value"] == 5
    # saving the draft again rewrites the draft, not a third version
    assert _post(w, item(promised_limit={"value": 4, "unit": "working_day"}))["version"] == 2
    v2 = _publish(w)
    assert v2["version"] == 2 and v2["promised_limit"]["value"] == 4
    with unit_of_work() as s:
        old = service.version_by_id(s, v1["version_id"])
        assert old.status == "superseded" and old.promised_limit.value == 5  # unchanged
        assert old.materials[0].code == "food.application_form"
        with pytest.raises(Conflict) as exc:
            service.version_by_id(s, v1["version_id"], for_new_application=True)
        assert exc.value.field == "item"
        now = service.published_version(s, CODE)
        assert now.id == v2["version_id"] and now.result.is_certificate
        assert now.result.certificate_type == "food_business_permit"
        assert now.applies_online and not now.is_immediate
    versions = w.client.get(f"/api/v1/service-items/{CODE}/versions", headers=w.h("istew")).json()
    assert [(v["version"], v["status"]) for v in versions["versions"]] == [
        (2, "published"),
        (1, "superseded"),
    ]


def test_retired_item_refuses_new_applications(items_world: World) -> None:
    w = items_world
    _post(w, item())
    v1 = _publish(w)
    r = w.client.post(
        f"/api/v1/service-items/{CODE}/retire", json={"reason": "事项合并"}, headers=w.h("istew")
    )
    assert r.status_code == 200, r.text
    r = w.client.get(f"/api/v1/service-items/{CODE}")
    assert r.status_code == 409
    body = r.json()
    assert body["field"] == "item" and body["message"]["zh"] and body["message"]["en"]
    with unit_of_work() as s:
        with pytest.raises(Conflict):
            service.published_version(s, CODE)
        with pytest.raises(Conflict):
            service.version_by_id(s, v1["version_id"], for_new_application=True)
        assert service.version_by_id(s, v1["version_id"]).status == "retired"  # an application still reads it
        with pytest.raises(NotFound):
            service.version_by_id(s, 999_999)
        with pytest.raises(NotFound):
            service.published_version(s, "NOPE")
    # retiring twice: 409
    r = w.client.post(
        f"/api/v1/service-items/{CODE}/retire", json={"reason": "再次停用"}, headers=w.h("istew")
    )
    assert r.status_code == 409


def test_permissions_and_scope(items_world: World) -> None:
    w = items_world
    assert w.client.post("/api/v1/service-items", json=item()).status_code == 401
    r = w.client.post("/api/v1/service-items", json=item(), headers=w.h("h_zj"))
    assert r.status_code == 403 and r.json()["message"]["en"]
    # the district's steward may not write the city department's item
    r = w.client.post("/api/v1/service-items", json=item(), headers=w.h("istew_d1"))
    assert r.status_code == 403
    assert _post(w, item(department="D1"), user="istew_d1")["department"]["code"] == "D1"
