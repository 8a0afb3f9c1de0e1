"""Staff workbench: login, queues scoped by role, case detail, action forms, intake."""

from __future__ import annotations

from typing import Any

from tests.pages.helpers import csrf_of, login, post_form


def test_workbench_needs_login_and_rejects_the_public(client: Any, world: Any) -> None:
    r = client.get("/work", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = post_form(client, "/login", "/login", {"username": "citizen", "password": "test-password-1"})
    assert r.status_code == 401
    r = post_form(client, "/login", "/login", {"username": "agent", "password": "wrong-password"})
    assert r.status_code == 401 and 'id="login-error"' in r.text


def test_login_cookie_is_httponly_and_logout_revokes(client: Any, world: Any) -> None:
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": "agent", "password": "test-password-1", "csrf_token": token},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"].lower()
    assert "zz_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/work").status_code == 200
    r = post_form(client, "/work", "/logout", {}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/work", follow_redirects=False).status_code == 303


def test_queues_are_scoped_by_role(client: Any, world: Any) -> None:
    mine = world.case_in("dispatched", lead="S1")
    other = world.case_in("dispatched", lead="D2")
    login(client, "h_s1")
    page = client.get("/work?queue=dispatched").text
    assert mine in page and other not in page
    assert 'id="q-dispatched"' in page
    login(client, "dispatcher")
    page = client.get("/work?queue=dispatched").text
    assert mine in page and other in page
    # a handler cannot open another unit's case
    login(client, "h_s1")
    assert client.get(f"/work/cases/{other}").status_code == 403


def test_role_based_action_forms(client: Any, world: Any) -> None:
    number = world.case_in("accepted")
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{number}").text
    assert 'id="act-dispatch"' in page and 'id="act-sign"' not in page
    login(client, "leader")
    page = client.get(f"/work/cases/{number}").text
    assert 'id="act-dispatch"' not in page and 'id="act-supervise"' in page
    # masking: the leader sees a masked phone, the dispatcher the real one
    assert "13812341234" not in page
    login(client, "dispatcher")
    assert "13812341234" in client.get(f"/work/cases/{number}").text


def test_dispatch_sign_reply_through_forms(client: Any, world: Any) -> None:
    number = world.case_in("accepted")
    login(client, "dispatcher")
    url = f"/work/cases/{number}"
    r = post_form(
        client, url, f"{url}/act", {"action": "dispatch", "lead_department": "S1"}, follow_redirects=False
    )
    assert r.status_code == 303
    login(client, "h_s1")
    r = post_form(client, url, f"{url}/act", {"action": "sign"}, headers={"HX-Request": "true"})
    assert r.status_code == 200 and 'id="case-panel"' in r.text and "<html" not in r.text
    assert "办理中" in r.text
    # an invalid reply shows its error next to the field (htmx fragment, 422)
    r = post_form(
        client, url, f"{url}/act", {"action": "reply", "reply": "x"}, headers={"HX-Request": "true"}
    )
    assert r.status_code == 422 and 'id="reply-reply-error"' in r.text
    r = post_form(
        client, url, f"{url}/act", {"action": "reply", "reply": "已修复完毕。"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert world.get("dispatcher", number)["status"] == "replied"
    # a transition the state no longer allows: 409 shown as a general error
    r = post_form(client, url, f"{url}/act", {"action": "sign"})
    assert r.status_code == 409 and 'class="alert"' in r.text
    assert "当前状态为「已答复待回访」，不能执行「签收」" in r.text


def test_hotline_intake(client: Any, world: Any) -> None:
    login(client, "agent")
    data = {"channel": "hotline", "appeal_type": "help", "category": "HJBH", "urgency": "normal"}
    r = post_form(client, "/work/intake", "/work/intake", data | {"content": "", "contact_phone": "abc"})
    assert r.status_code == 422
    assert 'id="f-content-error"' in r.text and 'id="f-contact_phone-error"' in r.text
    r = post_form(
        client,
        "/work/intake",
        "/work/intake",
        data | {"content": "来电反映：垃圾未清运", "contact_phone": "13700001111"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "垃圾未清运" in page and "待派单" in page
    login(client, "h_s1")
    assert client.get("/work/intake").status_code == 200  # the form shows; the service refuses
    r = post_form(client, "/work/intake", "/work/intake", data | {"content": "x"})
    assert r.status_code == 403 and "不能登记工单" in r.text


def test_htmx_header_token_and_no_open_redirect(client: Any, world: Any) -> None:
    number = world.case_in("accepted")
    page = client.get("/login?next=//evil.example/x").text
    assert 'name="next" value=""' in page  # not the evil target: the role's landing page instead
    token = csrf_of(page)
    r = client.post(
        "/login",
        data={"username": "dispatcher", "password": "test-password-1", "csrf_token": token, "next": "//evil"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/work"
    token = csrf_of(client.get(f"/work/cases/{number}").text)
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    r = client.post(
        f"/work/cases/{number}/act", data={"action": "supervise", "note": "请加快"}, headers=headers
    )
    assert r.status_code == 403  # the dispatcher may not supervise: the service's 403, shown in the panel
    assert 'id="case-panel"' in r.text and "督办" in r.text
    r = client.post(f"/work/cases/{number}/act", data={"action": "accept"}, headers={"HX-Request": "true"})
    assert r.status_code == 403 and 'id="case-panel"' not in r.text  # no token: refused before the service
