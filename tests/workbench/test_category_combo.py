"""A unit's "category + channel + status" search (gaps11b, migration 0018): the category's subtree
is read first and matched as constants — on PostgreSQL one array the planner can match against
``ix_cases_category_channel_status`` (an index-only scan, filtered by the unit's scope) instead
of a recursive sub-select it can only hash-join after reading every other match — and the
results are exactly the cases of the subtree, channel, status and scope."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect, select

from zhizhi.cases import search
from zhizhi.cases.filters import parse_filter
from zhizhi.cases.models import Case
from zhizhi.core.db import get_engine, unit_of_work
from zhizhi.org import service as org

COMBO = {"category": "HJBH", "channel": "hotline", "status": "dispatched"}


def _numbers(world: Any, username: str, **params: str) -> set[str]:
    r = world.client.get("/api/v1/cases", params={"page_size": 200, **params}, headers=world.h(username))
    assert r.status_code == 200, r.text
    return {c["number"] for c in r.json()["items"]}


@pytest.fixture
def spread(world: Any) -> dict[str, str]:
    r = world.client.post(
        "/api/v1/categories",
        json={"code": "HJBH-ZS", "name": "噪声污染", "parent": "HJBH"},
        headers=world.h("admin"),
    )
    assert r.status_code == 201, r.text
    out = {}
    for name, fields, lead in (
        ("top", {"category": "HJBH"}, "S1"),
        ("child", {"category": "HJBH-ZS"}, "S1"),
        ("wechat", {"category": "HJBH-ZS", "channel": "wechat"}, "S1"),
        ("other_category", {"category": "CXJS"}, "S1"),
        ("other_unit", {"category": "HJBH-ZS"}, "D2"),
    ):
        number = str(world.create(**{"channel": "hotline"} | fields)["number"])
        world.act("dispatcher", number, "dispatch", lead_department=lead)
        out[name] = number
    out["not_dispatched"] = str(world.create(category="HJBH-ZS", channel="hotline")["number"])
    return out


def test_subtree_channel_status_within_the_unit(world: Any, spread: dict[str, str]) -> None:
    assert _numbers(world, "h_s1", **COMBO) == {spread["top"], spread["child"]}
    assert _numbers(world, "h_d2", **COMBO) == {spread["other_unit"]}
    assert _numbers(world, "dispatcher", **COMBO) == {spread["top"], spread["child"], spread["other_unit"]}
    assert _numbers(world, "dispatcher", **(COMBO | {"category": "HJBH-ZS"})) == {
        spread["child"],
        spread["other_unit"],
    }
    assert _numbers(world, "h_s1", **(COMBO | {"status": "received"})) == set()
    r = world.client.get("/api/v1/cases", params=COMBO | {"category": "NOPE"}, headers=world.h("h_s1"))
    assert r.status_code == 422 and r.json()["field"] == "category"


def test_the_category_is_matched_as_constants(world: Any, spread: dict[str, str]) -> None:
    with unit_of_work() as s:
        clauses = search.clauses(s, org.principal_for_username(s, "h_s1"), parse_filter(COMBO))
        sql = str(select(Case.id).where(*clauses).compile(get_engine()))
    assert "category_subtree" not in sql  # no recursive sub-select left for the planner
    # the plan on 200,000 cases (an index-only scan of the new index): docs/benchmarks.md, gaps11b


def test_the_index_exists(db: str) -> None:
    names = {ix["name"] for ix in inspect(get_engine()).get_indexes("cases")}
    assert "ix_cases_category_channel_status" in names
