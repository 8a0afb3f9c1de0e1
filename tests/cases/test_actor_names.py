"""Staff views name actors by display name, role and unit, never by login name (docs/security.md,
"Naming actors"); the public and the platform itself by what they are. Issue 12."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from tests.pages.helpers import login
from zhizhi.core.db import unit_of_work
from zhizhi.org.models import User

NAMES = {"agent": "李敏", "dispatcher": "王强", "h_zj": "赵刚"}


def _rename() -> None:
    with unit_of_work() as s:
        for username, display in NAMES.items():
            user = s.scalar(select(User).where(User.username == username))
            assert user is not None
            user.display_name = display


def _story(world: Any) -> str:
    _rename()
    number = str(world.create("agent", category="CXJS")["number"])
    world.act("dispatcher", number, "dispatch", lead_department="ZJ")
    world.act("h_zj", number, "sign")
    return number


def test_api_timeline_names_people_not_logins(world: Any) -> None:
    number = _story(world)
    r = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("dispatcher"))
    assert r.status_code == 200, r.text
    events = r.json()
    by_action = {e["action"]: e for e in events}
    created = by_action["create"]
    assert created["actor"] == "李敏" and created["actor_kind"] == "staff"
    assert created["actor_label"]["zh"] == "李敏（受理员，12345中心）"
    assert created["actor_label"]["en"] == "李敏 (intake agent, 12345中心)"
    assert created["actor_unit"]["code"] == "CENTER" and created["actor_role"] == "intake_agent"
    assert by_action["dispatch"]["actor"] == "王强"
    assert by_action["sign"]["actor_unit"]["code"] == "ZJ"
    actor_parts = json.dumps(
        [{k: v for k, v in e.items() if k.startswith("actor") and k != "actor_role"} for e in events],
        ensure_ascii=False,
    )
    for login_name in NAMES:
        assert f'"{login_name}"' not in actor_parts and f"{login_name} " not in actor_parts


def test_public_and_system_actors(world: Any) -> None:
    r = world.client.post(
        "/api/v1/cases",
        json={
            "kind": "appeal",
            "appeal_type": "complaint",
            "channel": "web",
            "subject": "路灯不亮",
            "content": "小区门口路灯坏了一周",
            "contact_phone": "13912345678",
        },
        headers=world.h("citizen"),
    )
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    events = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("dispatcher")).json()
    assert events[0]["actor"] == "public" and events[0]["actor_kind"] == "public"
    assert events[0]["actor_label"] == {"code": "public", "zh": "群众", "en": "the public"}
    assert events[0]["actor_unit"] is None and "citizen" not in json.dumps(events[0])


def test_workbench_page_shows_display_names(client: Any, world: Any) -> None:
    number = _story(world)
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{number}").text
    timeline = page.split('id="timeline"', 1)[1].split("</ol>", 1)[0]
    assert "李敏（受理员，12345中心）" in timeline and "赵刚（承办人，住建局）" in timeline
    assert "agent" not in timeline and "h_zj" not in timeline
    english = client.get(f"/work/cases/{number}?lang=en").text.split('id="timeline"', 1)[1]
    assert "李敏 (intake agent, 12345中心)" in english.split("</ol>", 1)[0]
