"""Staff login through a real OpenID Connect provider started by the test (tests/idp.py):
authorization code + PKCE, state and nonce checked, replays refused, every refusal audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from tests.builders import World
from tests.idp import CLIENT_ID, CLIENT_SECRET, IdentityProvider, running_idp
from zhizhi.core.db import unit_of_work
from zhizhi.core.models import AuditEntry
from zhizhi.core.settings import get_settings
from zhizhi.org import oidc


@pytest.fixture
def idp(monkeypatch: pytest.MonkeyPatch) -> Iterator[IdentityProvider]:
    with running_idp() as provider:
        monkeypatch.setenv("ZHIZHI_OIDC_ISSUER", provider.issuer)
        monkeypatch.setenv("ZHIZHI_OIDC_CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv("ZHIZHI_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        get_settings.cache_clear()
        oidc.clear_cache()
        yield provider
    get_settings.cache_clear()
    oidc.clear_cache()


def _at_provider(authorize_url: str, username: str) -> str:
    """What the browser does at the provider: open the form, sign in; the callback URL."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize_url).query).items()}
    with httpx.Client() as browser:
        assert browser.get(authorize_url).status_code == 200
        r = browser.post(
            authorize_url.split("?")[0],
            data={"username": username}
            | {k: params.get(k, "") for k in ("redirect_uri", "state", "nonce", "code_challenge")},
        )
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("http://testserver/login/oidc/callback?")
    return location.removeprefix("http://testserver")


def _start(world: World) -> str:
    world.client.cookies.clear()
    r = world.client.get("/login/oidc", follow_redirects=False)
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]
    return url


def _refusals() -> list[dict[str, Any]]:
    with unit_of_work() as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.oidc_refused").order_by(AuditEntry.seq)
        )
        return [dict(r.detail) for r in rows]


def test_login_page_offers_it_only_when_configured(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "统一身份认证登录" not in world.client.get("/login").text
    assert world.client.get("/login/oidc", follow_redirects=False).status_code == 404
    monkeypatch.setenv("ZHIZHI_OIDC_ISSUER", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("ZHIZHI_OIDC_CLIENT_ID", CLIENT_ID)
    get_settings.cache_clear()
    oidc.clear_cache()
    try:
        assert "统一身份认证登录" in world.client.get("/login").text
        r = world.client.get("/login/oidc", follow_redirects=False)
        assert r.status_code == 502 and "暂时无法访问" in r.text  # local login still offered
        assert 'name="password"' in r.text
    finally:
        get_settings.cache_clear()


def test_staff_login_through_the_provider(world: World, idp: IdentityProvider) -> None:
    callback = _at_provider(_start(world), "agent")
    r = world.client.get(callback, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert world.client.cookies.get("zz_session")
    page = world.client.get("/work/intake")
    assert page.status_code == 200 and 'name="content"' in page.text
    with unit_of_work() as s:
        login = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "auth.login").order_by(AuditEntry.seq)
        ).all()
    assert any(e.detail.get("method") == "oidc" and e.actor == "agent" for e in login)
    # the same callback again (a replay): refused, audited
    r = world.client.get(callback, follow_redirects=False)
    assert r.status_code == 400 and "统一身份认证登录未通过" in r.text
    assert _refusals()[-1]["reason"] in {
        "state already used (replay)",
        "state does not match this browser's login",
    }


def test_replay_with_the_state_cookie_is_refused(world: World, idp: IdentityProvider) -> None:
    url = _start(world)
    state = parse_qs(urlsplit(url).query)["state"][0]
    callback = _at_provider(url, "agent")
    assert world.client.get(callback, follow_redirects=False).status_code == 303
    world.client.cookies.set("zz_oidc", state, path="/login/oidc")  # an attacker replays all of it
    r = world.client.get(callback, follow_redirects=False)
    assert r.status_code == 400
    assert _refusals()[-1]["reason"] == "state already used (replay)"


def test_bad_state_and_missing_cookie_are_refused(world: World, idp: IdentityProvider) -> None:
    callback = _at_provider(_start(world), "agent")
    forged = callback.replace("state=", "state=x")
    assert world.client.get(forged, follow_redirects=False).status_code == 400
    assert _refusals()[-1]["reason"] == "state does not match this browser's login"
    world.client.cookies.clear()  # another browser, without the state cookie
    assert world.client.get(callback, follow_redirects=False).status_code == 400
    assert not world.client.cookies.get("zz_session")


def test_bad_nonce_and_bad_signature_are_refused(world: World, idp: IdentityProvider) -> None:
    idp.tamper = {"nonce": "not-the-one-we-sent"}
    r = world.client.get(_at_provider(_start(world), "agent"), follow_redirects=False)
    assert r.status_code == 400 and not world.client.cookies.get("zz_session")
    assert _refusals()[-1]["reason"] == "nonce does not match"
    idp.tamper = {"aud": "someone-else"}
    assert world.client.get(_at_provider(_start(world), "agent"), follow_redirects=False).status_code == 400
    assert _refusals()[-1]["reason"] == "ID token claims invalid"
    idp.tamper = {}
    idp.sign_with_stranger = True
    assert world.client.get(_at_provider(_start(world), "agent"), follow_redirects=False).status_code == 400
    assert _refusals()[-1]["reason"] == "ID token signature invalid"


def test_unknown_users_are_refused_unless_provisioned(
    world: World, idp: IdentityProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    r = world.client.get(_at_provider(_start(world), "newcomer"), follow_redirects=False)
    assert r.status_code == 400
    assert _refusals()[-1] == {"reason": "no such account", "username": "newcomer"}
    assert world.client.get(_at_provider(_start(world), "citizen"), follow_redirects=False).status_code == 400
    monkeypatch.setenv("ZHIZHI_OIDC_AUTO_PROVISION", "true")
    monkeypatch.setenv("ZHIZHI_OIDC_PROVISION_DEPARTMENT", "CENTER")
    get_settings.cache_clear()
    r = world.client.get(_at_provider(_start(world), "newcomer"), follow_redirects=False)
    assert r.status_code == 303
    me = world.client.get("/work")
    assert me.status_code == 200


def test_provider_down_at_the_callback_is_refused_not_a_500(world: World, idp: IdentityProvider) -> None:
    callback = _at_provider(_start(world), "agent")
    oidc.clear_cache()
    idp.issuer_override = True  # the discovery document now names another issuer
    r = world.client.get(callback, follow_redirects=False)
    assert r.status_code == 400
    assert _refusals()[-1]["reason"] == "provider unreachable or misconfigured"
