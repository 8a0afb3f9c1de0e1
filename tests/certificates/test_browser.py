"""In real Chromium: a clerk issues a certificate, its page shows the QR, the QR's link opens the
public verification page (valid), the clerk revokes it, and the page then says revoked and why.
Screenshots (desktop and 390-px phone) go to docs/img for docs/certificates.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders import PASSWORD
from tests.certificates.conftest import COMPANY
from tests.pages.conftest import SHOTS

pytestmark = pytest.mark.browser
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def _page(browser: Any, base: str, width: int = 1366) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _shot(page: Any, name: str) -> None:
    for folder in (SHOTS, DOCS_IMG):
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_issue_qr_verify_revoke_in_chromium(browser: Any, city: Any, live_server: str) -> None:
    from zhizhi.certificates import qr

    page = _page(browser, live_server)
    errors: list[str] = []
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto("/login")
    page.fill("#f-username", "clerk_scj")
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/work**")
    page.goto("/certificates/new?type=business_licence")
    page.fill("#f-number", COMPANY)
    page.fill("#f-holder_name", "长沙麓山餐饮管理有限公司")
    page.fill("#f-holder_id", COMPANY)
    page.fill("#f-valid_from", "2024-03-18")
    for i, value in enumerate(
        ["有限责任公司", "刘建国", "伍拾万元整", "2024-03-18", "岳麓区麓山南路932号", "餐饮服务"]
    ):
        page.fill(f"#f-field-{i}", value)
    _shot(page, "certificates-issue")
    page.click("#do-issue")
    page.wait_for_selector("#done")
    assert page.inner_text("#cert-status") == "有效"
    # the QR image loaded, and it is the QR of the verification link shown beside it
    page.wait_for_function("() => document.querySelector('#cert-qr').complete")
    assert errors == []
    assert page.eval_on_selector("#cert-qr", "i => i.naturalWidth") > 0
    url = page.inner_text("#verify-link")
    svg = page.evaluate("src => fetch(src).then(r => r.text())", page.get_attribute("#cert-qr", "src"))
    assert svg.encode() == qr.image(url)
    _shot(page, "certificates-view")
    page.set_viewport_size({"width": 390, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    _shot(page, "certificates-view-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    # the public page, as a phone that scanned the QR would open it (no session)
    phone = _page(browser, live_server, 390)
    phone.goto(url)
    assert phone.get_attribute("#verify-outcome", "data-outcome") == "valid"
    assert phone.locator("#verify-reasons li").evaluate_all("ls => ls.map(l => l.dataset.code)") == [
        "signature_ok",
        "in_validity",
    ]
    _shot(phone, "certificates-verify-phone")
    page.fill("#f-reason", "企业申请注销登记")
    page.click("#do-revoke")
    page.wait_for_selector("#done")
    assert page.inner_text("#cert-status") == "已注销"
    phone.reload()
    assert phone.get_attribute("#verify-outcome", "data-outcome") == "revoked"
    assert "企业申请注销登记" in phone.inner_text("#verify-reasons")
    _shot(phone, "certificates-revoked-phone")
    desk = _page(browser, live_server)
    desk.goto(url)
    _shot(desk, "certificates-verify")
    assert errors == []
