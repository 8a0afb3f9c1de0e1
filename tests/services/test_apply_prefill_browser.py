"""免提交 on the online apply page in real Chromium (desktop and a 390-px phone): a firm agrees,
its business licence comes from the certificate library and its name from the business register
(each read logged), the form is filled in for it to check, and it uploads only what data cannot
provide; the receipt follows and the application counts what it did not have to give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.attachments.photos import PDF
from tests.pages.conftest import SHOTS
from tests.pages.conftest import browser as browser
from tests.pages.conftest import live_server as live_server
from tests.pages.test_browser import _page
from tests.services.bundles_data import FOOD
from tests.sharing.conftest import PROVIDER_ROWS, SharingCity

pytestmark = pytest.mark.browser
INLINE_SCRIPTS = "script:not([src]):not([type='application/json'])"
FIRM = "长沙麓山餐饮管理有限公司"


def _firm(city: SharingCity) -> str:
    from datetime import date

    from tests.certificates.conftest import COMPANY, licence
    from zhizhi.core.db import unit_of_work
    from zhizhi.org import service as org
    from zhizhi.sharing import service as sharing

    with unit_of_work() as s:
        row = dict(PROVIDER_ROWS["provider_business_licences"][0])
        row.update(credit_code=COMPANY, name=FIRM, established=date(2024, 3, 18))
        sharing.load_provider_rows(
            s, org.principal_for_username(s, "admin"), {"provider_business_licences": [row]}
        )
    city.request("st_zj", "SCJG-YYZZ-001", ["credit_code", "name", "address"])  # unconditional: granted
    r = city.client.post(
        "/api/v1/certificates",
        json=licence(grade="B", jurisdiction="430100000000"),
        headers=city.h("st_scjg"),
    )
    assert r.status_code == 201, r.text
    return COMPANY


@pytest.mark.parametrize("width", [1366, 390])
def test_apply_online_with_data_instead_of_paper(
    browser: Any, live_server: str, bundle_city: SharingCity, tmp_path: Path, width: int
) -> None:
    code = _firm(bundle_city)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    suffix = "" if width > 400 else "-phone"
    page = _page(browser, live_server, width=width)
    page.goto(f"/services/apply/{FOOD}")
    page.locator("#prefill-box").wait_for()
    assert page.locator(INLINE_SCRIPTS).count() == 0
    page.select_option("#f-applicant-type", "organisation")
    page.fill("#f-applicant-name", FIRM)
    page.fill("#f-applicant-id_number", code)
    page.fill("#f-applicant-phone", "13900001111")
    # reading without consent is refused with the field
    page.click("#prefill-read")
    page.locator("#apply-problems").wait_for()
    assert page.locator("#f-consent").is_visible()
    page.check("#f-consent")
    page.click("#prefill-read")
    page.locator("#prefill-summary").wait_for()
    assert page.input_value("#f-enterprise-name") == FIRM
    assert page.locator("#f-enterprise-name-data").is_visible()
    assert page.locator("#f-m-enterprise-business_licence-data").is_visible()  # not asked: data gives it
    assert page.locator("#f-m-enterprise-business_licence").count() == 0
    assert page.input_value("#f-applicant-id_number") == code  # the applicant's entries kept
    assert page.locator("#f-consent").is_checked()
    page.screenshot(path=str(SHOTS / f"apply-prefilled{suffix}.png"), full_page=True)
    if width < 400:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.select_option("#f-food-category", "热食类食品制售")
    page.set_input_files("#f-m-food-application_form", str(scan))
    page.set_input_files("#f-m-premises-proof", str(scan))
    page.click("#apply-submit")
    page.wait_for_url("**/services/submitted/**")
    number = page.url.rsplit("/", 1)[1]
    r = bundle_city.client.get(f"/api/v1/applications/{number}", headers=bundle_city.h("h_zj"))
    assert r.status_code == 200, r.text
    figure = r.json()["prefill"]
    assert figure["consent"] is True and figure["materials_saved"] == 1 and figure["fields_saved"] == 1
    states = {m["code"]: m["state"] for m in r.json()["materials"]}
    assert states["enterprise.business_licence"] == "by_data"
    page.screenshot(path=str(SHOTS / f"apply-prefill-submitted{suffix}.png"), full_page=True)
