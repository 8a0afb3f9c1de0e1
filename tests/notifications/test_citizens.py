"""Citizens' accounts: SMS-code sign-in (hashed, 5 minutes, single use, throttled, audited),
我的诉求 by the phone's blind index, tracking and rating from there; the public timeline."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, text

from tests.builders import World
from tests.pages.helpers import csrf_of, post_form
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work
from zhizhi.notifications.models import LoginCode, OutboxMessage

PHONE = "13812341234"
CODE = re.compile(r'id="demo-code">[^<]*<strong class="number">(\d{6})</strong>')


def _ask_code(world: World, phone: str = PHONE) -> str:
    world.client.cookies.clear()
    r = post_form(world.client, "/my/login", "/my/code", {"phone": phone})
    assert r.status_code == 200, r.text
    match = CODE.search(r.text)
    assert match, "the development demo shows the code"
    return match.group(1)


def _sign_in(world: World, code: str, phone: str = PHONE) -> object:
    token = csrf_of(world.client.get("/my/login").text)
    return world.client.post(
        "/my/login", data={"phone": phone, "code": code, "csrf_token": token}, follow_redirects=False
    )


def _audit(action: str) -> list[str]:
    with unit_of_work() as s:
        return [
            str(r[0])
            for r in s.execute(text("SELECT detail FROM audit_log WHERE action = :a"), {"a": action})
        ]


def test_code_goes_through_the_outbox_and_is_stored_hashed(world: World) -> None:
    code = _ask_code(world)
    with unit_of_work() as s:
        [message] = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "login_code")).all()
        assert code in message.body and message.status == "sent"
        [row] = s.scalars(select(LoginCode)).all()
        assert code not in row.code_hash and len(row.code_hash) == 64
    assert len(_audit("citizen.code_sent")) == 1


def test_sign_in_lists_every_case_of_that_phone_and_rates(world: World) -> None:
    mine = [world.case_in("replied"), world.create()["number"]]
    other = world.create(contact_phone="13900009999")["number"]
    code = _ask_code(world)
    r = _sign_in(world, code)
    assert r.status_code == 303 and r.headers["location"] == "/my"  # type: ignore[attr-defined]
    page = world.client.get("/my")
    assert page.status_code == 200
    for number in mine:
        assert number in page.text
    assert other not in page.text
    assert "138****1234" in page.text and PHONE not in page.text.replace(code, "")
    case_page = world.client.get(f"/my/cases/{mine[0]}")
    assert case_page.status_code == 200 and 'action="/my/cases/' in case_page.text
    token = csrf_of(case_page.text)
    r2 = world.client.post(
        f"/my/cases/{mine[0]}/rate",
        data={"rating": "satisfied", "resolved": "true", "csrf_token": token, "rate_key": "k1"},
    )
    assert r2.status_code == 200 and 'id="rated-now"' in r2.text
    assert world.get("agent", mine[0])["rating"] == "satisfied"
    assert world.client.get(f"/my/cases/{other}").status_code == 404  # not this phone's
    assert _audit("case.public_list")


def test_wrong_expired_and_replayed_codes_are_refused_and_logged(world: World) -> None:
    code = _ask_code(world)
    wrong = "000000" if code != "000000" else "111111"
    r = _sign_in(world, wrong)
    assert r.status_code == 401 and "验证码不正确" in r.text  # type: ignore[attr-defined]
    assert _sign_in(world, code).status_code == 303
    world.client.cookies.clear()
    r = _sign_in(world, code)  # replayed
    assert r.status_code == 401 and "已使用" in r.text  # type: ignore[attr-defined]
    clock.freeze(clock.now() + timedelta(minutes=2))
    code2 = _ask_code(world)
    clock.freeze(clock.now() + timedelta(minutes=6))
    r = _sign_in(world, code2)
    assert r.status_code == 401 and "已过期" in r.text  # type: ignore[attr-defined]
    reasons = _audit("citizen.login_failed")
    assert len(reasons) == 3 and any("replayed" in x or "used" in x for x in reasons)
    assert world.client.get("/my", follow_redirects=False).status_code == 303  # not signed in


def test_codes_are_throttled(world: World) -> None:
    _ask_code(world)
    r = post_form(world.client, "/my/login", "/my/code", {"phone": PHONE})
    assert r.status_code == 429 and "60" in r.text  # one a minute
    code = None
    for i in range(5):  # the account lockout of core.throttle (ZHIZHI_LOGIN_MAX_FAILURES = 5)
        clock.freeze(clock.now() + timedelta(seconds=61 if i == 0 else 1))
        if code is None:
            code = _ask_code(world)
        r = _sign_in(world, "999999" if code != "999999" else "888888")
    r = _sign_in(world, code or "")
    assert r.status_code == 429  # type: ignore[attr-defined]
    bad = post_form(world.client, "/my/login", "/my/code", {"phone": "12345"})
    assert bad.status_code == 422 and "11 位手机号码" in bad.text


def test_public_timeline_names_roles_and_units_keeps_replies_and_shows_extensions(world: World) -> None:
    number = world.case_in("in_progress")
    world.act("h_s1", number, "request_extension", amount=3, reason="需协调施工方")
    world.act("dispatcher", number, "approve_extension", approved=True, reason="同意")
    world.act("h_s1", number, "reply", reply="第一轮：已约谈施工方。")
    world.act("agent", number, "rate", rating="dissatisfied", resolved=False)
    world.act("supervisor", number, "review_reopen", reason="仍有噪音")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="第二轮：已停工整改。")
    r = post_form(world.client, "/track", "/track", {"number": number, "phone": PHONE})
    assert r.status_code == 200
    html = r.text
    assert "第一轮：已约谈施工方。" in html and "第二轮：已停工整改。" in html
    assert "办理期限已延长至" in html
    assert "橘子洲街道" in html and "12345 派单员" in html
    for login_name in ("h_s1", "dispatcher", "agent", "anonymous"):
        assert f">{login_name}<" not in html and f" {login_name}（" not in html


def test_a_citizens_account_signs_in_with_its_password(world: World) -> None:
    """The demo's ``citizen`` account (张伟) has a phone: its password opens 我的诉求 for it; a staff
    account is sent to the staff login; a wrong password is refused and counted."""
    from sqlalchemy import select as sa_select

    from tests.builders import PASSWORD
    from zhizhi.org.models import User

    with unit_of_work() as s:
        s.scalars(sa_select(User).where(User.username == "citizen")).one().phone = PHONE
    number = world.create()["number"]
    world.client.cookies.clear()
    r = post_form(
        world.client,
        "/my/login",
        "/my/password",
        {"username": "citizen", "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/my"
    assert number in world.client.get("/my").text
    world.client.cookies.clear()
    r = post_form(world.client, "/my/login", "/my/password", {"username": "agent", "password": PASSWORD})
    assert r.status_code == 401 and "不是群众账号" in r.text
    r = post_form(world.client, "/my/login", "/my/password", {"username": "citizen", "password": "wrong-one"})
    assert r.status_code == 401 and "用户名或密码错误" in r.text
    assert "/my/login" in world.client.get("/login").text  # the staff login points citizens here


def test_pages_speak_english_too(world: World) -> None:
    number = world.case_in("replied")
    code = _ask_code(world)
    assert _sign_in(world, code).status_code == 303
    page = world.client.get("/my?lang=en").text
    assert "My appeals" in page and "Text messages sent to you" in page and "Rate it" in page
    case = world.client.get(f"/my/cases/{number}?lang=en").text
    assert "The unit replied" in case and "12345 dispatcher" in case and "12345 intake agent" in case
    login = world.client.get("/my/login?lang=en").text
    assert "Sign in with a text-message code" in login
