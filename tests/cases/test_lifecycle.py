"""Every action from every status through the API, against the hand-written lifecycle
(``tests/cases/lifecycle_expected.py``): allowed → its target and one timeline event; else 409."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.lifecycle_expected import ACTIONS, ALLOWED, EXPECTED, PREVIOUS, REFUSED, STATUSES, STAY

# A valid body for each action (the admin bypasses unit policies, so only the table decides).
BODIES: dict[str, dict[str, Any]] = {
    "accept": {},
    "answer_directly": {"reply": "您咨询的问题答复如下：可携带身份证到窗口办理。"},
    "dispatch": {"lead_department": "S1"},
    "sign": {},
    "handle": {"note": "已现场核查"},
    "co_reply": {"reply": "协办意见：本单位已配合现场核查。"},
    "reply": {"reply": "已处理完毕。"},
    "return": {"reason": "非本单位职责"},
    "redispatch": {"lead_department": "D2", "reason": "改派属地"},
    "reject_return": {"reason": "属于本单位职责，退单不成立"},
    "request_extension": {"amount": 3, "reason": "需协调多部门"},
    "approve_extension": {"approved": True},
    "suspend": {"reason": "等待鉴定"},
    "resume": {},
    "supervise": {"note": "请加快办理"},
    "rate": {"rating": "satisfied", "resolved": True},  # a bad one branches: tests/cases/test_review.py
    "review_reopen": {"reason": "回访核实问题仍在，督办重办"},
    "review_explain": {"reason": "已向群众解释政策规定"},
    "review_appeal": {"reason": "评价与诉求无关，属误评"},
    "close": {"reason": "已解释说明"},
    "reopen": {"reason": "群众不满意"},
    "merge": {},  # parent filled in per test
}


def _body(world: Any, action: str) -> dict[str, Any]:
    body = dict(BODIES[action])
    if action == "merge":
        body["parent"] = world.create()["number"]
    return body


class TestRefusedTransitions:
    @pytest.mark.parametrize("status", STATUSES)
    def test_every_illegal_action_is_409_and_changes_nothing(self, world: Any, status: str) -> None:
        number = world.case_in(status)
        before = world.get("admin", number)
        events_before = len(
            world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("admin")).json()
        )
        illegal = [action for action in ACTIONS if EXPECTED[action][status] == REFUSED]
        assert illegal, status
        for action in illegal:
            r = world.client.post(
                f"/api/v1/cases/{number}/actions",
                json={"action": action, **_body(world, action)},
                headers=world.h("admin"),
            )
            assert r.status_code == 409, (status, action, r.text)
            problem = r.json()
            assert problem["current_status"] == status
            assert problem["message"]["zh"] and problem["message"]["en"]
        after = world.get("admin", number)
        assert after["status"] == before["status"] and after["version"] == before["version"]
        events_after = len(
            world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("admin")).json()
        )
        assert events_after == events_before


def _prepare(world: Any, status: str, action: str) -> str:
    if action == "approve_extension" and status == "suspended":
        number = world.case_in("in_progress")
        world.act("h_s1", number, "request_extension", amount=2, reason="需要协调")
        world.act("supervisor", number, "suspend", reason="等待鉴定")
        return number
    if action == "co_reply":  # a case with a co-unit (D2) the admin answers for
        number = str(world.create()["number"])
        world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["D2"])
        if status == "in_progress":
            world.act("h_s1", number, "sign")
        return number
    number = world.case_in(status)
    if action == "approve_extension":
        world.act("admin", number, "request_extension", amount=2, reason="需要协调")
    if action == "reopen" and status == "closed":  # reopened only after a bad rating: build one
        number = world.case_in("reviewing")
        world.act("supervisor", number, "review_explain", reason="已解释说明")
    return number


class TestAllowedTransitions:
    @pytest.mark.parametrize(("status", "action"), ALLOWED, ids=[f"{s}-{a}" for s, a in ALLOWED])
    def test_allowed_action_moves_to_its_target_and_appends_an_event(
        self, world: Any, status: str, action: str
    ) -> None:
        number = _prepare(world, status, action)
        before = world.get("admin", number)
        timeline_before = world.client.get(
            f"/api/v1/cases/{number}/timeline", headers=world.h("admin")
        ).json()
        out = world.act("admin", number, action, **_body(world, action))
        expected = EXPECTED[action][status]
        if expected == STAY:
            expected = status
        elif expected == PREVIOUS:
            expected = "in_progress"  # every suspended case here was suspended while in progress
        assert before["status"] == status
        assert out["status"] == expected
        timeline = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("admin")).json()
        assert len(timeline) == len(timeline_before) + 1
        last = timeline[-1]
        assert last["action"] == action and last["actor"] == "admin"
        assert last["from_status"] == before["status"] and last["to_status"] == out["status"]


class TestForbidden:
    @pytest.mark.parametrize(
        ("username", "action", "status"),
        [
            ("h_s1", "dispatch", "accepted"),
            ("agent", "sign", "dispatched"),
            ("leader", "reply", "in_progress"),
            ("h_s1", "approve_extension", "in_progress"),
            ("h_s1", "close", "replied"),
            ("dispatcher", "sign", "dispatched"),
            ("grid", "supervise", "in_progress"),
            ("steward", "accept", "received"),
        ],
    )
    def test_role_without_permission_gets_403_with_reason(
        self, world: Any, username: str, action: str, status: str
    ) -> None:
        number = world.case_in(status)
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": action, **_body(world, action)},
            headers=world.h(username),
        )
        assert r.status_code == 403, r.text
        assert r.json()["message"]["zh"]

    def test_citizen_cannot_accept_own_appeal(self, world: Any) -> None:
        number = world.create("citizen", channel="web")["number"]
        r = world.client.post(
            f"/api/v1/cases/{number}/actions", json={"action": "accept"}, headers=world.h("citizen")
        )
        assert r.status_code == 403
        assert "case:accept" in r.json()["permission"]

    def test_handler_of_another_unit_cannot_sign(self, world: Any) -> None:
        number = world.case_in("dispatched", lead="S1")
        world.act("h_zj", number, "sign", expect=403)  # outside scope entirely
        world.act("h_d2", number, "sign", expect=403)

    def test_parent_unit_handler_may_sign_for_its_street(self, world: Any) -> None:
        number = world.case_in("dispatched", lead="S1")
        assert world.act("h_d1", number, "sign")["status"] == "in_progress"

    def test_co_unit_may_record_handling_but_not_reply(self, world: Any) -> None:
        number = world.create()["number"]
        world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["ZJ"])
        world.act("h_s1", number, "sign")
        world.act("h_zj", number, "handle", note="住建局已派员配合")
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "reply", "reply": "已处理完毕"},
            headers=world.h("h_zj"),
        )
        assert r.status_code == 403

    def test_public_can_rate_only_own_case(self, world: Any) -> None:
        number = world.create("citizen", channel="web")["number"]
        world.act("agent", number, "accept")
        world.act("dispatcher", number, "dispatch", lead_department="S1")
        world.act("h_s1", number, "sign")
        world.act("h_s1", number, "reply", reply="已处理")
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "rate", "rating": "satisfied", "resolved": True},
            headers=world.h("citizen2"),
        )
        assert r.status_code == 404  # another citizen's case does not exist for them
        out = world.act("citizen", number, "rate", rating="satisfied", resolved=True)
        assert out["rating"] == "satisfied"
