"""A working day per role, walked in real Chromium: dispatcher, handler, co-unit, supervisor,
leader, administrator, with the features of issue 11: the typeahead unit picker and the
category at 派单, the co- unit's 协办回复, the supervisor's 差评复核 and extension approval, the
category tree, the cockpit and its 大屏; and the roles of one-stop services (issue 14): the
item steward and the window clerk (their full walks: tests/services/test_items_browser.py,
test_window_browser.py; the applicant, reviewer and leader:
tests/services/test_services_walks.py). Each walk is its own test (to be extended as the
workbench grows), logs in through the login page (and so lands where that role lands), and
leaves a desktop (1366 px) and a phone (390 px) screenshot in
test-artifacts/screenshots/walk-<role>-*.png; a selection is kept in docs/img (docs/ui.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

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
    page.click("#act-dispatch summary")
    page.select_option("#dispatch-category", "SDQR")  # the dispatcher sets the category
    box = page.locator("#dispatch-lead_department-search")
    box.fill("zjj")  # 住建局, a 市直部门, by its pinyin initials
    option = page.locator("[role=option][data-code=ZJ]")
    option.wait_for()
    _shot(page, "walk-dispatcher-typeahead", full=False)
    option.click()
    assert page.eval_on_selector("#dispatch-lead_department", "s => s.value") == "ZJ"
    co = page.locator("#dispatch-co_departments-search")
    co.fill("jzz")  # 橘子洲街道 as the co-unit
    page.locator("[role=option][data-code=S1]").click()
    page.click("#do-dispatch")
    page.wait_for_selector("#done")
    assert page.inner_text("#case-status") == "待签收"
    meta = page.inner_text("#case-panel")
    assert "住建局 、橘子洲街道" in meta
    assert "水电气热" in meta
    out = world.get("dispatcher", waiting)
    assert (out["lead_department"]["code"], out["category"]["code"]) == ("ZJ", "SDQR")
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
    expect(page.locator("#reply-reply")).to_be_focused()
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
    page.goto("/work?queue=co_unit_pending")  # 协办待回复: its reply is still due
    assert page.locator(f"text={number}").count() == 1
    page.click(f"text={number}")
    page.wait_for_selector("#case-status")
    assert page.inner_text("#case-status") == "办理中"
    assert "住建局" in page.inner_text("#case-panel").split("主办单位")[1].split("分类")[0]
    _act(page, "co_reply", fill={"#co_reply-reply": "住建局已核查：工地夜间施工许可已过期，责令停工整改。"})
    assert "协办回复" in page.inner_text("#timeline")
    assert "责令停工整改" in page.inner_text("#timeline")
    _shot(page, "walk-co-unit-desktop")
    lead = world.get("h_s1", number)  # the lead unit reads it; the case stays with the lead unit
    assert lead["status"] == "in_progress"
    assert [u["code"] for u in lead["co_units"] if u["replied_at"] is not None] == ["ZJ"]
    page.goto("/work?queue=co_unit_pending")
    assert page.locator(f"text={number}").count() == 0  # no longer due
    _phone(browser, live_server, "h_zj", f"/work/cases/{number}", "walk-co-unit-phone")


def test_supervisor_day(browser: Any, live_server: str, world: Any) -> None:
    slow = world.case_in("in_progress", lead="S1")
    rated = world.case_in("reviewing", lead="S1")
    late = world.case_in("in_progress", lead="S1")
    world.act("h_s1", late, "request_extension", amount=3, reason="需协调供电公司停电检修")
    page = _page(browser, live_server)
    assert _login(page, "supervisor") == "/work"
    page.goto(f"/work/cases/{slow}")
    _act(page, "supervise", fill={"#supervise-note": "请三日内答复群众并报督办结果"})
    assert "督办" in page.inner_text("#case-panel")
    # 差评复核: the bad rating is decided — 重办, with the reason
    page.goto("/work?queue=bad_rating_review")
    assert page.locator(f"text={rated}").count() == 1
    page.click(f"text={rated}")
    page.wait_for_selector("#case-status")
    assert page.inner_text("#case-status") == "差评复核中"
    _act(page, "review_reopen", fill={"#review_reopen-reason": "群众反映问题未解决，现场复核属实，重办"})
    assert page.inner_text("#case-status") != "差评复核中"
    assert "群众反映问题未解决" in page.inner_text("#timeline")
    reopened = world.get("supervisor", rated)
    assert reopened["status"] == "dispatched"  # back to the lead unit (重办), under supervision
    assert "reopened" in reopened["marks"]
    _shot(page, "walk-supervisor-review")
    # 延期待审: the approval form shows the days asked for; once decided it is gone
    page.goto("/work?queue=extension_pending")
    page.click(f"text={late}")
    page.click("#act-approve_extension summary")
    assert page.inner_text("#extension-asked") == "h_s1 申请延期 3 个工作日：需协调供电公司停电检修"
    _shot(page, "walk-supervisor-extension", full=False)
    page.select_option("#approve_extension-approved", "true")
    page.click("#do-approve_extension")
    page.wait_for_selector("#done")
    assert page.locator("#act-approve_extension").count() == 0
    assert world.get("supervisor", late)["pending_extension"] is None
    page.goto("/cockpit")
    page.wait_for_selector("body[data-charts=ready]")
    assert page.is_visible("#kpi-recurrence-30")
    _shot(page, "walk-supervisor-desktop")
    _phone(browser, live_server, "supervisor", "/work?queue=bad_rating_review", "walk-supervisor-phone")


def test_leader_day(browser: Any, live_server: str, world: Any) -> None:
    world.case_in("closed")
    page = _page(browser, live_server)
    assert _login(page, "leader") == "/cockpit"  # the leader lands on the cockpit
    page.wait_for_selector("body[data-charts=ready]")
    assert page.inner_text("#kpi-recurrence-30") == "0.0%"
    # an empty instruction: the error is where the eye is (the field is focused, in view)
    page.click("#do-instruct")
    page.wait_for_selector("#i-content-error")
    expect(page.locator("#i-content")).to_be_focused()
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
    assert links.count() == 11  # six sections, the AI category model (taxonomy), certificate signing keys,
    # message templates and the outbox (notifications), Open311 clients
    page.click("#admin-link-users")
    page.wait_for_selector("#users")
    page.fill("#u-username", "h_s1c")
    page.fill("#u-password", "short")
    page.click("#do-user")
    page.wait_for_selector("#u-password-error")
    expect(page.locator("#u-password")).to_be_focused()
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
    # the category tree: add 噪声污染 under 环境保护, move it under 城乡建设, retire it
    page.click("#open-category-tree")
    page.wait_for_selector("#tree-root")
    page.select_option("#k-parent", "HJBH")
    page.fill("#k-code", "HJBH.90")
    page.fill("#k-name", "噪声污染")
    page.click("#do-category")
    page.wait_for_selector("#done")
    assert "环境保护 › 噪声污染" in page.inner_text("#edit h2")
    page.select_option("#m-parent", "CXJS")
    page.click("#do-move")
    page.wait_for_selector("#done")
    assert "城乡建设 › 噪声污染" in page.inner_text("#edit h2")
    assert page.locator("#node-CXJS #node-HJBH\\.90").count() == 1
    page.click("#do-retire")
    page.wait_for_selector("#done")
    assert "已停用" in page.inner_text("#node-HJBH\\.90")
    history = page.inner_text("#history-table")
    assert [row for row in history.splitlines() if "HJBH.90" in row and "停用" in row]
    _shot(page, "walk-admin-categories", full=False)
    _phone(browser, live_server, "admin", "/admin/users", "walk-admin-phone")


def _services_staff(world: Any) -> None:
    """Published items, an item steward ``istew`` (city) and halls with seated clerks."""
    from tests.services.window_support import services_staff

    services_staff(world, "事项管理员 刘洋")


def test_item_steward_day(browser: Any, live_server: str, world: Any) -> None:
    _services_staff(world)
    page = _page(browser, live_server)
    landed = _login(page, "istew")
    assert landed.startswith("/services/items"), landed  # the steward lands on the item list
    expect(page.locator("main")).to_contain_text("食品经营许可")
    _shot(page, "walk-item_steward-desktop")
    page.locator("main a", has_text="食品经营许可").first.click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("11430100MB1504417T0000117009000")
    _shot(page, "walk-item_steward-item")
    _phone(browser, live_server, "istew", "/services/items", "walk-item_steward-phone")


def test_window_clerk_day(browser: Any, live_server: str, world: Any) -> None:
    _services_staff(world)
    page = _page(browser, live_server)
    assert _login(page, "clerk_a") == "/services/window"  # the clerk lands on the desk
    expect(page.locator("#win-seat")).to_contain_text("综合窗口1号")
    page.fill("#win-q", "食品")
    page.click("#win-search")
    expect(page.locator("#win-found")).to_contain_text("食品经营许可")
    _shot(page, "walk-window_clerk-desktop")
    page.goto("/services/window/statistics")
    expect(page.locator("#st-received")).to_have_text("0")
    _shot(page, "walk-window_clerk-statistics")
    _phone(browser, live_server, "clerk_a", "/services/window", "walk-window_clerk-phone")
