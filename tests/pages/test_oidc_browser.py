"""In real Chromium: a staff member signs in through the test identity provider (统一身份认证
登录, OpenID Connect code + PKCE) and lands on the workbench.  Screenshots of the login page,
the provider's form and the workbench (desktop and a 390-px phone)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.idp import CLIENT_ID, CLIENT_SECRET, IdentityProvider, running_idp
from tests.pages.conftest import SHOTS
from zhizhi.core.settings import get_settings
from zhizhi.org import oidc

pytestmark = pytest.mark.browser


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


@pytest.mark.parametrize(("width", "name"), [(1366, "oidc-login"), (390, "oidc-login-phone")])
def test_staff_login_through_the_identity_provider(
    browser: Any, live_server: str, world: Any, idp: IdentityProvider, width: int, name: str
) -> None:
    context = browser.new_context(
        base_url=live_server, viewport={"width": width, "height": 800}, locale="zh-CN"
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login")
    button = page.locator("#oidc-login")
    assert button.inner_text() == "统一身份认证登录"
    page.screenshot(path=str(SHOTS / f"{name}-1-page.png"), full_page=True)
    button.click()
    page.wait_for_url(f"{idp.issuer}/authorize**")
    page.fill("#u", "dispatcher")
    page.screenshot(path=str(SHOTS / f"{name}-2-provider.png"), full_page=True)
    page.click("#idp-login")
    page.wait_for_url(f"{live_server}/work**")
    assert "派单员" in page.inner_text("header")
    page.screenshot(path=str(SHOTS / f"{name}-3-workbench.png"))
    assert idp.tokens_issued == 1
    context.close()
