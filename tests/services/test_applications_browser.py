"""In real Chromium: an applicant applies online (first with everything missing: one list of all
problems, then complete with uploads) and gets a receipt; the department's reviewer finds it in
the queue, sends the one-time supplement notice, and after the applicant's supplement accepts,
examines and approves it (the certificate is issued); the applicant tracks it by number.
Screenshots (desktop and 390-px phone) go to test-artifacts/screenshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.attachments.photos import PDF, png
from tests.builders import PASSWORD, World
from tests.pages.conftest import SHOTS
from tests.services.apps_data import CERT_FIELDS, LICENCE, ORG_CODE, publish_items
from tests.services.apps_data import act as api_act

pytestmark = pytest.mark.browser


def _page(browser: Any, base: str, width: int = 1366) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _phone_fits(page: Any, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name  # no sideways scrolling
    _shot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1366, "height": 900})


def test_apply_review_supplement_approve_track(browser: Any, world: World, live_server: str) -> None:
    publish_items(world)
    page = _page(browser, live_server)
    page.goto(f"/services/apply/{LICENCE}")
    assert "食品经营许可" in page.inner_text("#apply-title")
    page.click("#apply-submit")
    problems = page.locator("#apply-problems li")
    problems.first.wait_for()
    assert problems.count() >= 5  # name, ID, form fields and both required materials: one list
    _shot(page, "applications-apply-problems")
    page.select_option("#f-applicant-type", "organisation")
    page.fill("#f-applicant-name", "长沙岳麓小厨餐饮有限公司")
    page.fill("#f-applicant-id_number", ORG_CODE)
    page.fill("#f-applicant-phone", "13900001111")
    page.fill("#f-enterprise-name", "长沙岳麓小厨餐饮有限公司")
    page.fill("#f-enterprise-credit_code", ORG_CODE)
    page.select_option("#f-food-category", "热食类食品制售")
    page.set_input_files(
        "#f-m-food-application_form", {"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.set_input_files(
        "#f-m-enterprise-business_licence", {"name": "执照.png", "mimeType": "image/png", "buffer": png()}
    )
    _shot(page, "applications-apply")
    _phone_fits(page, "applications-apply")
    page.click("#apply-submit")
    page.wait_for_selector("#receipt-number")
    number = page.inner_text("#receipt-number")
    _shot(page, "applications-receipt")
    _phone_fits(page, "applications-receipt")

    staff = _page(browser, live_server)
    staff.goto("/login")
    staff.fill("#f-username", "h_zj")
    staff.fill("#f-password", PASSWORD)
    staff.click("main button[type=submit]")
    staff.wait_for_url("**/work**")
    staff.goto("/work/applications")
    staff.click(f"#open-{number}")
    staff.wait_for_selector("#app-materials")
    assert staff.inner_text("#app-status") == "待预审"
    _shot(staff, "applications-work-detail")
    staff.click("#act-request_supplement summary")
    staff.check("#item-1")
    staff.fill("#problem-1", "申请书未加盖公章")
    staff.click("#do-request_supplement")
    staff.wait_for_selector("#app-notice")
    assert staff.inner_text("#app-status") == "待补正"
    # the applicant sees the notice when tracking, and supplements through the API
    page.goto("/services/track")
    page.fill("#f-number", number)
    page.fill("#f-id-number", ORG_CODE)
    page.click("#track-submit")
    page.wait_for_selector("#tracked-notice")
    assert "申请书未加盖公章" in page.inner_text("#tracked-notice")
    _shot(page, "applications-track-notice")
    _phone_fits(page, "applications-track-notice")
    r = world.client.post(
        f"/api/v1/applications/{number}/supplement",
        data={"data": json.dumps({"note": "已盖章"})},
        files=[("material.food.application_form", ("申请书.pdf", PDF, "application/pdf"))],
        headers={"X-Forwarded-For": "10.0.0.9"},
    )
    assert r.status_code == 401  # the anonymous applicant supplements on the counter or signed in
    # the department's clerk takes the stamped original at the window (a paper original, checked)
    api_act(world, "h_zj", number, "supplement", materials=[{"code": "food.application_form"}])
    staff.goto(f"/work/applications/{number}")
    staff.click("#act-accept summary")
    staff.click("#do-accept")
    staff.wait_for_selector("#app-due")
    staff.click("#act-examine summary")
    staff.click("#do-examine")
    staff.wait_for_selector("#act-approve")
    staff.click("#act-approve summary")
    staff.click("#do-approve")  # the certificate's fields are missing: the form says which
    staff.wait_for_selector("#act-problems")
    assert "经营场所" in staff.inner_text("#act-problems")
    staff.fill("#cert-approve-1", CERT_FIELDS["经营场所"])
    staff.fill("#cert-approve-2", CERT_FIELDS["主体业态"])
    staff.click("#do-approve")
    staff.wait_for_selector("#app-certificate")
    assert staff.inner_text("#app-status").startswith("准予")
    _shot(staff, "applications-work-approved")
    _phone_fits(staff, "applications-work-approved")
    staff.goto("/work/applications")
    _shot(staff, "applications-work-queue")
    _phone_fits(staff, "applications-work-queue")
    page.goto("/services/track")
    page.fill("#f-number", number)
    page.fill("#f-id-number", ORG_CODE)
    page.click("#track-submit")
    page.wait_for_selector("#tracked-certificate")
    _shot(page, "applications-track-approved")
    # the applicant downloads the certificate as a PDF from the tracking page
    button = page.locator("#tracked-certificate-download")
    button.wait_for(state="visible")
    _phone_fits(page, "applications-track-approved")
    with page.expect_download() as done:
        button.click()
    pdf = Path(done.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and len(pdf) < 400_000
    assert done.value.suggested_filename.startswith("certificate-")
