"""Outcomes beside the rates: recurrence within 30 and 90 days of closure, the "satisfied, yet
recurring" flag, and the deployment switch that turns unit rankings off."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.pages.helpers import login
from zhizhi.cases import queries
from zhizhi.cockpit.service import outcome_figures
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work
from zhizhi.core.settings import get_settings
from zhizhi.org import service as org

NOISE = {
    "subject": "施工噪音",
    "content": "麓山南路工地夜间施工噪音扰民",
    "address": "长沙市岳麓区麓山南路932号",
}
WATER = {
    "subject": "小区停水",
    "content": "解放西路88号小区突发停水两天，没有任何通知",
    "address": "长沙市芙蓉区解放西路88号",
    "category": "SDQR",
}
LAMP = {
    "subject": "路灯不亮",
    "content": "桐梓坡路口三盏路灯坏了一周，晚上很黑",
    "address": "长沙市岳麓区桐梓坡路100号",
}
WASTE = {
    "subject": "垃圾清运",
    "content": "观沙岭小区门口垃圾站三天没有清运",
    "address": "长沙市岳麓区观沙岭路20号",
}
STALL = {
    "subject": "占道经营",
    "content": "五一大道人行道被流动摊贩长期占用",
    "address": "长沙市芙蓉区五一大道300号",
}


def _closed(world: Any, fields: dict[str, str]) -> str:
    number = str(world.create(**fields)["number"])
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已处理完毕，详见说明。")
    world.act("agent", number, "rate", rating="satisfied", resolved=True)
    world.act("dispatcher", number, "close")
    return number


@pytest.fixture
def history(world: Any) -> Iterator[dict[str, str]]:
    """Five problems closed on day 0; after closure: the noise again on day 10 (same place), the
    water cut again on day 50 (same place), the lamp problem reported at another place, and a
    different problem at the stall's place."""
    start = clock.now()
    numbers = {
        name: _closed(world, fields)
        for name, fields in [
            ("noise", NOISE),
            ("water", WATER),
            ("lamp", LAMP),
            ("stall", STALL),
            ("waste", WASTE),
        ]
    }
    clock.freeze(start + timedelta(days=10))
    numbers["noise_again"] = str(
        world.create(**NOISE | {"content": "麓山南路工地夜间施工噪音又开始扰民了"})["number"]
    )
    numbers["lamp_elsewhere"] = str(
        world.create(
            **LAMP
            | {"address": "长沙市芙蓉区定王台街道蔡锷中路5号", "content": "蔡锷中路路口三盏路灯坏了一周"}
        )["number"]
    )
    numbers["stall_other"] = str(
        world.create(**STALL | {"subject": "餐馆油烟", "content": "五一大道300号临街餐馆油烟直排居民楼"})[
            "number"
        ]
    )
    yield numbers


def _figures(day0: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    with unit_of_work() as s:
        leader = org.principal_for_username(s, "leader")
        span = queries.local_period(day0, clock.today_local())
        ranking = queries.department_ranking(s, leader, span, None)
        return outcome_figures(s, leader, span, None, None, ranking), ranking


def test_recurrence_within_30_and_90_days(world: Any, history: dict[str, str]) -> None:
    day0 = clock.today_local() - timedelta(days=10)
    figures, ranking = _figures(day0)
    assert (figures["closed"], figures["recurred_30"], figures["recurred_90"]) == (5, 1, 1)
    assert (figures["rate_30"], figures["rate_90"]) == (20.0, 20.0)
    assert [(a, b) for a, b, _ in figures["examples"]] == [(history["noise"], history["noise_again"])]
    clock.freeze(clock.now() + timedelta(days=40))  # day 50: the water cut comes back
    world.create(**WATER | {"content": "解放西路88号小区又停水了，没有任何通知"})
    figures, ranking = _figures(day0)
    assert (figures["closed"], figures["recurred_30"], figures["recurred_90"]) == (5, 1, 2)
    assert (figures["rate_30"], figures["rate_90"]) == (20.0, 40.0)
    s1 = next(r for r in ranking if r["code"] == "S1")
    assert s1["outcome"]["closed"] == 5 and s1["outcome"]["recurred_90"] == 2
    assert s1["satisfaction"] == 100.0 and s1["flag"] is True  # satisfied, yet two in five came back


def test_cockpit_page_shows_recurrence_and_flags_the_unit(
    client: Any, world: Any, history: dict[str, str]
) -> None:
    login(client, "leader")
    page = client.get("/cockpit").text
    assert 'id="kpi-recurrence-30">20.0%<' in page and 'id="kpi-recurrence-90">20.0%<' in page
    row = page.split('id="unit-S1"')[1].split("</tr>")[0]
    assert 'id="flag-S1"' in row and "满意但复发" in row and "20.0% (1/5)" in row
    assert history["noise_again"] in page.split('id="recurrence-note"')[1].split("</p>")[0]
    book = load_workbook(io.BytesIO(client.get("/cockpit/export.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    header, s1 = rows[1], next(r for r in rows[2:] if r[0] == "S1")
    assert dict(zip(header, s1, strict=True))["30天复发"] == 1 and s1[-1] == "是"


def test_unit_rankings_can_be_switched_off(client: Any, world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world.case_in("closed", lead="ZJ")
    world.case_in("closed", lead="S1")
    world.case_in("in_progress", lead="D1")
    login(client, "leader")
    ranked = client.get("/cockpit").text
    assert "部门排行" in ranked and '<th scope="col">#</th>' in ranked.split('id="ranking"')[1]
    monkeypatch.setenv("ZHIZHI_UNIT_RANKINGS", "false")
    get_settings.cache_clear()
    try:
        page = client.get("/cockpit").text
        table = page.split('id="ranking"')[1].split("</table>")[0]
        assert "部门排行" not in page and "各单位办理情况" in page and '<th scope="col">#</th>' not in table
        codes = [chunk.split('"')[0] for chunk in table.split('id="unit-')[1:]]
        assert codes == sorted(codes) == ["D1", "S1", "ZJ"]
    finally:
        monkeypatch.delenv("ZHIZHI_UNIT_RANKINGS")
        get_settings.cache_clear()


def test_few_closures_are_not_flagged(world: Any) -> None:
    """Below five closed cases a unit is never flagged, however its problems come back."""
    for fields in (NOISE, WATER, LAMP, STALL):
        _closed(world, fields)
    clock.freeze(clock.now() + timedelta(days=3))
    world.create(**NOISE | {"content": "麓山南路工地夜间施工噪音又开始扰民了"})
    world.create(**WATER | {"content": "解放西路88号小区又停水了"})
    figures, ranking = _figures(clock.today_local() - timedelta(days=3))
    assert (figures["closed"], figures["recurred_30"]) == (4, 2)
    s1 = next(r for r in ranking if r["code"] == "S1")
    assert s1["outcome"]["rate_90"] == 50.0 and s1["flag"] is False
