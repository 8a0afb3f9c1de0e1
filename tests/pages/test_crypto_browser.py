"""In Chromium: an appeal's personal data typed into its words is masked for a supervisor (no
personal:read) and shown as given to the intake agent, at desktop and 390-px widths (docs/crypto.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders import PASSWORD

pytestmark = pytest.mark.browser
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
CONTENT = "工地夜间施工扰民，我的电话 139 0731 1234，身份证430104199001011230，肇事车辆湘A·12345。"


def _login(browser: Any, base: str, username: str, width: int) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    return page


def test_masked_words_for_the_supervisor_as_given_for_the_agent(
    browser: Any, live_server: str, world: Any
) -> None:
    number = world.create(content=CONTENT, contact_name="欧阳娜娜", contact_phone="13907311234")["number"]
    for width, suffix in ((1280, ""), (390, "-390")):
        supervisor = _login(browser, live_server, "supervisor", width)
        supervisor.goto(f"/work/cases/{number}")
        assert supervisor.inner_text("#case-content") == (
            "工地夜间施工扰民，我的电话 139****1234，身份证430104********1230，肇事车辆湘A***45。"
        )
        assert "欧***" in supervisor.content() and "13907311234" not in supervisor.content()
        supervisor.screenshot(path=str(DOCS_IMG / f"crypto-masked-supervisor{suffix}.png"), full_page=True)
        agent = _login(browser, live_server, "agent", width)
        agent.goto(f"/work/cases/{number}")
        assert agent.inner_text("#case-content") == CONTENT
        assert "欧阳娜娜 13907311234" in agent.content()
        agent.screenshot(path=str(DOCS_IMG / f"crypto-as-given-agent{suffix}.png"), full_page=True)
