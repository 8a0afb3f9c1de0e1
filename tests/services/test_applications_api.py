"""Applications (办件) through the API: submission with its one complete list of problems, every
transition allowed and refused, supplements (一次性告知), special procedures, the extension,
即办件, department scope, certificates as results, tracking — on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.attachments.photos import exe
from tests.builders import World
from tests.services.apps_data import (
    CERT_FIELDS,
    FILES,
    IMMEDIATE,
    LICENCE,
    ORG_CODE,
    PERSON_ID,
    RETIRED,
    act,
    app_of,
    org_application,
    publish_items,
    submit,
)


@pytest.fixture
def w(world: World) -> World:
    publish_items(world)
    return world


def _count(w: World) -> int:
    r = w.client.get("/api/v1/cases?kind=application", headers=w.h("admin"))
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def test_submit_online_and_list_as_cases(w: World) -> None:
    out = submit(w)
    assert out["status"] == "submitted" and out["status_label"]["zh"] == "待预审"
    assert out["item"]["implementation_code"] == LICENCE and out["round"] == 1
    states = {m["code"]: m["state"] for m in out["materials"]}
    assert states == {
        "food.application_form": "received",
        "enterprise.business_licence": "received",
        "food.safety_rules": "not_applicable",
    }
    listed = w.client.get("/api/v1/cases?kind=application", headers=w.h("h_zj")).json()
    assert [c["number"] for c in listed["items"]] == [out["number"]]
    assert (
        listed["items"][0]["kind"] == "application" and listed["items"][0]["lead_department"]["code"] == "ZJ"
    )
    appeals = w.client.get("/api/v1/cases?kind=appeal", headers=w.h("admin")).json()
    assert out["number"] not in [c["number"] for c in appeals["items"]]
    bad = w.client.get("/api/v1/cases?kind=nonsense", headers=w.h("admin"))
    assert bad.status_code == 422 and bad.json()["field"] == "kind"


def test_personal_data_is_masked_for_other_readers(w: World) -> None:
    data = org_application(
        applicant={"type": "person", "name": "张小明", "id_number": PERSON_ID, "phone": "13912345678"},
        item=LICENCE,
    )
    # this item serves organisations only
    r = submit(w, data=data, expect=422)
    assert "applicant.type" in [e["field"] for e in r["errors"]]
    number = submit(w)["number"]
    supervisor = w.client.get(f"/api/v1/applications/{number}", headers=w.h("supervisor")).json()
    assert supervisor["masked"] and supervisor["applicant"]["phone"] == "139****1111"
    assert supervisor["form"] is None
    reviewer = app_of(w, number)
    assert not reviewer["masked"] and reviewer["applicant"]["id_number"] == ORG_CODE


def test_every_problem_is_listed_at_once_and_nothing_is_written(w: World) -> None:
    data = org_application(
        applicant={"type": "organisation", "name": "某公司", "id_number": "91430104MA4L00000X"},
        form={"enterprise.name": "", "food.category": "卖军火"},
        agent={"name": "李四", "id_number": "430104199003071230"},
    )
    r = w.client.post(
        "/api/v1/applications",
        data={"data": __import__("json").dumps(data, ensure_ascii=False)},
        files=[("material.food.safety_rules", ("x.exe", exe(), "application/octet-stream"))],
        headers=w.h("citizen"),
    )
    assert r.status_code == 422, r.text
    body = r.json()
    fields = {e["field"] for e in body["errors"]}
    assert {
        "applicant.id_number",
        "agent.id_number",
        "form.enterprise.name",
        "form.enterprise.credit_code",
        "form.food.category",
        "materials.food.safety_rules",
        "materials.food.application_form",
        "materials.enterprise.business_licence",
    } <= fields, fields
    assert body["message"]["zh"] and body["message"]["en"]
    assert all(e["zh"] and e["en"] for e in body["errors"])
    assert _count(w) == 0


def test_retired_and_unknown_items(w: World) -> None:
    r = submit(w, data=org_application(item=RETIRED), expect=409)
    assert r["field"] == "item" and r["message"]["zh"]
    r = submit(w, data=org_application(item="X" * 31), expect=404)
    assert r["field"] == "item"
    assert _count(w) == 0


def test_anonymous_needs_a_phone_and_public_cannot_use_the_window(w: World) -> None:
    data = org_application()
    data["applicant"] = {k: v for k, v in data["applicant"].items() if k != "phone"}
    assert submit(w, user=None, data=data, expect=422)["field"] == "applicant.phone"
    assert submit(w, data=org_application(channel="window"), expect=422)["field"] == "channel"


def test_full_path_to_a_signed_certificate(w: World) -> None:
    number = submit(w)["number"]
    act(w, "h_zj", number, "approve", expect=409)  # not examined yet
    accepted = act(w, "h_zj", number, "accept")
    assert accepted["status"] == "accepted" and accepted["status_label"]["zh"] == "已受理"
    app = app_of(w, number)
    assert app["due_at"] and app["legal_due_at"] and app["due_at"] <= app["legal_due_at"]
    act(w, "h_zj", number, "examine")
    act(w, "h_zj", number, "start_special", procedure="inspection", reason="现场核查经营场所")
    paused = app_of(w, number)
    assert (
        paused["status"] == "special"
        and not paused["clock_running"]
        and paused["special"]["name"] == "现场核查"
    )
    act(w, "h_zj", number, "approve", expect=409)  # paused: no decision
    act(w, "h_zj", number, "end_special", result="现场核查合格")
    act(w, "h_zj", number, "extend", expect=403, days=5, reason="需补充核查")  # not the head
    before = app_of(w, number)["due_at"]
    act(w, "leader", number, "extend", days=11, reason="情况复杂", expect=422)
    act(w, "leader", number, "extend", days=5, reason="情况复杂，需补充核查")
    after = app_of(w, number)
    assert after["due_at"] > before and after["extension_days"] == 5
    act(w, "leader", number, "extend", days=2, reason="再次延期", expect=409)
    assert (
        "extend"
        not in w.client.get(f"/api/v1/cases/{number}", headers=w.h("leader")).json()["available_actions"]
    )
    r = act(w, "h_zj", number, "approve", expect=422)  # the certificate's fields are missing
    assert {e["field"] for e in r["errors"]} == {"certificate_fields.经营场所", "certificate_fields.主体业态"}
    assert app_of(w, number)["status"] == "examining"
    act(w, "h_zj", number, "approve", opinion="符合条件", certificate_fields=CERT_FIELDS)
    done = app_of(w, number)
    assert done["status"] == "approved" and done["certificate_number"] == f"ZZ{number}"
    verified = w.client.get(f"/api/v1/certificates/{done['certificate_number']}/verify").json()
    assert verified["valid"] is True and verified["reason"]["code"] == "signature_ok"
    assert w.client.get("/api/v1/certificates/NO-SUCH/verify").json()["valid"] is False
    act(w, "h_zj", number, "deliver", method="post", expect=422)  # no waybill
    act(w, "h_zj", number, "deliver", method="certificate")
    closed = app_of(w, number)
    assert closed["status"] == "closed" and closed["delivery"] == "certificate"
    timeline = w.client.get(f"/api/v1/cases/{number}/timeline", headers=w.h("h_zj")).json()
    assert [e["action"] for e in timeline] == [
        "create",
        "accept",
        "examine",
        "start_special",
        "end_special",
        "extend",
        "approve",
        "deliver",
    ]
    assert timeline[1]["action_label"]["zh"] == "受理"
    lookup = w.client.post(
        "/api/v1/certificates/lookup",
        json={"holder_id": ORG_CODE, "types": ["food_business_permit"], "purpose": "政务服务办理"},
        headers=w.h("h_zj"),
    )
    assert lookup.status_code == 200 and [c["number"] for c in lookup.json()] == [f"ZZ{number}"]


def test_approval_without_a_signing_key_changes_nothing(world: World) -> None:
    publish_items(world, signing_key=False)
    number = submit(world)["number"]
    act(world, "h_zj", number, "accept")
    act(world, "h_zj", number, "examine")
    r = act(world, "h_zj", number, "approve", expect=409, certificate_fields=CERT_FIELDS)
    assert r["field"] == "grade"
    after = app_of(world, number)
    assert (
        after["status"] == "examining" and after["certificate_number"] is None and after["decision"] is None
    )


def test_supplement_once_per_round(w: World) -> None:
    number = submit(w)["number"]
    act(w, "h_zj", number, "request_supplement", items=[], expect=422)
    act(w, "h_zj", number, "request_supplement", items=[{"code": "nope", "problem": "不存在"}], expect=422)
    act(
        w,
        "h_zj",
        number,
        "request_supplement",
        items=[
            {"code": "food.application_form", "problem": "申请书未盖公章"},
            {"code": "food.safety_rules", "problem": "请补充食品安全管理制度"},
        ],
        note="请一次性补齐",
    )
    app = app_of(w, number, user="citizen")
    assert app["status"] == "correcting" and len(app["notice"]["items"]) == 2 and not app["clock_running"]
    act(
        w,
        "h_zj",
        number,
        "request_supplement",
        items=[{"code": "food.safety_rules", "problem": "再要"}],
        expect=409,
    )
    act(w, "h_zj", number, "accept", expect=409)
    # the supplement must bring everything the notice asked for: one list of what is still missing
    r = w.client.post(
        f"/api/v1/applications/{number}/supplement",
        data={"data": "{}"},
        files=[
            (
                "material.food.application_form",
                ("申请书.pdf", FILES["material.food.application_form"][1], "application/pdf"),
            )
        ],
        headers=w.h("citizen"),
    )
    assert r.status_code == 422 and {e["field"] for e in r.json()["errors"]} == {
        "materials.food.safety_rules"
    }
    assert (
        w.client.post(
            f"/api/v1/applications/{number}/supplement", json={}, headers=w.h("citizen2")
        ).status_code
        == 404
    )
    r = w.client.post(
        f"/api/v1/applications/{number}/supplement",
        data={"data": '{"note": "已补齐"}'},
        files=[
            (
                "material.food.application_form",
                ("申请书.pdf", FILES["material.food.application_form"][1], "application/pdf"),
            ),
            (
                "material.food.safety_rules",
                ("制度.pdf", FILES["material.food.application_form"][1], "application/pdf"),
            ),
        ],
        headers=w.h("citizen"),
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "submitted" and out["round"] == 2 and out["clock_running"]
    assert {m["code"]: len(m["attachments"]) for m in out["materials"]}["food.application_form"] == 2
    # a new round may have its own notice
    act(
        w,
        "h_zj",
        number,
        "request_supplement",
        items=[{"code": "food.safety_rules", "problem": "制度不完整"}],
    )
    act(w, "h_zj", number, "refuse_acceptance", reason="逾期未补正", expect=422)
    act(w, "h_zj", number, "refuse_acceptance", reason="逾期未补正", legal_basis="《行政许可法》第三十二条")
    assert app_of(w, number)["status"] == "not_accepted"
    act(w, "citizen", number, "withdraw", reason="不办了", expect=409)


def test_deny_needs_a_legal_basis(w: World) -> None:
    number = submit(w)["number"]
    act(w, "h_zj", number, "accept")
    act(w, "h_zj", number, "examine")
    act(w, "h_zj", number, "deny", reason="场所不符合要求", expect=422)
    act(w, "h_zj", number, "deny", reason="场所不符合要求", legal_basis="《食品安全法》第三十三条")
    app = app_of(w, number)
    assert app["status"] == "denied" and app["decision_basis"] == "《食品安全法》第三十三条"
    act(w, "h_zj", number, "deliver", method="certificate", expect=422)
    act(w, "h_zj", number, "deliver", method="window", detail="市民中心 12 号窗口")
    assert app_of(w, number)["status"] == "closed"


def test_immediate_item_is_decided_at_acceptance(w: World) -> None:
    data = {
        "item": IMMEDIATE,
        "applicant": {"type": "person", "name": "张小明", "id_number": PERSON_ID},
        "materials": [{"code": "person.id_card", "received": True}],
    }
    r = w.client.post("/api/v1/applications", json=data | {"channel": "window"}, headers=w.h("h_zj"))
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    assert r.json()["channel"] == "window" and r.json()["immediate"]
    assert "accept" not in r.json()["available_actions"]
    assert "decide_at_acceptance" in r.json()["available_actions"]
    act(w, "h_zj", number, "accept", expect=409)
    out = act(w, "h_zj", number, "decide_at_acceptance", opinion="当场办结")
    assert out["status"] == "approved"
    act(w, "h_zj", number, "deliver", method="window")
    # a promised item cannot be decided on the spot
    other = submit(w)["number"]
    act(w, "h_zj", other, "decide_at_acceptance", expect=409)


def test_permissions_and_department_scope(w: World) -> None:
    number = submit(w)["number"]
    r = w.client.post(f"/api/v1/cases/{number}/actions", json={"action": "accept"}, headers=w.h("h_d1"))
    assert r.status_code == 403  # outside the department's scope
    r = w.client.post(f"/api/v1/cases/{number}/actions", json={"action": "accept"}, headers=w.h("citizen"))
    assert r.status_code == 403 and r.json()["permission"] == "application:review"
    r = w.client.post(f"/api/v1/cases/{number}/actions", json={"action": "accept"}, headers=w.h("dispatcher"))
    assert r.status_code == 403  # a 12345 dispatcher reads every case but does not review applications
    assert w.client.post(f"/api/v1/cases/{number}/actions", json={"action": "accept"}).status_code == 401
    # an appeal action on an application and an application action on an appeal: 422 on the action
    r = w.client.post(
        f"/api/v1/cases/{number}/actions",
        json={"action": "dispatch", "lead_department": "ZJ"},
        headers=w.h("admin"),
    )
    assert r.status_code == 422 and r.json()["field"].startswith("action")
    appeal = w.create()["number"]
    r = w.client.post(f"/api/v1/cases/{appeal}/actions", json={"action": "examine"}, headers=w.h("admin"))
    assert r.status_code == 422
    # the applicant withdraws their own only
    assert (
        w.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "withdraw", "reason": "不办了"},
            headers=w.h("citizen2"),
        ).status_code
        == 404
    )
    out = act(w, "citizen", number, "withdraw", reason="信息填错，重新申请")
    assert out["status"] == "withdrawn"
    act(w, "h_zj", number, "accept", expect=409)


def test_tracking_by_number_and_id(w: World) -> None:
    number = submit(w)["number"]
    act(w, "h_zj", number, "accept")
    r = w.client.post("/api/v1/applications/track", json={"number": number, "id_number": ORG_CODE.lower()})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["status"] == "accepted" and [s["action"] for s in out["steps"]] == ["create", "accept"]
    assert ORG_CODE not in r.text
    wrong = w.client.post("/api/v1/applications/track", json={"number": number, "id_number": PERSON_ID})
    assert wrong.status_code == 404 and wrong.json()["message"]["en"]
    mine = w.client.get("/api/v1/applications", headers=w.h("citizen")).json()
    assert [a["number"] for a in mine["items"]] == [number]
    assert w.client.get("/api/v1/applications", headers=w.h("citizen2")).json()["total"] == 0


def _ignore(_: Any) -> None:
    return None


def test_applications_stay_out_of_the_12345_queues_and_cockpit(w: World) -> None:
    """Same engine, separate counts: an accepted application is in no 12345 queue and not in the
    cockpit's 诉求办理 figures (they have /work/applications and the services tab)."""
    from zhizhi.cases import queries
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.permissions import Role
    from zhizhi.core.principal import Principal

    number = submit(w)["number"]
    act(w, "h_zj", number, "accept")
    assert app_of(w, number)["status"] == "accepted"

    def queue(name: str) -> set[str]:
        r = w.client.get(f"/api/v1/cases?queue={name}&page_size=100", headers=w.h("admin"))
        assert r.status_code == 200, r.text
        return {c["number"] for c in r.json()["items"]}

    appeal = w.case_in("accepted")  # an agent's intake is accepted at once
    assert queue("accepted") == {appeal}  # the appeal, not the application
    admin = Principal(0, "t", "t", Role.ADMIN, None, None)
    with unit_of_work() as session:
        counts = queries.summary(session, admin, queries.named_period("today"), None)["counts"]
        waiting = queries.queue_counts(session, admin)
    assert counts["total"] == 1
    assert waiting["accepted"] == 1
    # the application is still a case for whoever asks for applications
    listed = w.client.get("/api/v1/cases?kind=application", headers=w.h("admin")).json()
    assert number in {c["number"] for c in listed["items"]}
