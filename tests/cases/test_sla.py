"""Deadlines on the case: working days from the category × urgency limit, pauses, extensions, states."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from zhizhi.core import clock
from zhizhi.core.workdays import local_date

# 2026-09-30 10:00 Asia/Shanghai
START = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)


def _due_date(case: dict[str, Any]) -> date:
    return local_date(datetime.fromisoformat(case["due_at"]))


class TestDeadlines:
    def test_working_day_limit_skips_national_day(self, world: Any) -> None:
        clock.freeze(START)
        case = world.create()  # default normal limit: 10 working days
        # 10-8, 10-9, 10-10 (make-up Saturday), 10-12 … 10-16, 10-19, 10-20
        assert _due_date(case) == date(2026, 10, 20)
        assert case["due_provisional"] is False

    def test_urgent_limit_is_shorter(self, world: Any) -> None:
        clock.freeze(START)
        case = world.create(urgency="urgent")
        assert _due_date(case) == date(2026, 10, 9)

    def test_hour_limit_for_utilities(self, world: Any) -> None:
        clock.freeze(START)
        case = world.create(category="SDQR")
        assert datetime.fromisoformat(case["due_at"]) == START + timedelta(hours=24)

    def test_calendar_day_limit(self, world: Any) -> None:
        clock.freeze(START)
        case = world.create(category="JYWT")
        assert _due_date(case) == date(2026, 10, 7)

    def test_deadline_into_2027_is_provisional(self, world: Any) -> None:
        clock.freeze(datetime(2026, 12, 28, 2, 0, tzinfo=UTC))
        case = world.create()
        assert case["due_provisional"] is True
        assert _due_date(case).year == 2027


class TestClockStops:
    def test_suspension_stops_the_clock_and_moves_the_due_date(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))  # Monday
        number = world.case_in("in_progress")
        due_before = _due_date(world.get("admin", number))
        world.act("supervisor", number, "suspend", reason="等待第三方检测")
        clock.freeze(datetime(2026, 11, 9, 2, 0, tzinfo=UTC))  # one week later: 5 working days
        out = world.act("supervisor", number, "resume")
        assert out["status"] == "in_progress"
        assert _due_date(out) == date(2026, 11, 23)  # 2026-11-16 + 5 working days
        assert due_before == date(2026, 11, 16)

    def test_a_pause_moves_an_hour_limit_by_its_wall_time(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        case = world.create(category="SDQR")  # 24 hours
        assert case["due_at"] == "2026-11-03T02:00:00Z"
        world.act("supervisor", case["number"], "suspend", reason="等待供水公司检测")
        clock.freeze(datetime(2026, 11, 2, 5, 30, tzinfo=UTC))
        out = world.act("supervisor", case["number"], "resume")
        assert out["status"] == "accepted" and out["due_at"] == "2026-11-03T05:30:00Z"

    def test_a_pause_moves_a_calendar_day_limit_by_the_days_it_covered(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        case = world.create(category="JYWT")  # 7 calendar days: 2026-11-09 end of day
        assert case["due_at"] == "2026-11-09T15:59:59Z"
        world.act("supervisor", case["number"], "suspend", reason="等待学校答复")
        clock.freeze(datetime(2026, 11, 4, 2, 0, tzinfo=UTC))
        out = world.act("supervisor", case["number"], "resume")
        assert out["due_at"] == "2026-11-11T15:59:59Z"

    def test_state_is_frozen_while_suspended(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        number = world.case_in("in_progress")
        world.act("supervisor", number, "suspend", reason="等待鉴定")
        clock.freeze(datetime(2026, 12, 20, 2, 0, tzinfo=UTC))  # long past the original due date
        assert world.get("admin", number)["sla_state"] == "normal"

    def test_approved_extension_moves_the_due_date(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        number = world.case_in("in_progress")
        world.act("h_s1", number, "request_extension", amount=3, reason="涉及多个部门")
        world.act("h_s1", number, "request_extension", expect=409, amount=3, reason="再申请")
        out = world.act("dispatcher", number, "approve_extension", approved=True)
        assert _due_date(out) == date(2026, 11, 19)
        assert out["pending_extension"] is None

    def test_rejected_extension_keeps_the_due_date(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        number = world.case_in("in_progress")
        world.act("h_s1", number, "request_extension", amount=3, reason="涉及多个部门")
        out = world.act("supervisor", number, "approve_extension", approved=False, reason="理由不充分")
        assert _due_date(out) == date(2026, 11, 16)


class TestSlaStates:
    def test_normal_warning_overdue_and_filter(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        number = world.create()["number"]  # due 2026-11-16 end of day; warning at 80 %
        assert world.get("admin", number)["sla_state"] == "normal"
        clock.freeze(datetime(2026, 11, 14, 2, 0, tzinfo=UTC))
        assert world.get("admin", number)["sla_state"] == "warning"
        clock.freeze(datetime(2026, 11, 17, 2, 0, tzinfo=UTC))
        case = world.get("admin", number)
        assert case["sla_state"] == "overdue" and case["working_days_left"] < 0
        r = world.client.get("/api/v1/cases", params={"sla_state": "overdue"}, headers=world.h("dispatcher"))
        assert [c["number"] for c in r.json()["items"]] == [number]
        r = world.client.get("/api/v1/cases", params={"sla_state": "normal"}, headers=world.h("dispatcher"))
        assert r.json()["total"] == 0

    def test_reply_stops_the_clock_and_records_on_time(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        number = world.case_in("replied")
        clock.freeze(datetime(2026, 12, 30, 2, 0, tzinfo=UTC))
        assert world.get("admin", number)["sla_state"] == "normal"

    def test_reopen_restarts_the_clock(self, world: Any) -> None:
        clock.freeze(datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
        number = world.case_in("replied")
        world.act("citizen", number, "rate", expect=404, rating="satisfied", resolved=True)
        world.act("agent", number, "rate", rating="very_dissatisfied", resolved=False)
        world.act("dispatcher", number, "close", expect=409)  # a bad rating goes to 差评复核 first
        clock.freeze(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
        out = world.act("supervisor", number, "review_reopen", reason="群众不满意，督办重办")
        assert out["status"] == "dispatched" and out["reopen_count"] == 1
        assert out["supervision_count"] == 1
        assert _due_date(out) == date(2026, 12, 4) and out["rating"] is None

    def test_calendar_due_endpoint(self, client: Any, world: Any) -> None:
        r = client.get("/api/v1/calendar/due", params={"start": "2026-09-30", "working_days": 5})
        assert r.json() == {
            "start": "2026-09-30",
            "working_days": 5,
            "due_date": "2026-10-13",
            "provisional": False,
        }
        r = client.get("/api/v1/calendar/due", params={"start": "2027-03-01", "working_days": 5})
        assert r.json()["provisional"] is True
        r = client.get("/api/v1/calendar/due", params={"start": "2026-13-01", "working_days": 5})
        assert r.status_code == 422 and r.json()["field"] == "start"
        r = client.get("/api/v1/calendar/due", params={"start": "9999-12-30", "working_days": 10})
        assert r.status_code == 422 and r.json()["field"] == "start"
        r = client.get("/api/v1/calendar/due", params={"start": "2026-01-01", "working_days": -1})
        assert r.status_code == 422 and r.json()["field"] == "working_days"
