"""Open311 clients in real Chromium (desktop and a 390-px phone): an administrator finds the
section on the hub, creates a client limited to one service, copies the key shown once, rotates
it and revokes the client; no inline script, nothing wider than a phone (issue 13)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.pages.conftest import SHOTS
from tests.pages.test_browser import _login, _page

pytestmark = pytest.mark.browser
INLINE_SCRIPTS = "script:not([src]):not([type='application/json'])"


def test_admin_manages_open311_clients(browser: Any, live_server: str, world: Any) -> None:
    desk = _page(browser, live_server, width=1366)
    _login(desk, "admin")
    desk.goto("/admin")
    desk.click("a[href='/admin/open311-clients']")
    expect(desk.locator("#open311-clients")).to_be_visible()
    desk.fill("#o3-name", "changsha-app")
    desk.check("#o3-new-svc-SDQR")
    desk.click("#o3-create")
    expect(desk.locator("#key-once")).to_be_visible()
    key = desk.inner_text("#shown-key").strip()
    assert key.startswith("o311_") and len(key) > 40
    assert "SDQR" in desk.inner_text("#client-services")
    assert desk.locator(INLINE_SCRIPTS).count() == 0
    desk.screenshot(path=str(SHOTS / "open311-client-key.png"), full_page=True)
    r = world.client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "SDQR",
            "description": "停水",
            "lat": "28.18",
            "long": "112.94",
        },
    )
    assert r.status_code == 201, r.text
    desk.goto("/admin/open311-clients/changsha-app")
    assert "o311_" not in desk.inner_text("main")  # never shown again
    assert desk.inner_text("#client-last-used").strip() != "从未使用"
    desk.click("#rotate")
    expect(desk.locator("#key-once")).to_be_visible()
    assert desk.inner_text("#shown-key").strip() != key
    desk.screenshot(path=str(SHOTS / "open311-client.png"), full_page=True)

    phone = _page(browser, live_server, width=390)
    _login(phone, "admin")
    phone.goto("/admin/open311-clients")
    expect(phone.locator("#o3-changsha-app")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(SHOTS / "open311-clients-390.png"), full_page=True)
    phone.click("#o3-changsha-app a")
    phone.fill("#s-area", "430104")
    phone.click("#save-scope")
    expect(phone.locator("#done")).to_be_visible()
    assert "430104" in phone.inner_text("#client-area")
    phone.click("#revoke")  # not confirmed: an error, nothing revoked
    expect(phone.locator("#f-confirm-error")).to_be_visible()
    phone.check("#f-confirm")
    phone.click("#revoke")
    expect(phone.locator("#done")).to_be_visible()
    assert "已吊销" in phone.inner_text("#client-state")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(SHOTS / "open311-client-390.png"), full_page=True)
