"""Production refuses the default secret; citizens' tokens open no staff page; a citizen's
suggestions show only what the citizen may see (issue 12)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from zhizhi.core.settings import InsecureSettings
from zhizhi.ui.session import SESSION_COOKIE
from zhizhi.web.app import create_app

STRONG = "s3cr3t-" + "x" * 40


@pytest.mark.parametrize("secret", ["dev-only-change-me", "short-secret"])
def test_production_refuses_to_start_with_a_weak_secret(db: str, env: Any, secret: str) -> None:
    env.set("ENV", "production")
    env.set("SECRET_KEY", secret)
    with pytest.raises(InsecureSettings) as refused:
        create_app()
    message = str(refused.value)
    assert message.startswith("生产模式拒绝启动：ZHIZHI_SECRET_KEY 为默认值或少于 32 个字符")
    assert "Refusing to start in production: ZHIZHI_SECRET_KEY is the default" in message


def test_production_starts_with_a_strong_secret(db: str, env: Any) -> None:
    env.set("ENV", "production")
    env.set("SECRET_KEY", STRONG)
    assert create_app().title == "Zhizhi 智治 API"


def test_development_warns_about_the_default_secret(db: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="zhizhi.settings"):
        create_app()
    warnings = [r.getMessage() for r in caplog.records if r.name == "zhizhi.settings"]
    assert len(warnings) == 1
    assert warnings[0].startswith("ZHIZHI_SECRET_KEY 为开发默认值")


@pytest.mark.parametrize("page", ["/work", "/work/intake", "/admin", "/cockpit", "/cockpit/screen"])
def test_a_citizens_token_is_no_staff_session(world: Any, page: str) -> None:
    client = world.client
    client.cookies.set(SESSION_COOKIE, world.tokens["citizen"])
    r = client.get(page, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/login?next={page}"


def test_a_citizens_cookie_does_not_authenticate_the_api(world: Any) -> None:
    client = world.client
    client.cookies.set(SESSION_COOKIE, world.tokens["citizen"])
    client.get("/work")  # a page visit resolving the cookie leaves no principal behind
    assert client.get("/api/v1/me").status_code == 401


def test_a_citizens_suggestions_hide_other_peoples_cases(world: Any) -> None:
    text = {
        "subject": "麓山南路工地夜间施工噪音",
        "content": "麓山南路932号旁工地每天夜里施工到凌晨两点，噪音很大",
        "address": "长沙市岳麓区麓山南路932号",
    }
    others = [world.create("agent", **text)["number"] for _ in range(2)]
    mine = world.create("citizen", channel="web", **text)["number"]

    def candidates(user: str) -> list[str]:
        r = world.client.get(f"/api/v1/cases/{mine}/suggestions", headers=world.h(user))
        assert r.status_code == 200, r.text
        dups = [s for s in r.json() if s["kind"] == "duplicates"]
        assert len(dups) == 1
        return sorted(c["number"] for c in dups[0]["payload"]["candidates"])

    assert candidates("dispatcher") == sorted(others)  # staff of the centre see both
    assert candidates("citizen") == []  # the citizen sees neither number
