"""一件事一次办 in real Chromium as a member of the public (desktop and a 390-px phone): the
bundle list, the merged form filled in from shared data with consent, the upload of what is
still asked, and the status page with the 数据多跑路 figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.attachments.photos import PDF
from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS
from tests.pages.conftest import browser as browser
from tests.pages.conftest import live_server as live_server
from tests.pages.test_browser import _page
from tests.services.bundles_data import NEWBORN, save_bundle
from tests.sharing.conftest import CITIZEN_ID, PROVIDER_ROWS, SharingCity

pytestmark = pytest.mark.browser
INLINE_SCRIPTS = "script:not([src]):not([type='application/json'])"
PERSON = PROVIDER_ROWS["provider_population"][0]


@pytest.mark.parametrize("width", [1366, 390])
def test_newborn_bundle_online_with_data_instead_of_paper(
    browser: Any, live_server: str, bundle_city: SharingCity, tmp_path: Path, width: int
) -> None:
    save_bundle(bundle_city.world, NEWBORN)
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    suffix = "" if width > 400 else "-phone"
    page = _page(browser, live_server, width=width)
    # the citizen signs in once on the portal (/my, the account with the verified ID number)
    from sqlalchemy import select as sa_select

    from zhizhi.core.db import unit_of_work
    from zhizhi.org.models import User

    with unit_of_work() as s:
        s.scalars(sa_select(User).where(User.username == "citizen")).one().phone = "13812341234"
    page.goto("/my/login")
    page.click("#account-login summary")
    page.fill("#my-username", "citizen")
    page.fill("#my-password", PASSWORD)
    page.click("#account-sign-in")
    page.wait_for_url("**/my")
    page.goto("/bundles")
    page.locator("#bundle-newborn").wait_for()
    assert page.locator(INLINE_SCRIPTS).count() == 0
    page.screenshot(path=str(SHOTS / f"bundles-list{suffix}.png"), full_page=True)
    page.click("#apply-newborn")
    page.locator("#bundle-form").wait_for()
    page.select_option("#f-type", "1")
    page.fill("#f-applicant_name", PERSON["name"])
    page.fill("#f-id_number", CITIZEN_ID)
    page.check("#f-consent")
    assert page.locator("#signed-in-as").is_visible()  # not asked for a password on the form
    assert page.locator("#f-password").count() == 0
    page.click("#do-prefill")
    page.locator("#prefilled").wait_for()
    assert page.input_value('input[name="a.person.household_address"]') == PERSON["household_address"]
    assert page.locator("#mat-applicant\\.id_card .badge").is_visible()  # not asked: data provides it
    page.screenshot(path=str(SHOTS / f"bundles-form-prefilled{suffix}.png"), full_page=True)
    page.fill('input[name="a.child.name"]', "王小宝")
    page.fill('input[name="a.child.birth_date"]', "2026-11-20")
    page.set_input_files('input[name="f.hospital.record"]', str(scan))
    page.set_input_files('input[name="f.household.register"]', str(scan))
    page.click("#do-submit")
    page.locator("#submitted").wait_for()
    assert "YJS" in page.inner_text("#bundle-number")
    assert page.locator("#parts tbody tr").count() == 2
    assert "2" in page.inner_text("#saved-fields")  # two answers came from shared data
    page.screenshot(path=str(SHOTS / f"bundles-status{suffix}.png"), full_page=True)
    page.context.close()
