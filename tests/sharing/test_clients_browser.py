"""Consuming systems in real Chromium (desktop and a 390-px phone): a steward registers a system,
copies the secret shown once, binds a client certificate, rotates the secret and retires the
system; the page has no inline script and does not overflow a phone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages.conftest import SHOTS
from tests.pages.test_browser import _login, _page
from tests.sharing.conftest import PROVIDER_ROWS, build_city

pytestmark = pytest.mark.browser
INLINE_SCRIPTS = "script:not([src]):not([type='application/json'])"


def test_steward_manages_a_consuming_system(browser: Any, live_server: str, world: Any) -> None:
    city = build_city(world)
    req = city.request("st_zj", "GA-RK-001", ["id_number", "name"])
    city.decide("st_ga", req["number"], True, reason="住房保障审核")
    zj = _page(browser, live_server, width=1366)
    _login(zj, "st_zj")
    zj.goto("/sharing")
    zj.click("#clients-link")
    zj.wait_for_selector("#register")
    zj.fill("#f-name", "住房保障业务办理系统")
    zj.click("#register-submit")
    zj.wait_for_selector("#secret-once")
    client_id = zj.inner_text("#shown-client-id").strip()
    secret = zj.inner_text("#shown-secret").strip()
    assert len(secret) > 30
    assert zj.locator(INLINE_SCRIPTS).count() == 0
    zj.screenshot(path=str(SHOTS / "sharing-client-secret.png"), full_page=True)
    # the system reads a record; the call shows on its page
    city.secrets["ZJ"] = (client_id, secret)
    person = PROVIDER_ROWS["provider_population"][0]
    assert city.read("ZJ", "GA-RK-001", person["id_number"]).status_code == 200
    zj.goto(f"/sharing/clients/{client_id}")
    assert zj.locator("#client-calls tbody tr").count() == 1
    assert "GA-RK-001" in zj.inner_text("#client-grants")
    # bind a certificate, then rotate
    zj.fill("#f-fingerprint", "AB:" * 31 + "CD")
    zj.click("#bind")
    zj.wait_for_selector("#done")
    assert "ab" * 31 + "cd" in zj.inner_text("#client-cert")
    zj.screenshot(path=str(SHOTS / "sharing-client.png"), full_page=True)
    zj.click("#rotate")
    zj.wait_for_selector("#secret-once")
    assert zj.inner_text("#shown-secret").strip() != secret
    # the list and the retirement on a phone
    phone = _page(browser, live_server, width=390)
    _login(phone, "st_zj")
    phone.goto("/sharing/clients")
    assert phone.locator(f"#client-{client_id}").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(SHOTS / "sharing-clients-390.png"), full_page=True)
    phone.goto(f"/sharing/clients/{client_id}")
    phone.click("#retire")  # not confirmed: an error, nothing retired
    phone.wait_for_selector("#f-confirm-error")
    phone.check("#f-confirm")
    phone.click("#retire")
    phone.wait_for_selector("#done")
    assert "已停用" in phone.inner_text("#client-state")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(SHOTS / "sharing-client-390.png"), full_page=True)
