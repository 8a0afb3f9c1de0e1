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
    assert closed and late not in page.split('id="list-overdue"')[1]
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
    assert client.get("/static/geo/changsha_districts.json").json()["features"][0]["properties"]["adcode"]
