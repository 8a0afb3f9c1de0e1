"""In real Chromium, as a window clerk (一窗受理): pick the item by search, enter the applicant and
the form, tick too few materials (the one-time notice, nothing filed), then all of them (the
receipt with the number the applicant tracks by); the statistics page. Screenshots (desktop 1366
and 390-px phone) go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS
from tests.services.apps_data import ORG_CODE, publish_items
from tests.services.window_support import build_halls, reception_count

pytestmark = pytest.mark.browser


def _page(browser: Any, base: str, width: int) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/services/window")  # the clerk's landing page


def _fill_applicant(page: Any) -> None:
    page.select_option("#f-applicant_type", "2")
    page.fill("#f-applicant_name", "长沙岳麓小厨餐饮有限公司")
    page.fill("#f-applicant_id", ORG_CODE)
    page.fill("#f-applicant_phone", "13900001111")
    page.fill("#ff-1", "长沙岳麓小厨餐饮有限公司")
    page.fill("#ff-2", ORG_CODE)
    page.select_option("#ff-3", "热食类食品制售")


@pytest.mark.parametrize("width", [1366, 390])
def test_a_clerk_receives_at_the_window(browser: Any, live_server: str, world: Any, width: int) -> None:
    publish_items(world)
    build_halls(world)
    suffix = "" if width == 1366 else "-phone"
    page = _page(browser, live_server, width)
    _login(page, "clerk_a")
    expect(page.locator("#win-seat")).to_contain_text("综合窗口1号")
    page.fill("#win-q", "食品经营")
    page.click("#win-search")
    page.locator("#win-found a", has_text="食品经营许可").click()
    expect(page.locator("#win-item")).to_contain_text("食品经营许可")
    _fill_applicant(page)
    page.check("#mat-1")  # the application form only: the business licence is missing
    page.screenshot(path=str(SHOTS / f"window-desk{suffix}.png"), full_page=True)
    cases_before = reception_count("cases")
    page.click("#win-receive")
    expect(page.locator("#notice-missing")).to_contain_text("营业执照")
    expect(page.locator("#notice-missing li")).to_have_count(1)
    page.screenshot(path=str(SHOTS / f"window-notice{suffix}.png"), full_page=True)
    assert reception_count("cases") == cases_before  # nothing filed
    # back at the desk: all the required materials this time
    page.click("text=←")
    page.fill("#win-q", "食品经营")
    page.click("#win-search")
    page.locator("#win-found a", has_text="食品经营许可").click()
    _fill_applicant(page)
    page.check("#mat-1")
    page.check("#mat-2")
    page.click("#win-receive")
    expect(page.locator("#receipt-number")).to_be_visible()
    number = page.inner_text("#receipt-number")
    expect(page.locator("#receipt-materials li")).to_have_count(2)
    expect(page.locator("#receipt-track")).to_contain_text(number)
    page.screenshot(path=str(SHOTS / f"window-receipt{suffix}.png"), full_page=True)
    assert reception_count("cases") == cases_before + 1
    page.goto("/services/window")
    expect(page.locator("#win-recent")).to_contain_text(number)
    page.goto("/services/window/statistics")
    expect(page.locator("#st-received")).to_have_text("2")
    expect(page.locator("#st-forwarded")).to_have_text("1")
    expect(page.locator("#st-notices")).to_have_text("1")
    page.screenshot(path=str(SHOTS / f"window-statistics{suffix}.png"), full_page=True)
    page.context.close()


def test_a_clerk_is_told_what_is_wrong_on_the_page(browser: Any, live_server: str, world: Any) -> None:
    publish_items(world)
    build_halls(world)
    page = _page(browser, live_server, 1366)
    _login(page, "clerk_a")
    page.fill("#win-q", "食品经营")
    page.click("#win-search")
    page.locator("#win-found a", has_text="食品经营许可").click()
    _fill_applicant(page)
    page.fill("#f-applicant_id", "91430104MA4L00001X")  # the check character is wrong
    page.fill("#ff-1", "")
    page.check("#mat-1")
    page.check("#mat-2")
    page.click("#win-receive")
    expect(page.locator("#f-applicant_id-error")).to_be_visible()
    expect(page.locator("#f-applicant_id")).to_have_attribute("aria-invalid", "true")
    # what the clerk typed stays
    expect(page.locator("#f-applicant_name")).to_have_value("长沙岳麓小厨餐饮有限公司")
    expect(page.locator("#mat-2")).to_be_checked()
    page.screenshot(path=str(SHOTS / "window-error.png"), full_page=True)
    page.context.close()
