"""One-stop services walked in real Chromium by the roles issue 14 names (the window clerk's walk
is tests/pages/test_window_browser.py; the first online application with its one-time list is
test_applications_browser.py):

- the applicant: the guide (search, the item's page) → apply → receipt → track → rate;
- the back-office reviewer: the queue → 一次性告知补正 → accept → examine → a special procedure
  (the clock pauses, then runs again) → approve (the certificate);
- the leader: the cockpit's services tab (ratings per item, department and window; supervision
  beside the cases) and the supervision page.

Each leaves desktop (1366 px) and phone (390 px) screenshots in test-artifacts/screenshots/walk-*."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.attachments.photos import PDF, png
from tests.builders import PASSWORD, World
from tests.pages.conftest import SHOTS
from tests.pages.conftest import browser as browser
from tests.pages.conftest import live_server as live_server
from tests.services.apps_data import CERT_FIELDS, ORG_CODE, act, publish_items, submit

pytestmark = pytest.mark.browser


def _page(browser: Any, base: str, width: int = 1366) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _shots(page: Any, name: str) -> None:
    """Desktop and phone screenshots of the page as it is; the phone must not scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"walk-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 391, f"{name} scrolls sideways on a phone ({width} px)"
    page.screenshot(path=str(SHOTS / f"walk-{name}-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _login(page: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    assert "/login" not in page.url


def _complete(world: World, number: str) -> None:
    act(world, "h_zj", number, "accept")
    act(world, "h_zj", number, "examine")
    act(world, "h_zj", number, "approve", opinion="符合条件", certificate_fields=CERT_FIELDS)
    act(world, "h_zj", number, "deliver", method="certificate")


def test_applicant_guide_apply_track_rate(browser: Any, world: World, live_server: str) -> None:
    publish_items(world)
    page = _page(browser, live_server)
    page.goto("/services")
    page.fill("#svc-q", "食品经营")
    page.click("#svc-go")
    expect(page.locator("#svc-results")).to_contain_text("食品经营许可")
    _shots(page, "applicant-guide")
    page.locator("#svc-results a", has_text="食品经营许可").first.click()
    expect(page.locator("#svc-promised")).to_be_visible()
    expect(page.locator("#svc-materials")).to_contain_text("营业执照")
    _shots(page, "applicant-guide-item")
    page.click("#svc-apply")
    expect(page.locator("#apply-title")).to_contain_text("食品经营许可")
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
    page.click("#apply-submit")
    expect(page.locator("#receipt-number")).to_be_visible()
    number = page.inner_text("#receipt-number")
    # the department decides; the applicant tracks by number and ID, then rates
    _complete(world, number)
    page.goto("/services/track")
    page.fill("#f-number", number)
    page.fill("#f-id-number", ORG_CODE)
    page.click("#track-submit")
    expect(page.locator("#tracked-certificate")).to_be_visible()
    _shots(page, "applicant-track")
    page.click("#tracked-rate")  # the tracking page leads to the rating, the number filled in
    expect(page.locator("#f-number")).to_have_value(number)
    page.fill("#f-id_number", ORG_CODE)
    page.click("#rate-open")
    expect(page.locator("#rate-form")).to_be_visible()
    page.select_option("#f-stage", "completion")
    page.check("#level-very_dissatisfied")
    page.fill("#f-comment", "现场核查约了三次才来")
    _shots(page, "applicant-rate")
    page.click("#rate-submit")
    expect(page.locator("#rate-done")).to_be_visible()
    _shots(page, "applicant-rated")
    # a bad rating goes to verification: the department's reviewer finds it
    r = world.client.get("/api/v1/service-ratings/rectifications", headers=world.h("h_zj"))
    assert r.status_code == 200 and number in r.text, r.text
    page.context.close()


def test_reviewer_supplement_special_procedure_approve(browser: Any, world: World, live_server: str) -> None:
    publish_items(world)
    number = submit(world)["number"]
    page = _page(browser, live_server)
    _login(page, "h_zj")
    page.goto("/work/applications")
    expect(page.locator(f"#open-{number}")).to_be_visible()
    _shots(page, "reviewer-queue")
    page.click(f"#open-{number}")
    expect(page.locator("#app-status")).to_have_text("待预审")
    # the one-time notice: everything that is wrong, in one list
    page.click("#act-request_supplement summary")
    page.check("#item-1")
    page.fill("#problem-1", "申请书未加盖公章")
    page.click("#do-request_supplement")
    expect(page.locator("#app-notice")).to_contain_text("申请书未加盖公章")
    expect(page.locator("#app-status")).to_have_text("待补正")
    act(world, "h_zj", number, "supplement", materials=[{"code": "food.application_form"}])
    page.reload()
    page.click("#act-accept summary")
    page.click("#do-accept")
    expect(page.locator("#app-due")).to_be_visible()
    due = page.inner_text("#app-due")
    page.click("#act-examine summary")
    page.click("#do-examine")
    # 现场核查 (a special procedure): the clock pauses and the applicant is told
    page.click("#act-start_special summary")
    page.fill("#reason-sp", "需现场核查经营场所")
    page.fill("#expected-sp", "5")
    page.click("#do-start_special")
    expect(page.locator("#app-summary")).to_contain_text("暂停")
    expect(page.locator("#act-end_special")).to_be_visible()
    _shots(page, "reviewer-special")
    page.click("#act-end_special summary")
    page.fill("#result-es", "现场核查合格")
    page.click("#do-end_special")
    expect(page.locator("#act-approve")).to_be_visible()
    assert page.inner_text("#app-due") >= due  # the paused days do not count
    page.click("#act-approve summary")
    page.fill("#cert-approve-1", CERT_FIELDS["经营场所"])
    page.fill("#cert-approve-2", CERT_FIELDS["主体业态"])
    page.click("#do-approve")
    expect(page.locator("#app-certificate")).to_be_visible()
    expect(page.locator("#app-timeline")).to_contain_text("现场核查合格")
    _shots(page, "reviewer-approved")
    page.context.close()


def test_leader_services_tab_and_supervision(browser: Any, world: World, live_server: str) -> None:
    publish_items(world)
    rated = submit(world)["number"]
    _complete(world, rated)
    r = world.client.post(
        "/api/v1/service-ratings",
        json={"number": rated, "level": "dissatisfied", "comment": "等待时间长"},
        headers=world.h("citizen"),
    )
    assert r.status_code == 201, r.text
    submit(world)  # one waiting for pre-review
    page = _page(browser, live_server)
    _login(page, "leader")
    page.goto("/cockpit")
    page.click("#cockpit-services-tab")
    page.wait_for_url("**/cockpit/services**")
    text = page.inner_text("main")
    assert "食品经营许可" in text  # ratings per item
    assert "住建局" in text  # … per department
    _shots(page, "leader-services")
    page.goto("/services/supervision")
    page.wait_for_load_state("load")
    _shots(page, "leader-supervision")
    page.context.close()
