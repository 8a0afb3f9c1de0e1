"""In real Chromium: the typeahead pick on the dispatch form (lead by pinyin initials, co-units
as chips), filter + Excel export from the workbench, and the print view under print media.
Screenshots (desktop 1366 and 390-px phone) go to test-artifacts/screenshots/."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS

pytestmark = pytest.mark.browser


def _page(browser: Any, base: str, width: int = 1366) -> Any:
    context = browser.new_context(
        base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/work**")


def test_typeahead_pick_on_the_dispatch_form(browser: Any, live_server: str, world: Any) -> None:
    number = world.create()["number"]
    page = _page(browser, live_server)
    _login(page, "dispatcher")
    page.goto(f"/work/cases/{number}")
    page.click("#act-dispatch summary")
    box = page.locator("#dispatch-lead_department-search")
    box.fill("jzz")  # 橘子洲街道 by its pinyin initials
    option = page.locator("[role=option][data-code=S1]")
    option.wait_for()
    page.screenshot(path=str(SHOTS / "workbench-typeahead.png"))
    option.click()
    assert page.eval_on_selector("#dispatch-lead_department", "s => s.value") == "S1"
    co = page.locator("#dispatch-co_departments-search")
    co.fill("住建")
    page.locator("[role=option][data-code=ZJ]").click()
    co.fill("frq")  # 芙蓉区, by keyboard
    page.locator("[role=option][data-code=D2]").wait_for()
    co.press("ArrowDown")
    page.locator("[role=option][data-code=D2][aria-selected=true]").wait_for()
    co.press("Enter")
    chips = page.locator(".unit-picker .chip")
    assert sorted(chips.evaluate_all("cs => cs.map(c => c.dataset.code)")) == ["D2", "ZJ"]
    chips.filter(has_text="芙蓉区").locator("button").click()
    page.click("#do-dispatch")
    page.wait_for_selector("#done")
    out = world.get("dispatcher", number)
    assert out["lead_department"]["code"] == "S1"
    assert [d["code"] for d in out["co_departments"]] == ["ZJ"]


def test_filter_and_export_in_chromium(browser: Any, live_server: str, world: Any) -> None:
    a = world.create(subject="路灯不亮", content="门口路灯坏了")["number"]
    world.create(subject="噪音", content="工地噪音")
    for width, name in ((1366, "workbench-search"), (390, "workbench-search-phone")):
        page = _page(browser, live_server, width)
        _login(page, "dispatcher")
        page.goto("/work")
        page.click("#filters summary")
        page.fill("#flt-q", "路灯")
        page.select_option("#flt-channel", "hotline")
        page.click("#do-search")
        page.wait_for_url("**q=**")
        assert page.inner_text("#result-total") == "1"
        assert page.locator(f'a[href="/work/cases/{a}"]').count() == 1
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#export-xlsx")
    data = info.value.path().read_bytes()
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [a]


def test_print_view_in_print_media(browser: Any, live_server: str, world: Any) -> None:
    number = world.case_in("dispatched")
    page = _page(browser, live_server)
    _login(page, "dispatcher")
    page.goto(f"/work/cases/{number}")
    page.click("#print-order-link")
    page.wait_for_selector("#print-order")
    assert page.is_visible("header.top") and page.is_visible("#do-print")
    page.emulate_media(media="print")
    assert not page.is_visible("header.top") and not page.is_visible("#do-print")
    assert page.is_visible("#print-number")
    page.screenshot(path=str(SHOTS / "workbench-print-order.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF"
    page.emulate_media(media="screen")
    page.goto(f"/work/cases/{number}/print/receipt")
    page.emulate_media(media="print")
    assert "138****1234" in page.inner_text("#receipt-contact")
    page.screenshot(path=str(SHOTS / "workbench-print-receipt.png"), full_page=True)
