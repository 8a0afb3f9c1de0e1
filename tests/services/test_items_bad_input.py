"""Bad input to the service item API: wrong codes, limits that break the rules, unknown
departments, sources and certificate types, NUL characters, oversize values, bad filters —
each a bilingual 4xx naming the field, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import World
from tests.services.items_data import BASIC, BODY_CODE, code_for, item


def _bad(w: World, body: dict[str, Any], field: str, status: int = 422) -> dict[str, Any]:
    r = w.client.post("/api/v1/service-items", json=body, headers=w.h("istew"))
    assert r.status_code == status, r.text
    problem = r.json()
    assert problem["message"]["zh"] and problem["message"]["en"], problem
    assert problem.get("field", "").startswith(field), problem
    return dict(problem)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"basic_code": "00011700900"}, "basic_code"),  # 11 characters
        ({"basic_code": "00011700900a"}, "implementation_code"),  # upper-cased, then not the suffix
        ({"implementation_code": code_for(BASIC)[:-1]}, "implementation_code"),  # 30 characters
        ({"implementation_code": BODY_CODE[:17] + "0" + "0" + BASIC}, "implementation_code"),  # check char
        ({"implementation_code": code_for("000117009001")}, "implementation_code"),  # other basic code
        ({"promised_limit": {"value": 21, "unit": "working_day"}}, "promised_limit.value"),
        ({"promised_limit": {"value": 5, "unit": "calendar_day"}}, "promised_limit.unit"),
        ({"promised_limit": {"value": 0, "unit": "working_day"}}, "promised_limit.value"),
        ({"legal_limit": {"value": 0, "unit": "working_day"}}, "legal_limit.value"),
        ({"legal_limit": {"value": 20, "unit": "fortnight"}}, "legal_limit.unit"),
        ({"legal_limit": {"value": -1, "unit": "working_day"}}, "legal_limit.value"),
        ({"legal_limit": {"value": "twenty", "unit": "working_day"}}, "legal_limit.value"),
        ({"case_type": "immediate"}, "legal_limit.value"),  # 即办件 with limits
        ({"type": "12"}, "type"),
        ({"level": 7}, "level"),
        ({"department": "NOPE"}, "department"),
        ({"result_certificate_type": "dragon_licence"}, "result_certificate_type"),
        ({"handling_forms": ["window"]}, "handling_forms"),  # online depth 4 without online handling
        ({"name": "食" * 201}, "name"),
        ({"unknown_element": 1}, "unknown_element"),
        ({"materials": [{"code": "A.B", "name": "x"}]}, "materials.0.code"),
        ({"materials": [{"code": "a.b", "name": "x"}, {"code": "a.b", "name": "y"}]}, "materials.1.code"),
        ({"materials": [{"code": "a.b", "name": "x", "source": "shared:NOT-THERE"}]}, "materials.0.source"),
        ({"materials": [{"code": "a.b", "name": "x", "source": "certificate:dragon"}]}, "materials.0.source"),
        ({"materials": [{"code": "a.b", "name": "x", "source": "bring it"}]}, "materials.0.source"),
        ({"materials": [{"code": "a.b", "name": "x", "source": "applicant:x"}]}, "materials.0.source"),
        ({"materials": [{"code": f"m.x{i}", "name": "x"} for i in range(61)]}, "materials"),
        ({"fields": [{"code": "f.a", "label": "A", "type": "choice"}]}, "fields.0.options"),
        ({"fields": [{"code": "f.a", "label": "A", "type": "hologram"}]}, "fields.0.type"),
    ],
)
def test_rules_refuse_with_the_field(items_world: World, changes: dict[str, Any], field: str) -> None:
    _bad(items_world, item(**changes), field)
    assert items_world.client.get("/api/v1/service-items", params={"q": "食品"}).json()["total"] == 0


def test_immediate_item_with_special_procedures(items_world: World) -> None:
    body = item(
        case_type="immediate",
        legal_limit={"value": 0, "unit": "working_day"},
        promised_limit={"value": 0, "unit": "working_day"},
    )
    _bad(items_world, body, "special_procedures")
    body["special_procedures"] = []
    r = items_world.client.post("/api/v1/service-items", json=body, headers=items_world.h("istew"))
    assert r.status_code == 201, r.text
    assert r.json()["case_type"] == "immediate" and r.json()["legal_limit"]["value"] == 0


def test_nul_and_control_characters(items_world: World) -> None:
    w = items_world
    r = w.client.post("/api/v1/service-items", json=item(name="食品\x00经营许可"), headers=w.h("istew"))
    assert r.status_code == 422 and r.json()["field"] == "name"
    r = w.client.get("/api/v1/service-items", params={"q": "食品\x00"})
    assert r.status_code == 422
    r = w.client.get("/api/v1/service-items/ABC%00DEF")
    assert r.status_code in (404, 422)


def test_bad_filters_and_codes(items_world: World) -> None:
    w = items_world
    for params, field in (
        ({"type": "99"}, "type"),
        ({"department": "NOPE"}, "department"),
        ({"topic": "x"}, "topic"),
    ):
        r = w.client.get("/api/v1/service-items", params=params)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field and r.json()["message"]["zh"]
    assert w.client.get("/api/v1/service-items", params={"page_size": 1000}).status_code == 422
    assert w.client.get("/api/v1/service-items", params={"q": "x" * 101}).status_code == 422
    r = w.client.get("/api/v1/service-items/" + "9" * 40)
    assert r.status_code == 404 and r.json()["field"] == "item"
    assert w.client.get("/api/v1/service-items/" + "9" * 41).status_code == 422
    for action in ("publish", "retire"):
        r = w.client.post(
            f"/api/v1/service-items/{'9' * 31}/{action}", json={"reason": "测试原因"}, headers=w.h("istew")
        )
        assert r.status_code == 404 and r.json()["field"] == "item"


def test_publish_without_a_draft_and_discard(items_world: World) -> None:
    w = items_world
    code = code_for(BASIC)
    assert w.client.post("/api/v1/service-items", json=item(), headers=w.h("istew")).status_code == 201
    # an item never published has no draft to discard (edit it instead)
    assert w.client.delete(f"/api/v1/service-items/{code}/draft", headers=w.h("istew")).status_code == 409
    assert w.client.post(f"/api/v1/service-items/{code}/publish", headers=w.h("istew")).status_code == 200
    r = w.client.post(f"/api/v1/service-items/{code}/publish", headers=w.h("istew"))
    assert r.status_code == 409 and r.json()["field"] == "item"
    assert (
        w.client.post(
            "/api/v1/service-items", json=item(name="食品经营许可（新办，修订）"), headers=w.h("istew")
        ).status_code
        == 201
    )
    assert w.client.delete(f"/api/v1/service-items/{code}/draft", headers=w.h("istew")).status_code == 204
    assert w.client.get(f"/api/v1/service-items/{code}").json()["name"] == "食品经营许可（新办）"
