"""Electronic supervision through the API and the cockpit's services tab: late applications
against the promised and the legal deadline, items slower than their promise, refusals and
denials that cite no law; who may read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.builders import World
from tests.pages.helpers import login
from tests.services.apps_data import LICENCE, act, publish_items, submit
from zhizhi.core import clock

MONDAY = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai; the 2026 calendar is seeded
GOOD_BASIS = "《中华人民共和国食品安全法》第三十五条"


def _overview(w: World, user: str = "supervisor") -> dict:  # type: ignore[type-arg]
    r = w.client.get("/api/v1/service-supervision", headers=w.h(user))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_late_slow_and_unfounded(world: World) -> None:
    w = world
    clock.freeze(MONDAY)
    publish_items(w)
    late = submit(w)["number"]
    act(w, "h_zj", late, "accept")  # promised 5 working days, legal 20
    waiting = submit(w)["number"]  # not accepted: only its pre-review clock runs
    slow = []
    for _ in range(3):
        n = submit(w)["number"]
        act(w, "h_zj", n, "accept")
        act(w, "h_zj", n, "examine")
        slow.append(n)
    refused = submit(w)["number"]
    act(w, "h_zj", refused, "refuse_acceptance", reason="不符合条件", legal_basis="依据有关规定")
    denied = submit(w)["number"]
    act(w, "h_zj", denied, "accept")
    act(w, "h_zj", denied, "examine")
    act(w, "h_zj", denied, "deny", reason="场所不符合要求", legal_basis=GOOD_BASIS)
    # seven working days later (Wed 11 Nov): the three are decided, late
    clock.freeze(MONDAY + timedelta(days=9))
    for n in slow:
        act(w, "h_zj", n, "deny", reason="经审查不符合条件", legal_basis=GOOD_BASIS)
    data = _overview(w)
    by_number = {r["number"]: r for r in data["late"]}
    assert by_number[late]["promised"] == "overdue" and by_number[late]["legal"] == "normal"
    assert by_number[late]["days_left"] < 0
    assert waiting in by_number and by_number[waiting]["legal"] == "none"
    assert not set(slow) & set(by_number) and denied not in by_number and refused not in by_number
    assert data["overdue_total"] >= 1
    [item] = data["slow_items"]
    assert item["item_code"] == LICENCE and item["decided"] == 4 and item["median"] > 5
    unfounded = {u["number"]: u for u in data["unfounded"]}
    assert set(unfounded) == {refused} and unfounded[refused]["kind"] == "not_accepted"
    # the legal deadline passes too, 20 working days after acceptance
    clock.freeze(MONDAY + timedelta(days=35))
    again = {r["number"]: r for r in _overview(w)["late"]}
    assert again[late]["legal"] == "overdue"


def test_who_reads_supervision_and_the_cockpit_tab(world: World) -> None:
    w = world
    publish_items(w)
    for user in ("h_zj", "agent", "citizen", "dispatcher"):
        assert w.client.get("/api/v1/service-supervision", headers=w.h(user)).status_code == 403, user
    assert _overview(w, "leader")["late"] == []
    login(w.client, "leader")
    page = w.client.get("/cockpit/services")
    assert page.status_code == 200 and 'id="csv-kpis"' in page.text and 'id="sup-late"' in page.text
    assert 'href="/cockpit/services"' in w.client.get("/cockpit").text  # the tab beside the cases
    assert w.client.get("/services/supervision").status_code == 200
    login(w.client, "h_zj")
    assert w.client.get("/cockpit/services").status_code == 403
    assert w.client.get("/services/supervision").status_code == 403
