"""A working day per role, walked in real Chromium: dispatcher, handler, co-unit, supervisor,
leader, administrator.  Each walk is its own test (to be extended as the workbench grows), logs
in through the login page (and so lands where that role lands), and leaves a desktop (1366 px)
and a phone (390 px) screenshot in test-artifacts/screenshots/walk-<role>-*.png; a selection is
kept in docs/img (docs/ui.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest

from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS

pytestmark = pytest.mark.browser


def _page(browser: Any, base: str, width: int = 1366, height: int = 900) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": height}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _shot(page: Any, name: str, full: bool = True) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)


def _login(page: Any, username: str) -> str:
    """Sign in through the form; returns the path the role landed on."""
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "/login" not in page.url
    return urlparse(page.url).path


def _act(
    page: Any, action: str, fill: dict[str, str] | None = None, select: dict[str, Any] | None = None
) -> None:
    page.click(f"#act-{action} summary")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    for selector, value in (select or {}).items():
        page.select_option(selector, value)
    page.click(f"#do-{action}")
    page.wait_for_selector("#done")


def _focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def _phone(browser: Any, base: str, username: str, path: str, name: str) -> None:
    phone = _page(browser, base, width=390, height=844)
    _login(phone, username)
    phone.goto(path)
    phone.wait_for_load_state("load")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"{path} scrolls sideways on a phone ({width} px)"
    _shot(phone, name)
    phone.context.close()


def test_dispatcher_day(browser: Any, live_server: str, world: Any) -> None:
    waiting = world.case_in("accepted")
    page = _page(browser, live_server)
    assert _login(page, "dispatcher") == "/work"
    assert page.get_attribute("#q-accepted", "aria-current") == "page"  # lands on 待派单
    assert page.locator(f"text={waiting}").count() == 1
    _shot(page, "walk-dispatcher-queue")
    page.click(f"text={waiting}")
    page.wait_for_selector("#case-status")
    _act(page, "dispatch", select={"#dispatch-lead_department": "S1", "#dispatch-co_departments": ["ZJ"]})
    assert page.inner_text("#case-status") == "待签收"
    assert "住建局" in page.inner_text("#case-panel")
    _shot(page, "walk-dispatcher-desktop")
    _phone(browser, live_server, "dispatcher", f"/work/cases/{waiting}", "walk-dispatcher-phone")


def test_handler_day(browser: Any, live_server: str, world: Any) -> None:
    number = world.case_in("dispatched", lead="S1")
    page = _page(browser, live_server)
    assert _login(page, "h_s1") == "/work"
    assert page.get_attribute("#q-dispatched", "aria-current") == "page"
    page.click(f"text={number}")
    _act(page, "sign")
    # an empty reply: refused next to the field, which gets the focus
    page.click("#act-reply summary")
    page.click("#do-reply")
    page.wait_for_selector("#reply-reply-error")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'reply-reply'")
    _shot(page, "walk-handler-error")
    page.fill("#reply-reply", "已派人现场核查，施工单位承诺夜间停工，噪音问题已解决。")
    page.click("#do-reply")
    page.wait_for_selector("#done")
    assert page.inner_text("#case-status") == "已答复待回访"
    _shot(page, "walk-handler-desktop")
    _phone(browser, live_server, "h_s1", "/work?queue=replied", "walk-handler-phone")


def test_co_unit_day(browser: Any, live_server: str, world: Any) -> None:
    number = str(world.create()["number"])
    world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["ZJ"])
    world.act("h_s1", number, "sign")
    page = _page(browser, live_server)
    assert _login(page, "h_zj") == "/work"
    assert page.get_attribute("#q-in_progress", "aria-current") == "page"  # the co-handled case
    assert page.locator(f"text={number}").count() == 1
    page.click(f"text={number}")
    page.wait_for_selector("#case-status")
    assert page.inner_text("#case-status") == "办理中"
    assert "住建局" in page.inner_text("#case-panel").split("主办单位")[1].split("分类")[0]
    _shot(page, "walk-co-unit-desktop")
    _phone(browser, live_server, "h_zj", f"/work/cases/{number}", "walk-co-unit-phone")


def test_supervisor_day(browser: Any, live_server: str, world: Any) -> None:
    slow = world.case_in("in_progress", lead="S1")
    page = _page(browser, live_server)
    assert _login(page, "supervisor") == "/work"
    page.goto(f"/work/cases/{slow}")
    _act(page, "supervise", fill={"#supervise-note": "请三日内答复群众并报督办结果"})
    assert "督办" in page.inner_text("#case-panel")
    page.goto("/cockpit")
    page.wait_for_selector("body[data-charts=ready]")
    assert page.is_visible("#kpi-recurrence-30")
    _shot(page, "walk-supervisor-desktop")
    _phone(browser, live_server, "supervisor", "/work?queue=in_progress", "walk-supervisor-phone")


def test_leader_day(browser: Any, live_server: str, world: Any) -> None:
    world.case_in("closed")
    page = _page(browser, live_server)
    assert _login(page, "leader") == "/cockpit"  # the leader lands on the cockpit
    page.wait_for_selector("body[data-charts=ready]")
    assert page.inner_text("#kpi-recurrence-30") == "0.0%"
    # an empty instruction: the error is where the eye is (the field is focused, in view)
    page.click("#do-instruct")
    page.wait_for_selector("#i-content-error")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'i-content'")
    assert page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; })()"
    )
    page.fill("#i-content", "请城管、住建部门联合整治麓山南路夜间施工噪音，一周内报结果")
    page.click("#do-instruct")
    page.wait_for_selector("#case-status")
    assert "/work/cases/" in page.url
    _shot(page, "walk-leader-desktop")
    # the command-centre screen, at the size of the wall
    wall = _page(browser, live_server, width=1920, height=1080)
    _login(wall, "leader")
    wall.goto("/cockpit/screen")
    wall.wait_for_selector("body[data-charts=ready]")
    assert wall.inner_text("#s-today") == "2"
    assert wall.evaluate("document.documentElement.scrollHeight") <= 1080
    _shot(wall, "walk-leader-screen", full=False)
    wall.context.close()
    _phone(browser, live_server, "leader", "/cockpit", "walk-leader-phone")


def test_admin_day(browser: Any, live_server: str, world: Any) -> None:
    page = _page(browser, live_server)
    assert _login(page, "admin") == "/admin"
    links = page.locator("nav.admin-sections a")
    assert links.count() == 8  # six sections, the AI category model (taxonomy), certificate signing keys
    page.click("#admin-link-users")
    page.wait_for_selector("#users")
    page.fill("#u-username", "h_s1c")
    page.fill("#u-password", "short")
    page.click("#do-user")
    page.wait_for_selector("#u-password-error")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'u-password'")
    _shot(page, "walk-admin-error")
    page.fill("#u-password", "long-enough-password-1")
    page.click("#do-user")
    page.wait_for_selector("#done")
    assert page.url.endswith("/admin/users?done=user") and "h_s1c" in page.inner_text("#users")
    for section in ("departments", "limits", "calendar", "rules", "categories"):
        page.click(f"#admin-link-{section}")
        page.wait_for_selector(f"#{section}")
        assert page.get_attribute(f"#admin-link-{section}", "aria-current") == "page"
    _shot(page, "walk-admin-desktop")
    _phone(browser, live_server, "admin", "/admin/users", "walk-admin-phone")
