"""In real Chromium: a visitor finds an item in the service guide by life event and by name,
reads its guide on a desktop and on a 390-px phone (no sideways scrolling), sees the "apply
online" entry and the print layout; an item steward writes a new item, publishes it, edits it
(a draft beside the version in force), publishes again and retires it, and a bad workbook is
refused with its cells named.  Screenshots go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import PASSWORD, World
from tests.pages.conftest import SHOTS
from tests.services.items_data import code_for, item

pytestmark = pytest.mark.browser

NEWBORN = "000115101000"


def _seed(w: World) -> None:
    bodies = [
        item(),
        item(
            basic_code=NEWBORN,
            implementation_code=code_for(NEWBORN),
            name="出生登记（户口登记）",
            type="07",
            applicant_types=["1"],
            audiences=["personal"],
            life_events=["newborn"],
            case_type="immediate",
            legal_limit={"value": 0, "unit": "working_day"},
            promised_limit={"value": 0, "unit": "working_day"},
            special_procedures=[],
            handling_forms=["window"],
            online_depth=1,
            result_certificate_type=None,
            result_type="certification",
            result_name="居民户口簿（增页）",
            place="岳麓区政务服务中心公安窗口",
            materials=[
                {
                    "code": "child.birth_medical_certificate",
                    "name": "出生医学证明",
                    "source": "certificate:birth_medical_certificate",
                },
                {"code": "person.household_register", "name": "居民户口簿", "original": True},
            ],
            fields=[],
        ),
    ]
    for body in bodies:
        r = w.client.post("/api/v1/service-items", json=body, headers=w.h("istew"))
        assert r.status_code == 201, r.text
        r = w.client.post(
            f"/api/v1/service-items/{body['implementation_code']}/publish", headers=w.h("istew")
        )
        assert r.status_code == 200, r.text


def _page(browser: Any, base: str, width: int) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


@pytest.mark.parametrize(("width", "name"), [(1366, "services-guide"), (390, "services-guide-phone")])
def test_visitor_finds_and_reads_a_guide(
    browser: Any, live_server: str, items_world: World, width: int, name: str
) -> None:
    from playwright.sync_api import expect

    _seed(items_world)
    page = _page(browser, live_server, width)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 and "/static/" in r.url else None)
    page.goto("/services")
    expect(page.locator("#svc-results .svc-card")).to_have_count(2)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.click("#topic-newborn")
    expect(page.locator("#svc-results .svc-card")).to_have_count(1)
    assert "出生登记" in page.inner_text("#svc-results")
    page.fill("#svc-q", "食品经营")
    page.click("#svc-go")
    expect(page.locator("#svc-empty")).to_be_visible()  # the topic newborn is still on
    page.goto("/services?q=" + "食品经营")
    page.locator("#svc-results a.svc-card-title").first.click()
    page.wait_for_url("**/services/guide/**")
    expect(page.locator("#svc-promised")).to_have_text("5个工作日")
    expect(page.locator("#svc-legal")).to_have_text("20个工作日")
    assert "免提交" in page.inner_text("#svc-materials")
    apply = page.locator("#svc-apply")
    expect(apply).to_be_visible()
    assert apply.get_attribute("href") == f"/services/apply/{code_for('000117009000')}"
    expect(page.locator("#svc-print")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.screenshot(path=str(SHOTS / f"{name}-item.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.locator("#svc-print")).to_be_hidden()
    expect(page.locator("#svc-materials")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"{name}-print.png"), full_page=True)
    page.emulate_media(media="screen")
    # an item handled only at the window has no online entry
    page.goto(f"/services/guide/{code_for(NEWBORN)}")
    expect(page.locator("#svc-apply")).to_have_count(0)
    expect(page.locator("#svc-promised")).to_contain_text("即办")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert missing == []


def _login(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize(("width", "name"), [(1366, "services-steward"), (390, "services-steward-phone")])
def test_steward_writes_publishes_edits_and_retires(
    browser: Any, live_server: str, items_world: World, width: int, name: str
) -> None:
    from playwright.sync_api import expect

    page = _page(browser, live_server, width)
    _login(page, "istew")
    page.goto("/services/items")
    page.click("#svc-new")
    code = code_for("000114202000")
    page.fill("#f-name", "职工基本养老保险待遇申领")
    page.fill("#f-basic_code", "000114202000")
    page.fill("#f-implementation_code", code)
    page.select_option("#f-type", "20")
    page.select_option("#f-department", "ZJ")
    page.check("input[name=applicant_types][value='1']")
    page.check("input[name=audiences][value=personal]")
    page.check("input[name=life_events][value=retirement]")
    page.fill("#f-legal_limit\\.value", "20")
    page.fill("#f-promised_limit\\.value", "25")  # more than the legal limit: refused
    page.fill("input[name=m-0-code]", "person.id_card")
    page.fill("input[name=m-0-name]", "居民身份证")
    page.fill("input[name=m-0-source]", "certificate:no_such_type")
    page.screenshot(path=str(SHOTS / f"{name}-form.png"), full_page=True)
    page.click("#svc-save")
    expect(page.locator("#svc-form-errors")).to_be_visible()
    assert "承诺时限" in page.inner_text("#svc-form-errors")
    page.fill("#f-promised_limit\\.value", "5")
    page.click("#svc-save")
    expect(page.locator("#svc-form-errors")).to_contain_text("证照类型")
    page.fill("input[name=m-0-source]", "申请人自备")
    page.click("#svc-save")
    page.wait_for_url("**/services/items/view/**")
    expect(page.locator("#svc-done")).to_be_visible()
    page.click("#svc-publish")
    expect(page.locator("#svc-status")).to_have_text("已发布")
    # edit: a draft beside the version in force
    page.click("#svc-edit")
    page.fill("#f-promised_limit\\.value", "3")
    page.fill("#f-note", "承诺时限压缩")
    page.click("#svc-save")
    page.wait_for_url("**/services/items/view/**")
    expect(page.locator("#svc-versions tbody tr")).to_have_count(2)
    r = items_world.client.get(f"/api/v1/service-items/{code}")
    assert r.json()["promised_limit"]["value"] == 5  # the published version is untouched
    page.click("#svc-publish")
    expect(page.locator("#svc-status")).to_have_text("已发布")
    assert items_world.client.get(f"/api/v1/service-items/{code}").json()["promised_limit"]["value"] == 3
    page.screenshot(path=str(SHOTS / f"{name}-item.png"), full_page=True)
    page.fill("#svc-reason", "事项调整")
    page.click("#svc-retire-go")
    expect(page.locator("#svc-status")).to_have_text("已停用")
    assert items_world.client.get(f"/api/v1/service-items/{code}").status_code == 409
    # a bad workbook: refused, the problem named
    page.goto("/services/items")
    page.locator("#svc-import-box summary").click()
    page.set_input_files(
        "#svc-file", files=[{"name": "bad.xlsx", "mimeType": "application/octet-stream", "buffer": b"nope"}]
    )
    page.click("#svc-import-go")
    expect(page.locator("#svc-import-problems")).to_be_visible()
    page.screenshot(path=str(SHOTS / f"{name}-import.png"), full_page=True)
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
