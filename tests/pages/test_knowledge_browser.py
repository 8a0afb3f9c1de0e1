"""In real Chromium: an agent types a caller's question on the intake form, the knowledge
panel finds the article while they type, and one press answers directly citing it (the case
is registered and closed; the citation is on its timeline).  Screenshots on desktop and a
390-px phone go to test-artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.builders import PASSWORD
from tests.pages.conftest import SHOTS

pytestmark = pytest.mark.browser

ARTICLES = [
    (
        "冬季供暖室温不达标怎么办",
        "室温低于约定标准的，先向小区供热企业或物业报修；协商不成的由住建部门督促处理。",
        ["供暖", "暖气"],
    ),
    (
        "住房公积金租房提取",
        "连续足额缴存满3个月且本市无自有住房的，可提取住房公积金支付房租。",
        ["公积金", "租房"],
    ),
    ("生活垃圾分类的四个类别", "可回收物、有害垃圾、厨余垃圾和其他垃圾；废电池投放有害垃圾。", ["垃圾分类"]),
]


def _seed(world: Any) -> None:
    for title, body, tags in ARTICLES:
        r = world.client.post(
            "/api/v1/knowledge/articles",
            json={"title": title, "body": body, "tags": tags, "category": "SDQR", "department": "ZJ"},
            headers=world.h("steward"),
        )
        ref = r.json()["ref"]
        world.client.post(f"/api/v1/knowledge/articles/{ref}/publish", headers=world.h("steward"))


def _page(browser: Any, base: str, width: int) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": width, "height": 900}, locale="zh-CN")
    context.set_default_timeout(20_000)
    return context.new_page()


def _login(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/work**")


@pytest.mark.parametrize(("width", "name"), [(1366, "knowledge-intake"), (390, "knowledge-intake-phone")])
def test_agent_answers_from_the_knowledge_base(
    browser: Any, live_server: str, world: Any, width: int, name: str
) -> None:
    _seed(world)
    page = _page(browser, live_server, width)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(page, "agent")
    page.goto("/work/intake")
    page.fill("#f-content", "")
    page.type("#f-content", "我家暖气不热，室温才16度", delay=20)
    page.locator("#kb-hits .kb-hit").first.wait_for()
    assert "供暖" in page.locator("#kb-hits .kb-hit").first.inner_text()
    page.fill("#f-contact_phone", "13800138000")
    page.locator("#kb-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.locator("#kb-hits button[name=article]").first.click()
    page.wait_for_url("**/work/cases/**")
    page.locator("#timeline").scroll_into_view_if_needed()
    timeline = page.inner_text("#timeline")
    assert "直办答复" in timeline and "第1版《冬季供暖室温不达标怎么办》" in timeline
    page.screenshot(path=str(SHOTS / f"{name}-case.png"), full_page=True)
    page.goto("/knowledge?q=" + "垃圾分类")
    page.locator("#kb-hits").wait_for()
    page.screenshot(path=str(SHOTS / f"{name}-search.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
