"""CSRF tokens bound to the session, the Origin/Referer check, security headers on every
response and the cookies' flags (issue 12)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.pages.helpers import csrf_of, login
from zhizhi.ui import csrf
from zhizhi.ui.session import SESSION_COOKIE
from zhizhi.web.app import create_app

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
STRONG = "s3cr3t-" + "x" * 40


def _dispatch_form(token: str) -> dict[str, str]:
    return {"action": "dispatch", "lead_department": "S1", "csrf_token": token}


def test_an_anonymous_token_does_not_work_with_a_victims_session(world: Any) -> None:
    number = world.create()["number"]
    with TestClient(world.client.app) as attacker:
        anonymous_token = csrf_of(attacker.get("/track").text)
    victim = world.client
    login(victim, "dispatcher")
    session_cookie = victim.cookies.get(SESSION_COOKIE)
    forged = TestClient(world.client.app)
    forged.cookies.set(SESSION_COOKIE, session_cookie)
    forged.cookies.set(csrf.COOKIE, anonymous_token)
    r = forged.post(
        f"/work/cases/{number}/act",
        data=_dispatch_form(anonymous_token),
        headers={"X-CSRF-Token": anonymous_token},
    )
    assert r.status_code == 403
    assert "CSRF" in r.text
    assert world.get("dispatcher", number)["status"] == "accepted"
    # the victim's own page carries a token bound to the session: that one works
    own = csrf_of(victim.get(f"/work/cases/{number}").text)
    assert own != anonymous_token
    r = victim.post(f"/work/cases/{number}/act", data=_dispatch_form(own), follow_redirects=False)
    assert r.status_code in (200, 303)
    assert world.get("dispatcher", number)["status"] == "dispatched"


def test_a_token_of_one_session_fails_with_another(world: Any) -> None:
    client = world.client
    login(client, "dispatcher")
    token = csrf_of(client.get("/work").text)
    form = {"name": "我的队列", "q": "噪音", "csrf_token": token}
    assert client.post("/work/queues", data=form, follow_redirects=False).status_code == 303
    login(client, "dispatcher2")  # a new session cookie; the old token is replayed with it
    client.cookies.set(csrf.COOKIE, token)
    form = {"name": "另一个", "q": "噪音", "csrf_token": token}
    r = client.post("/work/queues", data=form, follow_redirects=False)
    assert r.status_code == 403


def test_other_origins_are_refused_on_unsafe_methods(world: Any) -> None:
    client = world.client
    number = world.create()["number"]
    evil = ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}, {"Origin": "null"})
    for headers in evil:
        r = client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "dispatch", "lead_department": "S1"},
            headers={**world.h("dispatcher"), **headers},
        )
        assert r.status_code == 403
        assert r.json()["field"] == "origin"
        assert r.json()["message"]["en"] == "request from another site refused (Origin/Referer check failed)"
    assert world.get("dispatcher", number)["status"] == "accepted"
    r = client.post(
        f"/api/v1/cases/{number}/actions",
        json={"action": "dispatch", "lead_department": "S1"},
        headers={**world.h("dispatcher"), "Origin": "http://testserver"},
    )
    assert r.status_code == 200


def test_an_allowed_origin_passes(world: Any, env: Any) -> None:
    env.set("ALLOWED_ORIGINS", ["https://12345.example.gov.cn"])
    with TestClient(create_app()) as client:
        r = client.post(
            "/api/v1/auth/token",
            data={"username": "admin", "password": "wrong-one"},
            headers={"Origin": "https://12345.example.gov.cn"},
        )
        assert r.status_code == 401


def test_security_headers_on_pages_api_static_and_errors(world: Any) -> None:
    client = world.client
    for url in ("/", "/login", "/api/v1/me", "/static/app.css", "/no-such-page", "/healthz"):
        r = client.get(url)
        assert r.headers["Content-Security-Policy"] == CSP, url
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert r.headers["Permissions-Policy"].startswith("camera=(), microphone=()")
        assert "Strict-Transport-Security" not in r.headers  # plain http in development
    with TestClient(client.app, base_url="https://testserver") as tls:
        hsts = tls.get("/healthz").headers["Strict-Transport-Security"]
        assert hsts == "max-age=31536000; includeSubDomains"


def test_cookies_are_httponly_samesite_and_secure_in_production(world: Any, env: Any) -> None:
    r = world.client.get("/login")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    env.set("ENV", "production")
    env.set("SECRET_KEY", STRONG)
    with TestClient(create_app(), base_url="https://testserver") as client:
        page = client.get("/login")
        assert "Secure" in page.headers["set-cookie"]
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        r = client.post(
            "/login",
            data={"username": "admin", "password": "test-password-1", "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert r.status_code == 303
        session = [c for c in r.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)]
        assert len(session) == 1
        assert "Secure" in session[0] and "HttpOnly" in session[0] and "SameSite=lax" in session[0]
