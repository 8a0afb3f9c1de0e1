"""The administrator's category tree page and the category field of the dispatch form, in real
Chromium (desktop 1366 px and a 390 px phone); screenshots to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.pages.conftest import SHOTS
from tests.pages.test_browser import _login, _page

pytestmark = pytest.mark.browser


def test_admin_builds_moves_and_retires_categories(browser: Any, live_server: str, world: Any) -> None:
    admin = _page(browser, live_server, width=1366)
    _login(admin, "admin")
    admin.goto("/admin/categories")
    admin.click("#open-category-tree")
    admin.wait_for_selector("#tree-root")
    # add 噪声污染 under 环境保护, then 施工噪声 under it
    for parent, code, name in [("HJBH", "HJBH.01", "噪声污染"), ("HJBH.01", "HJBH.01.01", "施工噪声")]:
        admin.select_option("#k-parent", parent)
        admin.fill("#k-code", code)
        admin.fill("#k-name", name)
        admin.click("#do-category")
        admin.wait_for_selector("#done")
    assert "环境保护 › 噪声污染 › 施工噪声" in admin.inner_text("#edit h2")
    # the grandchild sits inside its ancestors' branches
    assert admin.locator("#node-HJBH #node-HJBH\\.01 #node-HJBH\\.01\\.01").count() == 1
    # moving 环境保护 under its own grandchild is refused, with the reason on the page
    admin.click("#node-HJBH > details > summary > a")
    admin.select_option("#m-parent", "HJBH.01.01")
    admin.click("#do-move")
    assert "下级" in admin.inner_text("#m-parent-error")
    admin.screenshot(path=str(SHOTS / "admin-category-tree-error.png"), full_page=False)
    # rename, then retire the subtree
    admin.goto("/admin/categories/tree?edit=HJBH.01")
    admin.fill("#r-name", "噪声扰民")
    admin.click("#do-rename")
    admin.wait_for_selector("#done")
    assert "环境保护 › 噪声扰民" in admin.inner_text("#edit h2")
    admin.click("#do-retire")
    admin.wait_for_selector("#done")
    assert "已停用" in admin.inner_text("#node-HJBH\\.01\\.01")
    assert [row for row in admin.inner_text("#history-table").splitlines() if "停用" in row]
    admin.screenshot(path=str(SHOTS / "admin-category-tree.png"), full_page=False)
    phone = _page(browser, live_server, width=390)
    _login(phone, "admin")
    phone.goto("/admin/categories/tree?edit=CXJS")
    phone.wait_for_selector("#tree-root")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(SHOTS / "admin-category-tree-390.png"), full_page=False)


def test_dispatcher_confirms_the_category_on_the_dispatch_form(
    browser: Any, live_server: str, world: Any
) -> None:
    number = world.create("citizen", channel="web", category=None)["number"]
    world.act("agent", number, "accept")
    page = _page(browser, live_server, width=1366)
    _login(page, "dispatcher")
    page.goto(f"/work/cases/{number}")
    page.click("#act-dispatch summary")
    options = page.locator("#dispatch-category option").all_inner_texts()
    assert "环境保护" in options and "—" in options
    page.select_option("#dispatch-category", "SDQR")
    page.select_option("#dispatch-lead_department", "S1")
    page.screenshot(path=str(SHOTS / "work-dispatch-category.png"), full_page=False)
    page.click("#do-dispatch")
    page.wait_for_selector("#done")
    assert world.get("dispatcher", number)["category"]["code"] == "SDQR"
