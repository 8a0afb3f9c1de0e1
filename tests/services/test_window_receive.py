"""Receiving at the window through the API: the checklist, the one-time notice (everything
missing at once, nothing created), and bad input — bilingual with the field, nothing half-made."""

from __future__ import annotations

from typing import Any

from tests.builders import PASSWORD, World
from tests.services.items_data import BODY_CODE, item
from tests.services.window_support import build_halls, publish_item, reception_count
from zhizhi.core.db import unit_of_work
from zhizhi.core.permissions import Role
from zhizhi.org import service as org

PERSON_ID = "11010519491231002X"  # a valid resident ID number (GB 11643 check character X)


def _receive(world: World, body: dict[str, Any], user: str = "clerk_a") -> Any:
    return world.client.post("/api/v1/window/receptions", json=body, headers=world.h(user))


def _body(code: str, **over: Any) -> dict[str, Any]:
    return {
        "item": code,
        "applicant_type": "2",
        "applicant_name": "长沙湘味餐饮有限公司",
        "applicant_id": BODY_CODE,
        "applicant_phone": "13812341234",
        "materials": ["food.application_form", "enterprise.business_licence"],
        "form": {
            "enterprise.name": "长沙湘味餐饮有限公司",
            "enterprise.credit_code": BODY_CODE,
            "food.category": "热食类食品制售",
        },
    } | over


def _cases() -> int:
    return reception_count("cases")


def test_checklist_and_one_time_notice(items_world: World) -> None:
    w = items_world
    build_halls(w)
    code = publish_item(w, item())
    r = w.client.get(f"/api/v1/window/items/{code}/checklist", headers=w.h("clerk_a"))
    assert r.status_code == 200, r.text
    assert [(m["code"], m["required"]) for m in r.json()["materials"]] == [
        ("food.application_form", True),
        ("enterprise.business_licence", True),
        ("food.safety_rules", False),
    ]
    assert r.json()["department"] == "住建局"
    before = _cases()
    # nothing ticked: the notice lists every required material at once, and nothing is created
    r = _receive(w, _body(code, materials=[]))
    assert r.status_code == 200, r.text
    notice = r.json()
    assert notice["outcome"] == "notice" and notice["number"].startswith("GZ")
    assert notice["missing"] == ["食品经营许可申请书", "营业执照"]
    assert notice["rate_url"] is None and notice["window"] == "A1"
    # the optional material alone still leaves both required ones missing
    r = _receive(w, _body(code, materials=["food.safety_rules"]))
    assert r.json()["missing"] == ["食品经营许可申请书", "营业执照"]
    r = _receive(w, _body(code, materials=["food.application_form"]))
    assert r.json()["missing"] == ["营业执照"]
    assert _cases() == before
    # the notice can be printed again within the hall, not from another hall
    number = notice["number"]
    assert w.client.get(f"/api/v1/window/receptions/{number}", headers=w.h("clerk_a2")).status_code == 200
    assert w.client.get(f"/api/v1/window/receptions/{number}", headers=w.h("clerk_b")).status_code == 404
    stats = w.client.get("/api/v1/window/statistics", headers=w.h("clerk_a")).json()
    assert stats["total"] == {"received": 3, "forwarded": 0, "notices": 3}
    assert stats["clerks"][0]["key"] == "clerk_a" and stats["items"][0]["key"] == code


def test_bad_input_is_refused_with_the_field_and_nothing_is_written(items_world: World) -> None:
    w = items_world
    build_halls(w)
    code = publish_item(w, item())
    before = (reception_count(), _cases())
    bad: list[tuple[dict[str, Any], str]] = [
        (_body(code, applicant_id="91430100MA4L12345X"), "applicant_id"),  # check character wrong
        (_body(code, applicant_type="1", applicant_id=PERSON_ID), "applicant_type"),  # item serves firms
        (_body(code, agent_name="李四"), "agent_id"),
        (_body(code, agent_name="李四", agent_id="110105194912310021"), "agent_id"),
        (_body(code, materials=["food.application_form", "no.such"]), "materials"),
        (_body("NOPE"), "item"),
        (_body(code, applicant_type="7"), "applicant_type"),
        (_body(code, applicant_name=""), "applicant_name"),
        (_body(code, applicant_name="x" * 101), "applicant_name"),
        (_body(code, applicant_name="张\x00三"), "applicant_name"),
        (_body(code, materials="food.application_form"), "materials"),
        (_body(code, materials=["m"] * 201), "materials"),
        (_body(code, started_at="yesterday"), "started_at"),
        (_body(code, unknown=1), "unknown"),
    ]
    for body, field in bad:
        r = _receive(w, body)
        assert 400 <= r.status_code < 500, (field, r.status_code, r.text)
        problem = r.json()
        fields = {problem.get("field")} | {
            e.get("field", "").split(".")[0] for e in problem.get("errors", [])
        }
        assert field in fields, (field, problem)
        assert problem["message"]["zh"] and problem["message"]["en"], problem
    assert (reception_count(), _cases()) == before
    # several applicant problems: one answer lists them all
    r = _receive(w, _body(code, applicant_type="1", applicant_id="123", agent_name="李四"))
    assert r.status_code == 422
    assert {e["field"] for e in r.json()["errors"]} == {"applicant_type", "applicant_id", "agent_id"}


