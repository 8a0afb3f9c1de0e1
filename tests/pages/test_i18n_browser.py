"""The English pages in real Chromium, on a desktop (1366 px) and a 390-px phone: the workbench
queue, a case page with its AI suggestions, the cockpit and the public submit form.  Each is
checked for Chinese outside the data (as tests/pages/test_i18n_walk.py does on the HTML, here on
what the browser renders, after its scripts ran) and for sideways scrolling on the phone; the
screenshots go to test-artifacts/screenshots/i18n-en-*.png (a selection in docs/img)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS
from tests.pages.test_i18n_walk import CATEGORIES_EN, CJK, _is_data

pytestmark = pytest.mark.browser


def _context(browser: Any, base: str, width: int, height: int) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": height}, locale="en-GB")
    context.set_default_timeout(20_000)
    return context


def _login(page: Any, username: str) -> None:
    page.goto("/login?lang=en")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")


def _chinese_outside_data(page: Any) -> list[str]:
    text = page.evaluate(
        """() => {
          const clone = document.body.cloneNode(true);
          clone.querySelectorAll('[lang]:not([lang^="en"]), script, style').forEach(e => e.remove());
          return clone.innerText;
        }"""
    )
    return sorted({m.group() for m in CJK.finditer(str(text)) if not _is_data(m.group())})


def test_english_pages_on_desktop_and_phone(browser: Any, live_server: str, world: Any, session: Any) -> None:
    from zhizhi.catalogue import service as catalogue
    from zhizhi.core import audit

    for code, name_en in CATEGORIES_EN.items():
        cat = catalogue.category_by_code(session, code)
        catalogue.rename_category(session, code, name=cat.name, name_en=name_en, actor=audit.Actor.system())
    session.commit()
    number = world.case_in("in_progress")
    world.act("h_s1", number, "request_extension", amount=3, reason="情况复杂需延期")
    pages = [
        ("dispatcher", "/work?queue=extension_pending", "workbench"),
        ("supervisor", f"/work/cases/{number}", "case"),
        ("leader", "/cockpit", "cockpit"),
        (None, "/submit", "submit"),
    ]
    for width, height, device in ((1366, 900, "desktop"), (390, 844, "phone")):
        for username, path, name in pages:
            context = _context(browser, live_server, width, height)
            page = context.new_page()
            if username:
                _login(page, username)
            page.goto(f"{path}{'&' if '?' in path else '?'}lang=en")
            page.wait_for_load_state("load")
            assert page.get_attribute("html", "lang") == "en"
            assert _chinese_outside_data(page) == [], f"{path} on a {device}"
            if device == "phone":
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width + 1, f"{path} scrolls sideways on a phone ({scroll} px)"
            page.screenshot(path=str(SHOTS / f"i18n-en-{name}-{device}.png"), full_page=True)
            if name == "cockpit":  # long English category names in the chart
                page.wait_for_selector("body[data-charts=ready]")
                chart = SHOTS / f"i18n-en-cockpit-categories-{device}.png"
                page.locator("#chart-categories").screenshot(path=str(chart))
            context.close()
