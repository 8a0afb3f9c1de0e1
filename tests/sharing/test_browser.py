"""The sharing flow in real Chromium (desktop and a 390-px phone): a department requests a
resource from the catalogue, the owner approves, a consuming system reads through the exchange,
the owner sees the read and the data subject sees which department read data about them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS
from tests.pages.test_browser import _login, _page
from tests.sharing.conftest import CITIZEN_ID, PROVIDER_ROWS, build_city

pytestmark = pytest.mark.browser
INLINE_SCRIPTS = "script:not([src]):not([type='application/json'])"


def test_request_approve_exchange_and_both_views(browser: Any, live_server: str, world: Any) -> None:
    city = build_city(world)
    zj = _page(browser, live_server, width=1366)
    _login(zj, "st_zj")
    zj.goto("/sharing?q=人口")
    assert zj.locator("#resources tbody tr").count() == 1
    assert "person.name" in zj.inner_text("#conflicts")  # 一数一源 flagged
    assert zj.locator(INLINE_SCRIPTS).count() == 0
    zj.screenshot(path=str(SHOTS / "sharing-catalogue.png"), full_page=True)
    zj.click("#res-GA-RK-001 a")
    zj.wait_for_selector("#request-form")
    zj.fill("#f-purpose_detail", "公租房资格审核时核验申请人户籍")
    zj.fill("#f-legal_basis", "《公共租赁住房管理办法》第七条")
    zj.uncheck("#fld-gender")
    zj.uncheck("#fld-birth_date")
    zj.uncheck("#fld-ethnicity")
    zj.click("#do-request")
    zj.wait_for_selector("#done")
    number = zj.inner_text("#done").split("：")[-1].strip()
    assert zj.inner_text(f"#out-{number}").count("待审批") == 1
    assert "正常" in zj.inner_text(f"#out-{number}")  # the working-day deadline, not yet close
    # the owner answers
    ga = _page(browser, live_server, width=1366)
    _login(ga, "st_ga")
    ga.goto("/sharing/requests")
    ga.wait_for_selector(f"#req-{number}")
    ga.screenshot(path=str(SHOTS / "sharing-approve.png"), full_page=True)
    ga.locator(f"#req-{number} input[name=plain_fields][value=name]").check()
    ga.fill(f"#reason-{number}", "符合住房保障审核需要")
    ga.click(f"#approve-{number}")
    ga.wait_for_selector("#done")
    assert "住建局" in ga.inner_text("#grants")
    assert "有效" in ga.inner_text("#grants")
    # a consuming system of 住建局 reads a record
    person = PROVIDER_ROWS["provider_population"][0]
    r = city.read("ZJ", "GA-RK-001", person["id_number"])
    assert r.status_code == 200
    assert r.json()["record"]["name"] == person["name"]
    # the owner sees who read its data
    ga.goto("/sharing/reads")
    row = ga.locator("#reads tbody tr").first
    assert "住建局" in row.inner_text()
    assert CITIZEN_ID[:6] + "********" + CITIZEN_ID[-4:] in row.inner_text()
    ga.screenshot(path=str(SHOTS / "sharing-reads.png"), full_page=True)
    # the person, on a phone, sees which department read data about them
    phone = _page(browser, live_server, width=390)
    phone.goto("/my-data")
    phone.fill("#md-username", "citizen")
    phone.fill("#md-password", PASSWORD)
    phone.click("#md-show")
    phone.wait_for_selector("#mydata-for")
    assert phone.locator("#reads tbody tr").count() == 1
    assert "住建局" in phone.inner_text("#reads")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(SHOTS / "sharing-mydata-390.png"), full_page=True)
    # a wrong password shows the error, nothing else
    phone.goto("/my-data")
    phone.fill("#md-username", "citizen")
    phone.fill("#md-password", "wrong-password")
    phone.click("#md-show")
    phone.wait_for_selector("#mydata-error")
    assert phone.locator("#reads").count() == 0
    # the catalogue on a phone
    zj_phone = _page(browser, live_server, width=390)
    _login(zj_phone, "st_zj")
    zj_phone.goto("/sharing")
    assert zj_phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    zj_phone.screenshot(path=str(SHOTS / "sharing-catalogue-390.png"), full_page=True)