def test_who_may_receive(items_world: World) -> None:
    w = items_world
    build_halls(w)
    code = publish_item(w, item())
    for user in ("agent", "h_zj", "citizen", "leader"):
        assert _receive(w, _body(code, materials=[]), user).status_code == 403, user
    # a clerk without a seat: 409 naming the window
    with unit_of_work() as s:
        user = org.create_user(
            s, username="clerk_x", password=PASSWORD, role=Role.WINDOW_CLERK, department_code="HALL_A"
        )
        s.flush()
        w.tokens["clerk_x"] = org.issue_token(s, user)[0]
    r = _receive(w, _body(code, materials=[]), "clerk_x")
    assert r.status_code == 409 and r.json()["field"] == "window"
    # retired: 409 with the field
    r = w.client.post(
        f"/api/v1/service-items/{code}/retire", json={"reason": "事项调整，停止办理"}, headers=w.h("istew")
    )
    assert r.status_code == 200, r.text
    r = _receive(w, _body(code, materials=[]))
    assert r.status_code == 409 and r.json()["field"] == "item"


def test_complete_materials_forward_the_application_to_the_back_office(items_world: World) -> None:
    w = items_world
    build_halls(w)
    code = publish_item(w, item())
    r = _receive(
        w,
        _body(code, materials=["food.application_form", "enterprise.business_licence", "food.safety_rules"]),
    )
    assert r.status_code == 201, r.text
    receipt = r.json()
    number = receipt["number"]
    assert receipt["outcome"] == "forwarded" and receipt["missing"] == []
    assert receipt["materials_received"] == ["食品经营许可申请书", "营业执照", "食品安全管理制度"]
    assert receipt["promised_limit"] == {"value": 5, "unit": "working_day"}
    assert receipt["department"] == "住建局" and receipt["rate_url"] == f"/services/rate?number={number}"
    # an application case of channel window, at the implementing department's back office
    case = w.client.get(f"/api/v1/cases/{number}", headers=w.h("h_zj")).json()
    assert case["kind"] == "application" and case["channel"] == "window"
    assert case["status"] == "submitted"
    r = w.client.get("/api/v1/cases", params={"kind": "application"}, headers=w.h("h_zj"))
    assert number in [c["number"] for c in r.json()["items"]]
    # the applicant tracks it by the number and the credit code
    r = w.client.post("/api/v1/applications/track", json={"number": number, "id_number": BODY_CODE})
    assert r.status_code == 200, r.text
    # the back office accepts it: the materials were checked at the window
    r = w.client.post(f"/api/v1/cases/{number}/actions", json={"action": "accept"}, headers=w.h("h_zj"))
    assert r.status_code == 200, r.text
    # the receipt reprinted within the hall; statistics count it as forwarded
    again = w.client.get(f"/api/v1/window/receptions/{number}", headers=w.h("clerk_a2")).json()
    assert again["materials_received"] == receipt["materials_received"]
    assert again["promised_limit"] == {"value": 5, "unit": "working_day"}
    stats = w.client.get("/api/v1/window/statistics", headers=w.h("clerk_a")).json()
    assert stats["total"] == {"received": 1, "forwarded": 1, "notices": 0}
    assert stats["windows"][0]["key"] == "A1" and stats["clerks"][0]["name"] == "窗口clerk_a"


def test_a_refused_submission_leaves_nothing(items_world: World) -> None:
    """The application's own checks (form fields) refuse the reception as a whole: no case, no
    reception row, every problem listed."""
    w = items_world
    build_halls(w)
    code = publish_item(w, item())
    before = (reception_count(), _cases())
    r = _receive(w, _body(code, form={"enterprise.name": "", "food.category": "卖菜"}))
    assert r.status_code == 422, r.text
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"form.enterprise.name", "form.food.category"} <= fields
    assert (reception_count(), _cases()) == before
