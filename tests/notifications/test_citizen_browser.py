"""In real Chromium on a 390-px phone: a citizen submits, receives the acceptance SMS (the
logging adapter; the messages are listed in 我的诉求), signs in with the code shown by the
development demo, sees 我的诉求 and rates; the administrator's outbox and templates on a desktop.
Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import PASSWORD, World
from tests.pages.conftest import SHOTS

pytestmark = pytest.mark.browser
PHONE = "13912345678"


def _page(browser: Any, base: str, width: int) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 844}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_citizen_signs_in_by_sms_code_and_rates_on_a_phone(
    browser: Any, live_server: str, world: World
) -> None:
    phone = _page(browser, live_server, 390)
    phone.goto("/submit")
    phone.fill("#f-content", "小区门口路灯坏了一周，晚上很黑")
    phone.fill("#f-address", "长沙市岳麓区麓山南路 1 号")
    phone.fill("#f-contact_phone", PHONE)
    phone.click("main button[type=submit]")
    number = phone.inner_text("#case-number").strip()

    world.act("agent", number, "accept", category="HJBH")  # → the acceptance SMS
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已更换路灯灯泡，恢复照明。")

    phone.goto("/my")  # not signed in: to the sign-in page
    assert phone.url.endswith("/my/login")
    phone.fill("#my-phone", PHONE)
    _shot(phone, "my-login-390")
    phone.click("#send-code")
    code = phone.inner_text("#demo-code strong").strip()
    assert len(code) == 6 and code.isdigit()
    assert "139****5678" in phone.inner_text("#code-sent")
    _shot(phone, "my-code-390")
    phone.fill("#my-code", "000000" if code != "000000" else "111111")
    phone.click("#sign-in")
    assert "验证码不正确" in phone.inner_text("main")
    phone.fill("#my-code", code)
    phone.click("#sign-in")
    phone.wait_for_selector("#my-cases")
    assert number in phone.inner_text("#my-cases")
    messages = phone.inner_text("#my-messages")
    assert "受理" in messages and number in messages  # the acceptance SMS, as the logging adapter sent it
    assert "答复" in messages
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    _shot(phone, "my-cases-390")

    phone.click(f"#open-{number}")
    assert "已更换路灯灯泡" in phone.inner_text("#track-reply")
    timeline = phone.inner_text(".timeline")
    assert "橘子洲街道" in timeline and "h_s1" not in timeline and "agent" not in timeline
    phone.select_option("#f-rating", "very_satisfied")
    phone.select_option("#f-resolved", "true")
    phone.click(f"form[action='/my/cases/{number}/rate'] button")
    phone.wait_for_selector("#rated-now")
    _shot(phone, "my-case-rated-390")
    assert world.get("agent", number)["rating"] == "very_satisfied"

    desk = _page(browser, live_server, 1280)
    desk.goto("/login")
    desk.fill("#f-username", "admin")
    desk.fill("#f-password", PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_url(lambda url: "/login" not in url)
    desk.goto("/admin/outbox")
    table = desk.inner_text("#outbox-table")
    assert "139****5678" in table and PHONE not in table and "验证码已隐藏" in table
    _shot(desk, "admin-outbox")
    desk.goto("/admin/message-templates")
    desk.fill("#tpl-accepted-zh", "【12345】{number} 已受理 {oops}")
    desk.click("#save-accepted")
    assert "未知的占位符" in desk.inner_text("#tpl-accepted")
    _shot(desk, "admin-message-templates")
