"""The outbox: messages written with the case events that cause them, sent by the worker task."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text

from tests.builders import World
from tests.notifications.gateway import Gateway
from zhizhi.core.db import unit_of_work
from zhizhi.notifications.models import OutboxMessage
from zhizhi.org.models import User

PHONE = "13812341234"


def _messages() -> list[OutboxMessage]:
    with unit_of_work() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()
    return rows


def _give_phone(username: str, phone: str) -> None:
    with unit_of_work() as s:
        user = s.scalars(select(User).where(User.username == username)).one()
        user.phone = phone


def test_public_case_acceptance_reply_and_reopen_reach_the_citizen(world: World) -> None:
    number = world.create("citizen", channel="web", category=None)["number"]
    assert _messages() == []  # received, not yet accepted: nothing to say
    world.act("agent", number, "accept", category="HJBH")
    [accepted] = _messages()
    assert accepted.kind == "accepted" and accepted.phone == PHONE and accepted.case_number == number
    assert number in accepted.body and "受理" in accepted.body
    assert accepted.status == "sent" and accepted.attempts == 1  # the logging adapter (default)
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已协调施工方停止夜间施工。")
    world.act("agent", number, "rate", rating="dissatisfied", resolved=False)
    world.act("supervisor", number, "review_reopen", reason="群众反映仍有夜间施工")
    kinds = [m.kind for m in _messages()]
    assert kinds == ["accepted", "replied", "reopened"]  # S1's handler has no phone: no handler SMS
    reply = _messages()[1]
    assert "橘子洲街道" in reply.body


def test_phone_and_body_are_encrypted_at_rest(world: World) -> None:
    world.create()  # staff intake: accepted at once
    with unit_of_work() as s:
        raw = s.execute(text("SELECT phone, body, phone_index FROM outbox_messages")).one()
    assert PHONE not in raw.phone and "受理" not in raw.body
    assert raw.phone_index and PHONE not in raw.phone_index


def test_handlers_with_a_phone_get_dispatch_and_supervision(world: World) -> None:
    _give_phone("h_s1", "13900001111")
    _give_phone("h_s1b", "13900002222")
    number = world.create()["number"]
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("supervisor", number, "supervise", note="请两日内处理完毕")
    staff = [m for m in _messages() if m.user_id is not None]
    assert sorted((m.kind, m.phone) for m in staff) == [
        ("dispatched", "13900001111"),
        ("dispatched", "13900002222"),
        ("supervised", "13900001111"),
        ("supervised", "13900002222"),
    ]
    assert all("请两日内处理完毕" in m.body for m in staff if m.kind == "supervised")


def test_a_cause_queues_one_message_with_one_audit_entry(world: World) -> None:
    from zhizhi.cases.models import Case
    from zhizhi.notifications import service
    from zhizhi.notifications.enums import MessageKind

    number = world.create()["number"]  # staff intake: the receipt is queued ("accepted", cause e1)
    [receipt] = _messages()
    with unit_of_work() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        again = {"dedupe_key": f"accepted:{case.id}:e1", "case_id": case.id, "case_number": number}
        assert service.queue_message(s, MessageKind.ACCEPTED, PHONE, {"number": number}, **again) is None
        other = {**again, "dedupe_key": f"accepted:{case.id}:e2"}
        new_id = service.queue_message(s, MessageKind.ACCEPTED, PHONE, {"number": number}, **other)
        assert new_id is not None and new_id != receipt.id
        # within one unit of work too: the second of the same cause writes nothing
        assert service.queue_message(s, MessageKind.ACCEPTED, PHONE, {"number": number}, **other) is None
    assert [m.id for m in _messages()] == [receipt.id, new_id]
    with unit_of_work() as s:
        audited = s.execute(
            text("SELECT object_id, detail FROM audit_log WHERE action = 'notification.queue' ORDER BY seq")
        ).all()
    assert [row.object_id for row in audited] == [str(receipt.id), str(new_id)]
    details = [row.detail if isinstance(row.detail, dict) else json.loads(row.detail) for row in audited]
    assert [d["case"] for d in details] == [number, number]
    assert all(PHONE not in json.dumps(d) and d["to"].endswith("1234") for d in details)  # masked


def test_a_saved_template_replaces_the_wording_already_read(world: World) -> None:
    from zhizhi.notifications import service
    from zhizhi.org.service import principal_from_token

    world.create()  # the built-in wording, now read by this process
    assert not _messages()[-1].body.startswith("【新】")
    with unit_of_work() as s:
        admin = principal_from_token(s, world.tokens["admin"])
        assert admin is not None
        service.save_template(s, admin, "accepted", "【新】{number} 已受理", "[New] {number} accepted")
    world.create()
    assert _messages()[-1].body.startswith("【新】")


def test_a_refused_action_queues_nothing(world: World) -> None:
    number = world.create()["number"]
    before = len(_messages())
    world.act("dispatcher", number, "close", expect=409)  # not replied: refused, nothing written
    assert len(_messages()) == before


def test_sla_warning_once_per_deadline(world: World) -> None:
    from zhizhi.core import clock
    from zhizhi.notifications import tasks

    _give_phone("h_s1", "13900001111")
    number = world.create()["number"]
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    case = world.get("agent", number)
    from datetime import datetime

    due = datetime.fromisoformat(case["due_at"])
    clock.freeze(due - (due - datetime.fromisoformat(case["created_at"])) * 0.1)
    tasks.warnings()
    tasks.warnings()
    warned = [m for m in _messages() if m.kind == "warning"]
    assert len(warned) == 1 and number in warned[0].body


@pytest.mark.parametrize(
    ("zh", "field", "words"),
    [
        ("工单 {number} 的 {secret}", "zh", "未知的占位符"),
        ("工单 {number", "zh", "花括号"),
        ("   ", "zh", "不能为空"),
        ("工单 {number!r}", "zh", "格式不正确"),
    ],
)
def test_template_validation(world: World, zh: str, field: str, words: str) -> None:
    from tests.pages.helpers import login, post_form

    login(world.client, "admin")
    r = post_form(
        world.client,
        "/admin/message-templates",
        "/admin/message-templates",
        {"kind": "accepted", "zh": zh, "en": "Case {number}"},
    )
    assert r.status_code == 422, r.text
    assert words in r.text


def test_saved_template_is_used_and_audited(world: World) -> None:
    from tests.pages.helpers import login, post_form

    login(world.client, "admin")
    page = world.client.get("/admin/message-templates")
    assert page.status_code == 200 and "{deadline}" in page.text
    r = post_form(
        world.client,
        "/admin/message-templates",
        "/admin/message-templates",
        {
            "kind": "accepted",
            "zh": "【测试】{number} 已受理，期限 {deadline}",
            "en": "[Test] {number} accepted",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    world.create()
    assert _messages()[-1].body.startswith("【测试】")
    with unit_of_work() as s:
        audited = s.execute(text("SELECT detail FROM audit_log WHERE action = 'notification.template'")).all()
    assert len(audited) == 1


def test_template_page_needs_csrf_and_an_administrator(world: World) -> None:
    from tests.pages.helpers import login, post_form

    login(world.client, "admin")
    r = world.client.post("/admin/message-templates", data={"kind": "accepted", "zh": "x", "en": "y"})
    assert r.status_code == 403
    login(world.client, "agent")
    r = post_form(
        world.client,
        "/work",
        "/admin/message-templates",
        {"kind": "accepted", "zh": "{number}", "en": "{number}"},
    )
    assert r.status_code == 403


def test_outbox_page_masks_phones(world: World) -> None:
    from tests.pages.helpers import login

    world.create()
    login(world.client, "admin")
    page = world.client.get("/admin/outbox")
    assert page.status_code == 200
    assert "138****1234" in page.text and PHONE not in page.text


def test_case_page_shows_its_messages(world: World, gateway: Gateway) -> None:
    from tests.pages.helpers import login

    gateway.mode = "unavailable"
    number = world.create()["number"]
    login(world.client, "agent")
    page = world.client.get(f"/work/cases/{number}")
    assert page.status_code == 200 and 'id="case-messages"' in page.text
    assert "138****1234" in page.text and "待发送" in page.text and "503" in page.text
