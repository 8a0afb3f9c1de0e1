"""Cockpit: access by role, counts and rates, SLA lists, Excel export, leader instruction."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from openpyxl import load_workbook

from tests.pages.helpers import login, post_form
from zhizhi.core import clock


def test_cockpit_is_for_leaders_and_supervisors(client: Any, world: Any) -> None:
    login(client, "h_s1")
    assert client.get("/cockpit").status_code == 403
    assert "/cockpit" not in client.get("/work").text
    login(client, "leader")
    r = client.get("/cockpit")
    assert r.status_code == 200 and "响应率" in r.text and 'href="/cockpit"' in r.text


def test_counts_rates_and_overdue_list(client: Any, world: Any) -> None:
    login(client, "supervisor")
    before = client.get("/cockpit").text
    assert 'id="kpi-today">0<' in before
    closed = world.case_in("closed")
    late = world.case_in("in_progress")
    page = client.get("/cockpit").text
    assert 'id="kpi-today">2<' in page
    assert 'id="kpi-satisfaction">100.0%<' in page and 'id="kpi-on_time">100.0%<' in page
    overdue = page.split('id="list-overdue"')[1]
    assert closed not in overdue and late not in overdue
    clock.freeze(clock.now() + timedelta(days=40))
    login(client, "supervisor")  # the page session expired meanwhile
    page = client.get("/cockpit?period=month").text
    assert late in page.split('id="list-overdue"')[1]
    assert late in client.get("/work?queue=overdue").text


def test_excel_export(client: Any, world: Any) -> None:
    world.case_in("replied")
    login(client, "leader")
    r = client.get("/cockpit/export.xlsx?period=7d")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "部门" and rows[2][1] == "橘子洲街道" and rows[2][2] == 1


def test_leader_instruction_creates_a_supervised_case(client: Any, world: Any) -> None:
    login(client, "leader")
    r = post_form(client, "/cockpit", "/cockpit/instruct", {"content": "", "urgency": "urgent"})
    assert r.status_code == 422 and 'id="i-content-error"' in r.text
    data = {
        "content": "橘子洲大桥桥下积水严重，请立即处置",
        "category": "CXJS",
        "urgency": "urgent",
        "note": "24小时内反馈",
    }
    r = post_form(client, "/cockpit", "/cockpit/instruct", data, follow_redirects=False)
    assert r.status_code == 303
    number = r.headers["location"].split("/")[-1].split("?")[0]
    case = world.get("dispatcher", number)
    assert case["channel"] == "system" and case["supervision_count"] == 1 and case["status"] == "accepted"


def test_district_counts_feed_the_map(client: Any, world: Any) -> None:
    world.case_in("in_progress", lead="D1")
    login(client, "leader")
    page = client.get("/cockpit").text
    assert '"districts": {"430104": 1}' in page
    assert 'id="kpi-response">' in client.get("/cockpit?district=430104").text
    assert '"districts": {}' in client.get("/cockpit?district=430102").text
    assert '"districts": {"430104": 1}' in client.get("/cockpit?district=bad").text
    r = client.get("/cockpit/export.xlsx?district=430102")
    assert r.status_code == 200
    assert client.get("/static/geo/changsha_districts.json").json()["features"][0]["properties"]["adcode"]


def _burst(world: Any) -> list[str]:
    numbers = [
        world.create(
            subject="梅溪湖片区夜间渣土车噪音",
            content=f"梅溪湖二路渣土车每晚凌晨通行，噪音扰民严重（第{i}位居民）",
            contact_phone=f"1390000{i:04d}",
        )["number"]
        for i in range(6)
    ]
    world.create(subject="社保转移", content="想咨询养老保险关系转入长沙的流程")
    r = world.client.post("/api/v1/hotspots/refresh", headers=world.h("leader"))
    assert r.status_code == 200 and r.json()["hotspots"] >= 1
    return numbers


def test_hotspots_panel_shows_the_newest_snapshot(client: Any, world: Any) -> None:
    login(client, "leader")
    assert 'id="hotspots-empty"' in client.get("/cockpit").text
    numbers = _burst(world)
    page = client.get("/cockpit").text
    panel = page.split('id="hotspots"', 1)[1].split("</section>", 1)[0]
    assert "AI 发现的热点" in panel and 'id="hotspot-1"' in panel
    row = panel.split('id="hotspot-1"', 1)[1].split("</tr>", 1)[0]
    assert "渣土车" in row and 'href="/cockpit?period=30d&category=&district=&hotspot=1#instruct-h"' in row
    assert sum(f'href="/work/cases/{n}"' in row for n in numbers) >= 5  # click-through to member cases
    login(client, "supervisor")
    assert "渣土车" in client.get("/cockpit").text.split('id="hotspot-1"', 1)[1].split("</tr>", 1)[0]


def test_leader_instructs_on_a_hotspot(client: Any, world: Any) -> None:
    numbers = _burst(world)
    login(client, "leader")
    page = client.get("/cockpit?hotspot=1").text
    assert 'id="instruct-from-hotspot"' in page
    form = page.split('id="instruct-h"', 1)[1].split("</form>", 1)[0]
    content = form.split('id="i-content"', 1)[1].split("</textarea>", 1)[0]
    assert "热点督办" in content and "渣土车" in content and numbers[0] in form
    assert client.get("/cockpit?hotspot=99").text.count('id="instruct-from-hotspot"') == 0
    assert client.get("/cockpit?hotspot=abc").status_code == 200
    r = post_form(
        client,
        "/cockpit",
        "/cockpit/instruct",
        {"content": "热点督办：梅溪湖渣土车夜间噪音，请牵头处置", "urgency": "urgent"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    number = r.headers["location"].split("/")[-1].split("?")[0]
    assert world.get("dispatcher", number)["supervision_count"] == 1


def test_one_pass_facts_match_the_separate_queries(client: Any, world: Any) -> None:
    from sqlalchemy import select

    from zhizhi.cases import queries
    from zhizhi.core.db import session_factory
    from zhizhi.org.models import User
    from zhizhi.org.service import principal_for

    for status, lead in [("closed", "S1"), ("in_progress", "D1"), ("replied", "D2"), ("accepted", "S1")]:
        world.case_in(status, lead=lead)
    world.create(category=None, subject="其他", content="一件没有分类的诉求，请核实")
    with session_factory()() as s:
        leader = s.scalar(select(User).where(User.username == "leader"))
        assert leader is not None
        p = principal_for(s, leader)
        span = queries.named_period("30d")
        for cat, dist in [(None, None), ("HJBH", None), (None, "430104")]:
            facts = queries.cockpit_facts(s, p, span, cat, district=dist)
            assert facts["summary"] == queries.summary(s, p, span, cat, district=dist)
            assert facts["districts"] == queries.by_district(s, p, span, cat, district=dist)
            assert sorted(facts["categories"]) == sorted(queries.by_category(s, p, span, cat, district=dist))
            ranking = queries.department_ranking(s, p, span, cat, district=dist)
            assert sorted(facts["ranking"], key=str) == sorted(ranking, key=str)
        assert queries.daily(s, p, span, None)[-1][1] == 5
