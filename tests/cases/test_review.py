"""差评复核 (a bad or unresolved rating reviewed by a supervisor), ratings once per round,
idempotent retries, 协办回复 and the work queues of ``GET /api/v1/cases?queue=`` — through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from zhizhi.cases import queries
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings

MONDAY_10H = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
FRIDAY_10H = datetime(2026, 11, 6, 2, 0, tzinfo=UTC)


def _queue(world: Any, username: str, queue: str) -> list[str]:
    r = world.client.get(
        "/api/v1/cases", params={"queue": queue, "page_size": 200}, headers=world.h(username)
    )
    assert r.status_code == 200, r.text
    return [c["number"] for c in r.json()["items"]]


def _timeline(world: Any, username: str, number: str) -> list[dict[str, Any]]:
    r = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h(username))
    assert r.status_code == 200, r.text
    return list(r.json())


def _rate(world: Any, number: str, rating: str, resolved: bool, key: str | None = None) -> Any:
    headers = world.h("agent") | ({"Idempotency-Key": key} if key else {})
    return world.client.post(
        f"/api/v1/cases/{number}/actions",
        json={"action": "rate", "rating": rating, "resolved": resolved},
        headers=headers,
    )


class TestBadRatingGoesToReview:
    @pytest.mark.parametrize(
        ("rating", "resolved"),
        [("dissatisfied", True), ("very_dissatisfied", False), ("satisfied", False)],
    )
    def test_bad_or_unresolved_rating_waits_for_a_supervisor(
        self, world: Any, rating: str, resolved: bool
    ) -> None:
        clock.freeze(FRIDAY_10H)
        number = world.case_in("replied")
        r = _rate(world, number, rating, resolved)
        assert r.status_code == 200, r.text
        out = r.json()
        assert out["status"] == "reviewing" and out["status_label"]["zh"] == "差评复核中"
        # due within one working day: Friday's rating is due Monday (the weekend does not count)
        due = clock.to_local(datetime.fromisoformat(out["review_due_at"]))
        assert due.date().isoformat() == "2026-11-09"
        last = _timeline(world, "admin", number)[-1]
        assert (last["action"], last["from_status"], last["to_status"]) == ("rate", "replied", "reviewing")
        assert last["payload"]["review"] is True
        assert number in _queue(world, "supervisor", "bad_rating_review")
        assert world.get("supervisor", number)["available_actions"] == [
            "review_reopen",
            "review_explain",
            "review_appeal",
        ]

    def test_good_resolved_rating_stays_replied_and_is_not_queued(self, world: Any) -> None:
        number = world.case_in("replied")
        out = _rate(world, number, "basically_satisfied", True).json()
        assert out["status"] == "replied" and out["review_due_at"] is None
        assert number not in _queue(world, "supervisor", "bad_rating_review")


class TestRatedOncePerRound:
    def test_second_rating_is_409_in_both_languages(self, world: Any) -> None:
        good = world.case_in("replied")
        assert _rate(world, good, "satisfied", True).status_code == 200
        r = _rate(world, good, "very_dissatisfied", False)
        assert r.status_code == 409
        assert r.json()["message"] == {
            "zh": "本次答复已评价，不能重复评价",
            "en": "this reply has already been rated",
        }
        bad = world.case_in("replied")
        assert _rate(world, bad, "dissatisfied", False).status_code == 200
        r = _rate(world, bad, "satisfied", True)
        assert r.status_code == 409 and r.json()["current_status"] == "reviewing"
        assert r.json()["message"]["zh"] and r.json()["message"]["en"]
        assert world.get("admin", good)["rating"] == "satisfied"

    def test_a_retry_with_the_same_key_is_not_an_error_and_rates_once(self, world: Any) -> None:
        number = world.case_in("replied")
        first = _rate(world, number, "dissatisfied", False, key="rate-1")
        events = len(_timeline(world, "admin", number))
        again = _rate(world, number, "dissatisfied", False, key="rate-1")
        assert again.status_code == 200 and again.headers.get("Idempotent-Replayed") == "true"
        assert "Idempotent-Replayed" not in first.headers
        assert again.json()["status"] == "reviewing" and again.json()["version"] == first.json()["version"]
        assert len(_timeline(world, "admin", number)) == events
        other = _rate(world, number, "satisfied", True, key="rate-1")  # same key, another request
        assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"

    def test_a_reopened_case_is_rated_again_in_its_new_round(self, world: Any) -> None:
        number = world.case_in("reviewing")
        world.act("supervisor", number, "review_reopen", reason="问题仍在，督办重办")
        world.act("h_s1", number, "sign")
        world.act("h_s1", number, "reply", reply="已再次处理并回访确认。")
        out = _rate(world, number, "satisfied", True).json()
        assert out["status"] == "replied" and out["rating"] == "satisfied"


class TestSupervisorDecides:
    def test_reopen_goes_back_to_the_lead_unit_under_supervision(self, world: Any) -> None:
        number = world.case_in("reviewing")
        before = world.get("admin", number)
        out = world.act("supervisor", number, "review_reopen", reason="回访核实问题仍在")
        assert out["status"] == "dispatched" and out["lead_department"]["code"] == "S1"
        assert out["supervision_count"] == before["supervision_count"] + 1
        assert out["reopen_count"] == 1 and out["rating"] is None and out["reply"] is None
        last = _timeline(world, "admin", number)[-1]
        assert last["reason"] == "回访核实问题仍在" and last["payload"]["decision"] == "reopen"
        assert last["payload"]["previous_rating"] == "dissatisfied"
        assert number in _queue(world, "supervisor", "supervised")
        assert number not in _queue(world, "supervisor", "bad_rating_review")
        assert number in _queue(world, "h_s1", "supervised")  # the lead unit sees its mark

    def test_explain_closes_with_the_explanation(self, world: Any) -> None:
        number = world.case_in("reviewing")
        out = world.act("supervisor", number, "review_explain", reason="已向群众解释相关政策")
        assert out["status"] == "closed" and out["rating"] == "dissatisfied"
        assert out["rating_excluded"] is False and out["review_due_at"] is None
        assert _timeline(world, "admin", number)[-1]["reason"] == "已向群众解释相关政策"

    def test_appeal_keeps_the_rating_but_out_of_the_rates(self, world: Any) -> None:
        clock.freeze(MONDAY_10H)
        kept = world.case_in("reviewing")
        appealed = world.case_in("reviewing")
        world.act("supervisor", kept, "review_explain", reason="已解释说明")
        out = world.act("supervisor", appealed, "review_appeal", reason="评价针对的是另一件事，属误评")
        assert out["status"] == "closed" and out["rating_excluded"] is True
        assert out["rating"] == "dissatisfied"  # kept on record
        supervisor = Principal(0, "t", "t", Role.SUPERVISOR, None, None)
        with unit_of_work() as session:
            counts = queries.summary(session, supervisor, queries.named_period("today"), None)["counts"]
        assert counts["total"] == 2 and counts["rated"] == 1 and counts["resolved"] == 0
        # an upheld appeal leaves nothing to reopen
        world.act("dispatcher", appealed, "reopen", expect=409, reason="再次重办")
        world.act("dispatcher", kept, "reopen", reason="群众再次反映")

    @pytest.mark.parametrize("action", ["review_reopen", "review_explain", "review_appeal"])
    def test_each_decision_needs_a_reason(self, world: Any, action: str) -> None:
        number = world.case_in("reviewing")
        r = world.client.post(
            f"/api/v1/cases/{number}/actions", json={"action": action}, headers=world.h("supervisor")
        )
        assert r.status_code == 422 and "reason" in r.text
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": action, "reason": " "},
            headers=world.h("supervisor"),
        )
        assert r.status_code == 422
        assert world.get("admin", number)["status"] == "reviewing"

    @pytest.mark.parametrize("username", ["dispatcher", "h_s1", "leader", "agent"])
    def test_only_a_supervisor_decides(self, world: Any, username: str) -> None:
        number = world.case_in("reviewing")
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "review_explain", "reason": "已解释说明"},
            headers=world.h(username),
        )
        assert r.status_code == 403, r.text
        assert r.json()["permission"] == "case:review_rating"
        assert r.json()["message"]["zh"] and r.json()["message"]["en"]

    @pytest.mark.parametrize("status", ["replied", "closed", "in_progress"])
    def test_no_decision_outside_review(self, world: Any, status: str) -> None:
        number = world.case_in(status)
        for action in ("review_reopen", "review_explain", "review_appeal"):
            r = world.client.post(
                f"/api/v1/cases/{number}/actions",
                json={"action": action, "reason": "试图复核"},
                headers=world.h("supervisor"),
            )
            assert r.status_code == 409 and r.json()["current_status"] == status

    def test_a_reviewing_case_cannot_be_closed_or_reopened_around_the_review(self, world: Any) -> None:
        number = world.case_in("reviewing")
        world.act("dispatcher", number, "close", expect=409, reason="直接办结")
        world.act("dispatcher", number, "reopen", expect=409, reason="直接重办")


class TestAutoReopenSetting:
    @pytest.fixture
    def auto(self, monkeypatch: pytest.MonkeyPatch) -> Any:
        monkeypatch.setenv("ZHIZHI_BAD_RATING_AUTO_REOPEN", '["very_dissatisfied", "unresolved"]')
        get_settings.cache_clear()
        yield
        monkeypatch.delenv("ZHIZHI_BAD_RATING_AUTO_REOPEN")
        get_settings.cache_clear()

    def test_listed_ratings_reopen_at_once_others_wait(self, world: Any, auto: Any) -> None:
        assert get_settings().bad_rating_auto_reopen == ["very_dissatisfied", "unresolved"]
        listed = world.case_in("replied")
        out = _rate(world, listed, "very_dissatisfied", True).json()
        assert out["status"] == "dispatched" and out["supervision_count"] == 1
        steps = _timeline(world, "admin", listed)[-2:]
        assert [(e["action"], e["to_status"]) for e in steps] == [
            ("rate", "reviewing"),
            ("review_reopen", "dispatched"),
        ]
        assert steps[1]["actor"] == "system" and "BAD_RATING_AUTO_REOPEN" in steps[1]["reason"]
        unresolved = world.case_in("replied")
        assert _rate(world, unresolved, "satisfied", False).json()["status"] == "dispatched"
        waits = world.case_in("replied")
        assert _rate(world, waits, "dissatisfied", True).json()["status"] == "reviewing"

    def test_the_default_reopens_nothing(self, world: Any) -> None:
        assert get_settings().bad_rating_auto_reopen == []
        number = world.case_in("replied")
        assert _rate(world, number, "very_dissatisfied", False).json()["status"] == "reviewing"


class TestCoUnits:
    def _case(self, world: Any) -> str:
        number = str(world.create()["number"])
        world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["D2"])
        return number

    def test_co_unit_sees_replies_and_leaves_its_queue(self, world: Any) -> None:
        number = self._case(world)
        other = str(world.create()["number"])
        world.act("dispatcher", other, "dispatch", lead_department="S1")
        assert world.get("h_d2", number)["co_units"][0]["replied_at"] is None
        assert _queue(world, "h_d2", "co_unit_pending") == [number]
        assert _queue(world, "h_s1", "co_unit_pending") == []  # the lead is no co-unit
        assert number in _queue(world, "supervisor", "co_unit_pending")
        # the lead unit cannot reply as a co-unit; nobody outside the case sees it at all
        world.act("h_s1", number, "co_reply", expect=403, reply="主办单位代答")
        world.act("h_zj", number, "co_reply", expect=403, reply="无关单位")
        out = world.act("h_d2", number, "co_reply", reply="芙蓉区已协调城管到场核查。")
        assert out["status"] == "dispatched" and out["co_units"][0]["replied_at"] is not None
        last = _timeline(world, "h_s1", number)[-1]  # the lead reads the reply on the timeline
        assert last["action"] == "co_reply" and last["actor"] == "h_d2"
        assert last["action_label"]["zh"] == "协办回复"
        assert last["payload"] == {"co_departments": ["D2"], "reply": "芙蓉区已协调城管到场核查。"}
        assert last["reason"] == "芙蓉区已协调城管到场核查。"  # shown on the workbench's timeline
        assert _queue(world, "h_d2", "co_unit_pending") == []
        assert number not in _queue(world, "supervisor", "co_unit_pending")
        again = world.act("h_d2", number, "co_reply", expect=409, reply="再次回复")
        assert again["message"]["en"] == "no co-unit of yours is waiting to reply"

    def test_co_reply_while_handling_only(self, world: Any) -> None:
        number = self._case(world)
        world.act("h_s1", number, "sign")
        world.act("h_d2", number, "co_reply", reply="协办意见已提供。")
        world.act("h_s1", number, "reply", reply="已处理完毕。")
        r = world.act("h_d2", number, "co_reply", expect=409, reply="答复后补充")
        assert r["current_status"] == "replied"

    def test_grid_worker_without_the_case_gets_403(self, world: Any) -> None:
        number = self._case(world)
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "co_reply", "reply": "网格员回复"},
            headers=world.h("grid"),
        )
        assert r.status_code == 403


class TestQueues:
    def test_extension_pending_until_decided_and_scoped(self, world: Any) -> None:
        number = world.case_in("in_progress")
        d2 = world.case_in("in_progress", lead="D2")
        assert _queue(world, "supervisor", "extension_pending") == []
        world.act("h_s1", number, "request_extension", amount=3, reason="需协调多部门")
        world.act("h_d2", d2, "request_extension", amount=2, reason="需等待检测")
        assert sorted(_queue(world, "supervisor", "extension_pending")) == sorted([number, d2])
        assert _queue(world, "h_s1", "extension_pending") == [number]  # only what it may see
        assert _queue(world, "h_d2", "extension_pending") == [d2]
        world.act("supervisor", number, "approve_extension", approved=False, reason="理由不充分")
        assert _queue(world, "supervisor", "extension_pending") == [d2]

    def test_supervised_lists_open_supervised_cases(self, world: Any) -> None:
        number = world.case_in("in_progress")
        closed = world.case_in("closed")
        assert _queue(world, "supervisor", "supervised") == []
        world.act("supervisor", number, "supervise", note="请加快办理")
        assert _queue(world, "supervisor", "supervised") == [number]
        assert closed not in _queue(world, "supervisor", "supervised")
        assert _queue(world, "h_d2", "supervised") == []

    def test_status_queues_too(self, world: Any) -> None:
        number = world.case_in("returned")
        assert _queue(world, "dispatcher", "returned") == [number]

    @pytest.mark.parametrize("name", ["nope", "", "BAD_RATING_REVIEW", "x" * 41])
    def test_unknown_queue_is_422_naming_the_field(self, world: Any, name: str) -> None:
        r = world.client.get("/api/v1/cases", params={"queue": name}, headers=world.h("supervisor"))
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["field"].endswith("queue")
        assert problem["message"]["zh"] and problem["message"]["en"]

    def test_public_sees_only_its_own_in_a_queue(self, world: Any) -> None:
        world.case_in("reviewing")
        assert _queue(world, "citizen", "bad_rating_review") == []
