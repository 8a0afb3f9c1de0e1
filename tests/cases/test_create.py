"""Creating cases: the contract, bad input (clear 4xx naming the field, nothing written), idempotency."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from zhizhi.cases.models import Case, CaseEvent
from zhizhi.core.db import session_factory


def _count() -> tuple[int, int]:
    with session_factory()() as s:
        return (
            s.scalar(select(func.count()).select_from(Case)) or 0,
            s.scalar(select(func.count()).select_from(CaseEvent)) or 0,
        )


class TestContract:
    def test_created_case_has_number_status_due_and_sla(self, world: Any) -> None:
        out = world.create()
        assert re.fullmatch(r"\d{13}", out["number"])
        assert out["status"] == "accepted" and out["kind"] == "appeal"
        assert out["due_at"] and out["sla_state"] == "normal"
        assert out["contact_phone"] == "138****1234"  # intake agent's list view is masked until opened
        assert out["category"]["code"] == "HJBH"

    def test_numbers_are_sequential_per_day(self, world: Any) -> None:
        a, b = world.create()["number"], world.create()["number"]
        assert a[:8] == b[:8] and int(b[8:]) == int(a[8:]) + 1

    def test_public_submission_waits_for_acceptance(self, world: Any) -> None:
        out = world.create("citizen", channel="web")
        assert out["status"] == "received"

    def test_anonymous_submission_needs_a_phone(self, client: Any, world: Any) -> None:
        r = client.post("/api/v1/cases", json={"content": "路灯不亮", "channel": "web"})
        assert r.status_code == 422 and r.json()["field"] == "contact_phone"
        r = client.post("/api/v1/cases", json={"content": "路灯不亮", "contact_phone": "138 1234 1234"})
        assert r.status_code == 201 and r.json()["status"] == "received"

    def test_anonymous_cannot_use_staff_channels(self, client: Any, world: Any) -> None:
        r = client.post(
            "/api/v1/cases", json={"content": "x", "channel": "hotline", "contact_phone": "13812341234"}
        )
        assert r.status_code == 422 and r.json()["field"] == "channel"


BAD: list[tuple[dict[str, Any], str]] = [
    ({"content": ""}, "content"),
    ({"content": "   "}, "content"),
    ({"content": "字" * 20_001}, "content"),
    ({"content": "ok", "kind": "rocket"}, "kind"),
    ({"content": "ok", "urgency": "yesterday"}, "urgency"),
    ({"content": "ok", "appeal_type": "rant"}, "appeal_type"),
    ({"content": "ok", "latitude": "north"}, "latitude"),
    ({"content": "ok", "latitude": 123.0}, "latitude"),
    ({"content": "ok", "contact_phone": "12345"}, "contact_phone"),
    ({"content": "ok", "contact_phone": "23812341234"}, "contact_phone"),
    ({"content": "ok", "confidential": "maybe"}, "confidential"),
    ({"content": "ok", "subject": 42}, "subject"),
    ({"content": "ok", "category": "不存在的分类"}, "category"),
    ({"content": "ok", "colour": "red"}, "colour"),
    ({}, "content"),
]


class TestBadInput:
    @pytest.mark.parametrize(("body", "field"), BAD, ids=[f for _, f in BAD])
    def test_bad_field_is_named_and_nothing_is_written(
        self, world: Any, body: dict[str, Any], field: str
    ) -> None:
        before = _count()
        r = world.client.post("/api/v1/cases", json=body, headers=world.h("agent"))
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["field"] == field
        assert problem["message"]["zh"] and problem["message"]["en"]
        assert r.headers["content-type"].startswith("application/problem+json")
        assert _count() == before

    def test_malformed_json_is_400(self, world: Any) -> None:
        r = world.client.post(
            "/api/v1/cases",
            content=b'{"content": "x",',
            headers={**world.h("agent"), "content-type": "application/json"},
        )
        assert r.status_code == 400 and r.json()["code"] == "malformed_json"

    def test_json_that_is_not_an_object(self, world: Any) -> None:
        r = world.client.post("/api/v1/cases", json=["a"], headers=world.h("agent"))
        assert r.status_code == 422

    def test_oversized_body_is_413(self, world: Any) -> None:
        r = world.client.post(
            "/api/v1/cases",
            content=b'{"content": "' + b"a" * 1_100_000 + b'"}',
            headers={**world.h("agent"), "content-type": "application/json"},
        )
        assert r.status_code == 413 and r.json()["message"]["zh"]

    def test_unknown_number_is_404(self, world: Any) -> None:
        r = world.client.get("/api/v1/cases/2099010100001", headers=world.h("agent"))
        assert r.status_code == 404 and r.json()["field"] == "number"

    def test_unknown_action_is_422(self, world: Any) -> None:
        number = world.create()["number"]
        r = world.client.post(
            f"/api/v1/cases/{number}/actions", json={"action": "teleport"}, headers=world.h("admin")
        )
        assert r.status_code == 422 and r.json()["field"].startswith("action")

    def test_action_missing_its_reason(self, world: Any) -> None:
        number = world.case_in("dispatched")
        r = world.client.post(
            f"/api/v1/cases/{number}/actions", json={"action": "return"}, headers=world.h("h_s1")
        )
        assert r.status_code == 422 and r.json()["field"] == "return.reason"

    def test_dispatch_to_unknown_department_writes_nothing(self, world: Any) -> None:
        number = world.create()["number"]
        before = _count()
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "dispatch", "lead_department": "S1", "co_departments": ["NOPE"]},
            headers=world.h("dispatcher"),
        )
        assert r.status_code == 422 and r.json()["field"] == "co_departments.0"
        assert _count() == before
        assert world.get("admin", number)["status"] == "accepted"


class TestIdempotency:
    def test_retry_returns_the_same_case(self, world: Any) -> None:
        body = {"content": "井盖缺失，存在安全隐患", "contact_phone": "13900001111"}
        headers = {**world.h("agent"), "Idempotency-Key": "call-20261122-0001"}
        first = world.client.post("/api/v1/cases", json=body, headers=headers)
        second = world.client.post("/api/v1/cases", json=body, headers=headers)
        assert first.status_code == 201 and second.status_code == 201
        assert first.json()["number"] == second.json()["number"]
        assert second.headers.get("Idempotent-Replayed") == "true"
        assert _count()[0] == 1

    def test_same_key_different_body_is_refused(self, world: Any) -> None:
        headers = {**world.h("agent"), "Idempotency-Key": "k1"}
        assert world.client.post("/api/v1/cases", json={"content": "甲"}, headers=headers).status_code == 201
        r = world.client.post("/api/v1/cases", json={"content": "乙"}, headers=headers)
        assert r.status_code == 422 and r.json()["field"] == "Idempotency-Key"

    def test_keys_are_scoped_per_caller(self, world: Any) -> None:
        a = world.client.post(
            "/api/v1/cases", json={"content": "甲"}, headers={**world.h("agent"), "Idempotency-Key": "x"}
        )
        b = world.client.post(
            "/api/v1/cases", json={"content": "甲"}, headers={**world.h("dispatcher"), "Idempotency-Key": "x"}
        )
        assert a.json()["number"] != b.json()["number"]


class TestIntakeRecord:
    def test_creation_writes_case_event_and_chained_audit_entry_together(self, world: Any) -> None:
        from zhizhi.core import audit

        out = world.create(channel="hotline")
        with session_factory()() as s:
            case = s.scalar(select(Case).where(Case.number == out["number"]))
            assert case is not None and case.version == 1 and case.event_count == 1
            events = s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
            assert [(e.seq, e.action, e.to_status, e.at) for e in events] == [
                (1, "create", "accepted", case.created_at)
            ]
            entries = s.scalars(
                select(audit.AuditEntry).where(
                    audit.AuditEntry.action == "case.create", audit.AuditEntry.object_id == out["number"]
                )
            ).all()
            assert len(entries) == 1 and entries[0].detail["channel"] == "hotline"
            result = audit.verify(s)
            assert result.ok and result.pending == 0
