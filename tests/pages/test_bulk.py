"""Bulk accept / dispatch on the workbench queues: one SAVEPOINT per case, failures per case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.pages.helpers import csrf_of, login
from zhizhi.cases.models import Case, CaseEvent
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work


def test_bulk_accept_reports_a_failure_per_case(client: Any, world: Any) -> None:
    a, b, c = (world.case_in("received") for _ in range(3))
    login(client, "agent")
    page = client.get("/work?queue=received").text
    assert 'id="bulk-form"' in page and f'id="sel-{a}"' in page and 'id="do-bulk-accept"' in page
    token = csrf_of(page)
    world.act("agent", b, "accept")  # b's status changes under the agent's feet
    data = {"csrf_token": token, "queue": "received", "action": "accept", "numbers": [a, b, c]}
    r = client.post("/work/bulk", data=data)
    assert r.status_code == 200 and 'id="bulk-result"' in r.text
    assert "成功 2 件，失败 1 件" in r.text
    failed = r.text.split(f'id="bulk-{b}"')[1].split("</li>")[0]
    assert failed.startswith(' class="failed"') and "受理" in failed
    assert r.text.split(f'id="bulk-{a}"')[1].startswith(' class="ok"')
    for number in (a, b, c):
        assert world.get("dispatcher", number)["status"] == "accepted"
    # one accept event per case: b keeps only the one from the earlier call
    with unit_of_work() as s:
        for number in (a, b, c):
            case = s.scalar(select(Case).where(Case.number == number))
            actions = s.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
            assert list(actions).count("accept") == 1, number
        audited = s.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "case.accept")).all()
        assert sorted(audited) == sorted([a, b, c])  # the failed attempt on b left no entry


def test_bulk_dispatch_to_one_lead_unit(client: Any, world: Any) -> None:
    a, b = world.case_in("accepted"), world.case_in("accepted")
    gone = world.case_in("accepted")
    login(client, "dispatcher")
    page = client.get("/work?queue=accepted").text
    assert 'id="do-bulk-dispatch"' in page and 'id="bulk-lead"' in page
    token = csrf_of(page)
    base = {"csrf_token": token, "queue": "accepted", "action": "dispatch"}
    # no lead unit: the error is at the field and nothing is dispatched
    r = client.post("/work/bulk", data=base | {"numbers": [a, b]})
    assert r.status_code == 422 and 'id="bulk-lead-error"' in r.text
    assert world.get("dispatcher", a)["status"] == "accepted"
    # nothing selected
    r = client.post("/work/bulk", data=base | {"lead_department": "S1"})
    assert r.status_code == 422 and 'id="bulk-numbers-error"' in r.text
    world.act("dispatcher", gone, "dispatch", lead_department="D2")
    r = client.post(
        "/work/bulk",
        data=base | {"lead_department": "S1", "numbers": [a, gone, b]},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 200 and "成功 2 件，失败 1 件" in r.text
    assert world.get("dispatcher", a)["status"] == "dispatched"
    assert world.get("dispatcher", b)["status"] == "dispatched"
    assert world.get("dispatcher", gone)["status"] == "dispatched"
    login(client, "h_s1")
    page = client.get("/work?queue=dispatched").text
    assert a in page and b in page and gone not in page


def test_bulk_needs_csrf_and_permission(client: Any, world: Any) -> None:
    a = world.case_in("accepted")
    login(client, "dispatcher")
    r = client.post(
        "/work/bulk",
        data={"queue": "accepted", "action": "dispatch", "lead_department": "S1", "numbers": [a]},
    )
    assert r.status_code == 403
    assert world.get("dispatcher", a)["status"] == "accepted"
    # a handler sees no bulk form, and a forged post is refused per case by the service
    login(client, "h_s1")
    page = client.get("/work?queue=accepted").text
    assert 'id="bulk-form"' not in page
    data = {"csrf_token": csrf_of(page), "queue": "accepted", "action": "dispatch", "lead_department": "S1"}
    r = client.post("/work/bulk", data=data | {"numbers": [a]})
    assert r.status_code == 200 and "失败 1 件" in r.text
    assert world.get("dispatcher", a)["status"] == "accepted"
    # an action the queue does not offer
    r = client.post("/work/bulk", data=data | {"action": "close", "numbers": [a]})
    assert r.status_code == 422
