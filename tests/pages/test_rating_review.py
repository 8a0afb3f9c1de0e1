"""The portal's side of 差评复核: a bad rating shows "差评复核中", then the supervisor's outcome;
one banner at a time, no rating form once rated this round, a resubmitted form rates once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.pages.helpers import csrf_of, post_form

PHONE = "13812341234"  # the phone tests.builders.World.create gives every case
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def _replied(world: Any) -> str:
    return world.case_in("replied")


def _track(client: Any, number: str) -> Any:
    return post_form(client, "/track", "/track", {"number": number, "phone": PHONE})


def _rate_key(html: str) -> str:
    match = re.search(r'name="rate_key" value="([^"]+)"', html)
    assert match, "no rate_key in the rating form"
    return match.group(1)


def test_bad_rating_then_review_outcome_on_the_portal(client: Any, world: Any) -> None:
    number = _replied(world)
    page = _track(client, number).text
    key = _rate_key(page)
    data = {
        "number": number,
        "phone": PHONE,
        "rating": "dissatisfied",
        "resolved": "false",
        "comment": "路灯还是不亮",
        "rate_key": key,
        "csrf_token": csrf_of(page),
    }
    r = client.post("/track/rate", data=data)
    assert r.status_code == 200, r.text
    assert '<span id="track-status">差评复核中</span>' in r.text
    assert r.text.count('class="notice"') == 1 and "已转督办员复核" in r.text
    assert "您已评价，感谢反馈。" not in r.text and 'action="/track/rate"' not in r.text
    assert 'id="track-review-due"' in r.text
    # the same form sent again (a double click, a reload): no error, still one rating
    r = client.post("/track/rate", data=data)
    assert r.status_code == 200 and 'class="errors"' not in r.text
    timeline = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("admin")).json()
    assert [e["action"] for e in timeline].count("rate") == 1
    # a fresh form (a new key) is a second rating: refused, the page says why, no second thanks
    fresh = _track(client, number).text
    assert 'action="/track/rate"' not in fresh  # no form to send in review
    # the supervisor explains; the person who asked reads the outcome and the explanation
    world.act("supervisor", number, "review_explain", reason="路灯线路属供电公司，已转告并解释")
    page = _track(client, number).text
    assert '<span id="track-status">已办结</span>' in page
    assert "督办员核实后作出解释说明" in page and "路灯线路属供电公司" in page
    assert 'action="/track/rate"' not in page and "您已评价" not in page and 'id="rated-now"' not in page


def test_reopen_outcome_and_a_new_round_to_rate(client: Any, world: Any) -> None:
    number = _replied(world)
    world.act("agent", number, "rate", rating="very_dissatisfied", resolved=False)
    world.act("supervisor", number, "review_reopen", reason="回访核实问题仍在")
    page = _track(client, number).text
    assert "已督办重新办理" in page and 'action="/track/rate"' not in page
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已更换线路，路灯恢复。")
    page = _track(client, number).text
    assert 'action="/track/rate"' in page  # the new round is rated again
    assert 'id="track-review"' not in page  # the earlier decision belongs to the earlier round


def test_english_words_for_the_review(client: Any, world: Any) -> None:
    number = _replied(world)
    world.act("agent", number, "rate", rating="dissatisfied", resolved=True)
    client.get("/?lang=en")
    page = _track(client, number).text
    assert "Rating under review" in page and "a supervisor is reviewing it" in page


@pytest.mark.browser
def test_rating_review_in_chromium(browser: Any, live_server: str, world: Any) -> None:
    from tests.pages.test_browser import _login, _page

    number = _replied(world)
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    public = _page(browser, live_server, width=390)
    public.goto("/track")
    public.fill("#f-number", number)
    public.fill("#f-phone", PHONE)
    public.click("main form button[type=submit]")
    public.select_option("#f-rating", "dissatisfied")
    public.select_option("#f-resolved", "false")
    public.fill("#f-comment", "路灯还是不亮")
    public.click("form[action='/track/rate'] button")
    public.wait_for_selector("#rated-now")
    assert public.inner_text("#track-status") == "差评复核中"
    assert public.locator("form[action='/track/rate']").count() == 0
    assert public.locator(".notice").count() == 1
    public.screenshot(path=str(DOCS_IMG / "portal-rating-review-phone.png"), full_page=True)

    staff = _page(browser, live_server, width=1366)
    _login(staff, "supervisor")
    staff.goto(f"/work/cases/{number}")
    assert staff.inner_text("#case-status") == "差评复核中"
    staff.click("#act-review_explain summary")
    staff.fill("#review_explain-reason", "路灯线路属供电公司维护，已转告并解释")
    staff.screenshot(path=str(DOCS_IMG / "work-rating-review-desktop.png"), full_page=True)
    staff.click("#do-review_explain")
    staff.wait_for_selector("#done")
    assert staff.inner_text("#case-status") == "已办结"

    public.goto("/track")
    public.fill("#f-number", number)
    public.fill("#f-phone", PHONE)
    public.click("main form button[type=submit]")
    public.wait_for_selector("#track-review")
    assert public.inner_text("#track-status") == "已办结"
    assert "解释说明" in public.inner_text("#track-review-outcome")
    assert "供电公司" in public.inner_text("#track-review")
    assert public.locator("form[action='/track/rate']").count() == 0
    public.screenshot(path=str(DOCS_IMG / "portal-rating-outcome-phone.png"), full_page=True)
