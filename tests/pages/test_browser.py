"""End to end in real Chromium: the public, an agent, a dispatcher, a handler and a supervisor
close the loop through the pages; screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS
from zhizhi.core import clock

pytestmark = pytest.mark.browser
PHONE = "13912345678"


def _page(browser: Any, base: str, width: int = 1280) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)  # each role lands on its own page


def _act(
    page: Any, action: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None
) -> None:
    page.click(f"#act-{action} summary")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    for selector, value in (select or {}).items():
        page.select_option(selector, value)
    page.click(f"#do-{action}")
    page.wait_for_selector("#done")


def test_the_whole_loop_in_chromium(browser: Any, live_server: str) -> None:
    public = _page(browser, live_server, width=375)
    staff = _page(browser, live_server)

    # the supervisor's cockpit before anything happened
    _login(staff, "supervisor")
    staff.goto("/cockpit")
    assert staff.inner_text("#kpi-today") == "0"

    # a member of the public submits on a 375 px phone screen; an invalid phone shows its error
    public.goto("/")
    _shot(public, "portal-home-375")
    public.goto("/submit")
    public.fill("#f-content", "小区门口路灯坏了一周，晚上很黑")
    public.fill("#f-address", "长沙市岳麓区麓山南路 1 号")
    public.fill("#f-contact_phone", "12345")
    public.click("main button[type=submit]")
    error = public.locator("#f-contact_phone-error")
    assert "电话号码格式不正确" in error.inner_text()
    assert public.get_attribute("#f-contact_phone", "aria-invalid") == "true"
    _shot(public, "portal-submit-error")
    public.fill("#f-contact_phone", PHONE)
    public.click("main button[type=submit]")
    number = public.inner_text("#case-number").strip()
    assert len(number) == 13
    _shot(public, "portal-submitted")

    # the agent accepts it and enters a phone appeal
    _login(staff, "agent")
    staff.goto(f"/work/cases/{number}")
    _act(staff, "accept")
    staff.goto("/work/intake")
    staff.select_option("#f-category", "HJBH")
    staff.fill("#f-content", "来电反映：工地夜间施工噪音扰民")
    staff.fill("#f-contact_phone", "13700001111")
    _shot(staff, "work-intake")
    staff.click("main button[type=submit]")
    staff.wait_for_selector("#case-status")
    phone_case = staff.url.split("/")[-1].split("?")[0]
    assert staff.inner_text("#case-status") == "待派单"

    # the dispatcher dispatches (htmx swaps the panel)
    _login(staff, "dispatcher")
    staff.goto("/work?queue=accepted")
    assert staff.locator(f"text={number}").count() == 1
    _shot(staff, "work-queues")
    staff.goto(f"/work/cases/{number}")
    _act(staff, "dispatch", select={"#dispatch-lead_department": "S1"})
    assert staff.inner_text("#case-status") == "待签收"

    # the handler signs and replies; an empty reply is refused next to the field first
    _login(staff, "h_s1")
    staff.goto("/work?queue=dispatched")
    staff.click(f"text={number}")
    _act(staff, "sign")
    staff.click("#act-reply summary")
    staff.fill("#reply-reply", "x")
    staff.click("#do-reply")
    staff.wait_for_selector("#reply-reply-error")
    _shot(staff, "work-case-error")
    staff.fill("#reply-reply", "已更换路灯灯泡，恢复照明。")
    staff.click("#do-reply")
    staff.wait_for_selector("#done")
    assert staff.inner_text("#case-status") == "已答复待回访"
    _shot(staff, "work-case")

    # the public tracks and rates
    public.goto("/track")
    public.fill("#f-number", number)
    public.fill("#f-phone", PHONE)
    public.click("main form button[type=submit]")
    assert "已更换路灯灯泡" in public.inner_text("#track-reply")
    public.select_option("#f-rating", "very_satisfied")
    public.select_option("#f-resolved", "true")
    public.click("form[action='/track/rate'] button")
    public.wait_for_selector("#rated-now")
    _shot(public, "portal-track")

    # the cockpit count changed; a month later the phone appeal is overdue
    _login(staff, "supervisor")
    staff.goto("/cockpit")
    assert staff.inner_text("#kpi-today") == "2"
    staff.wait_for_selector("body[data-charts=ready]")
    _shot(staff, "cockpit")
    clock.freeze(clock.now() + timedelta(days=40))
    _login(staff, "supervisor")
    staff.goto("/cockpit?period=month")
    staff.wait_for_selector("body[data-charts=ready]")
    assert phone_case in staff.inner_text("#list-overdue")
    _shot(staff, "cockpit-overdue")
    staff.goto("/work?queue=overdue")
    assert staff.locator(f"text={phone_case}").count() == 1
    staff.goto("/?lang=en")
    assert "Workbench" in staff.inner_text("header")
    staff.goto(f"/work/cases/{phone_case}")
    assert staff.inner_text("#case-status") == "Awaiting dispatch"  # a status in English, not its code
    _shot(staff, "work-case-en")
    _login(staff, "admin")
    staff.goto("/admin/users?lang=zh")
    _shot(staff, "admin")
