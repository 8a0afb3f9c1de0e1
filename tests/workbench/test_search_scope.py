"""The search's row scope (``repository.search.scope``, arrays on PostgreSQL) sees exactly the
rows of the general row scope (``repository.scope_clause``) for every role: lead unit in the
subtree, co-unit in the subtree, registered by the user; and the count cap of searches."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from zhizhi.cases import repository as cases_repo
from zhizhi.cases.models import Case
from zhizhi.core.db import unit_of_work
from zhizhi.org import service as org
from zhizhi.org.models import User

USERS = ["dispatcher", "leader", "h_zj", "h_d1", "h_s1", "h_d2", "grid"]


def _search(world: Any, username: str, **params: str) -> set[str]:
    r = world.client.get("/api/v1/cases", params={"page_size": 200, **params}, headers=world.h(username))
    assert r.status_code == 200, r.text
    return {c["number"] for c in r.json()["items"]}


def _reference(username: str) -> set[str]:
    with unit_of_work() as s:
        principal = org.principal_for_username(s, username)
        return set(s.scalars(select(Case.number).where(cases_repo.scope_clause(principal))))


@pytest.fixture
def spread(world: Any) -> dict[str, str]:
    led_s1 = world.create(subject="施工噪音一")["number"]
    world.act("dispatcher", led_s1, "dispatch", lead_department="S1", co_departments=["D2"])
    led_zj = world.create(subject="施工噪音二")["number"]
    world.act("dispatcher", led_zj, "dispatch", lead_department="ZJ", co_departments=["S1"])
    led_d2 = world.create(subject="施工噪音三")["number"]
    world.act("dispatcher", led_d2, "dispatch", lead_department="D2")
    mine = world.create(subject="施工噪音四")["number"]
    undispatched = world.create(subject="施工噪音五")["number"]
    with unit_of_work() as s:
        grid_id = s.scalar(select(User.id).where(User.username == "grid"))
        s.execute(update(Case).where(Case.number == mine).values(created_by_id=grid_id))
    return {"led_s1": led_s1, "led_zj": led_zj, "led_d2": led_d2, "mine": mine, "none": undispatched}


@pytest.mark.parametrize("username", USERS)
def test_search_scope_equals_general_scope(world: Any, spread: dict[str, str], username: str) -> None:
    expected = _reference(username)
    assert _search(world, username, q="施工") == expected
    assert _search(world, username, division="43") == expected & _search(world, "dispatcher", division="43")
    assert _search(world, username, status="dispatched") == expected & {
        spread["led_s1"],
        spread["led_zj"],
        spread["led_d2"],
    }


def test_scope_expected_sets(world: Any, spread: dict[str, str]) -> None:
    """What the general scope gives, so the comparisons above are not between empty sets."""
    assert _reference("h_s1") == {spread["led_s1"], spread["led_zj"]}
    assert _reference("h_d1") == {spread["led_s1"], spread["led_zj"]}
    assert _reference("h_d2") == {spread["led_s1"], spread["led_d2"]}
    assert _reference("h_zj") == {spread["led_zj"]}
    assert _reference("grid") == {spread["mine"]}
    assert _reference("dispatcher") == set(spread.values())


def test_other_searches_count_up_to_their_cap(
    world: Any, spread: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhizhi.cases import search

    monkeypatch.setattr(search, "COUNT_CAP", 2)
    r = world.client.get("/api/v1/cases", params={"status": "dispatched"}, headers=world.h("dispatcher"))
    body = r.json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (2, True, 3)
    r = world.client.get("/api/v1/cases", params={"status": "dispatched"}, headers=world.h("h_d2"))
    body = r.json()
    assert (body["total"], body["total_capped"], len(body["items"])) == (2, False, 2)
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    r = world.client.get("/api/v1/cases", params={"status": "dispatched"}, headers=world.h("dispatcher"))
    assert (r.json()["total"], r.json()["total_capped"]) == (3, False)


def test_capped_pages_are_the_newest_in_order(
    world: Any, spread: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the cap the page is read within a time bound taken from the matches read: pages
    must still be exactly the newest matches, in order, whatever the physical order of rows."""
    from datetime import timedelta

    from zhizhi.cases import search
    from zhizhi.core import clock

    order = [spread["led_d2"], spread["led_s1"], spread["led_zj"]]  # newest first after this
    with unit_of_work() as s:
        for age, number in zip([1, 30, 90], order, strict=True):
            s.execute(
                update(Case).where(Case.number == number).values(created_at=clock.now() - timedelta(days=age))
            )
    monkeypatch.setattr(search, "COUNT_CAP", 1)
    pages = []
    for page in (1, 2, 3, 4):
        r = world.client.get(
            "/api/v1/cases",
            params={"status": "dispatched", "page_size": 1, "page": page},
            headers=world.h("dispatcher"),
        )
        body = r.json()
        assert (body["total"], body["total_capped"]) == (1, True)
        pages.append([c["number"] for c in body["items"]])
    assert pages == [[order[0]], [order[1]], [order[2]], []]
