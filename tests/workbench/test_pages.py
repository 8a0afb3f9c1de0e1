"""The workbench page: filters (and their errors), saved queues, marks, export from the page,
print views, and the unit pickers grouped by level."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import update

from tests.pages.helpers import login, post_form
from zhizhi.cases.models import Case
from zhizhi.core.db import unit_of_work


def _numbers(html: str) -> set[str]:
    return set(re.findall(r'<a href="/work/cases/(\d+)">', html))


def test_filter_form_searches_everything_visible(client: Any, world: Any) -> None:
    a = world.create(subject="路灯不亮", content="门口路灯坏了")["number"]
    b = world.create(subject="噪音", content="工地噪音")["number"]
    login(client, "dispatcher")
    r = client.get("/work", params={"q": "路灯"})
    assert r.status_code == 200
    assert _numbers(r.text) == {a} and b not in r.text
    assert 'id="filters" open' in r.text and 'value="路灯"' in r.text
    assert 'href="/work/export.xlsx?q=' in r.text
    # a queue and a filter together: the queue's cases that match
    r = client.get("/work", params={"queue": "accepted", "q": "噪音"})
    assert _numbers(r.text) == {b}


def test_category_filter_on_the_page_takes_the_subtree(client: Any, world: Any) -> None:
    from zhizhi.catalogue import service as catalogue
    from zhizhi.catalogue.models import Category
    from zhizhi.core import audit

    with unit_of_work() as s:
        child = catalogue.create_category(
            s, code="SDQR.Y", name="停电测试", parent_code="SDQR", actor=audit.Actor.system()
        )
        child_id = child.id
    a = world.create(subject="停电", content="整栋楼停电")["number"]
    b = world.create(subject="噪音", content="工地噪音")["number"]
    with unit_of_work() as s:
        s.execute(update(Case).where(Case.number == a).values(category_id=child_id))
        assert s.get(Category, child_id) is not None
    login(client, "dispatcher")
    r = client.get("/work", params={"category": "SDQR"})
    assert r.status_code == 200
    assert a in _numbers(r.text)
    assert b not in _numbers(r.text)


def test_bad_filter_is_422_with_the_error_at_the_field(client: Any, world: Any) -> None:
    login(client, "dispatcher")
    r = client.get("/work", params={"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert r.status_code == 422
    assert 'id="flt-to-error"' in r.text and "结束日期早于开始日期" in r.text
    r = client.get("/work", params={"phone": "12", "lang": "en"})
    assert r.status_code == 422 and 'id="flt-phone-error"' in r.text


def test_phone_filter_is_offered_only_with_personal_read(client: Any, world: Any) -> None:
    login(client, "dispatcher")
    assert 'id="flt-phone"' in client.get("/work").text
    login(client, "h_s1")
    assert 'id="flt-phone"' not in client.get("/work").text


def test_saved_queue_round_trip(client: Any, world: Any) -> None:
    a = world.create(subject="路灯不亮", content="门口路灯坏了", channel="window")["number"]
    world.create(subject="噪音", content="工地噪音")
    login(client, "dispatcher")
    r = post_form(
        client,
        "/work?q=路灯",
        "/work/queues",
        {"name": "窗口路灯", "q": "路灯", "channel": "window"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"]).text
    assert "窗口路灯" in page and _numbers(page) == {a}
    # same name again → 409 shown on the page; an empty filter → 422
    r = post_form(client, "/work?q=路灯", "/work/queues", {"name": "窗口路灯", "q": "路灯"})
    assert r.status_code == 409 and "已有名为" in r.text
    r = post_form(client, "/work", "/work/queues", {"name": "空"})
    assert r.status_code == 422
    # another user does not see it, and cannot delete it
    found = re.search(r"/work\?saved=(\d+)", page)
    assert found is not None
    queue_id = found.group(1)
    login(client, "dispatcher2")
    assert "窗口路灯" not in client.get("/work").text
    r = post_form(client, "/work", f"/work/queues/{queue_id}/delete", {})
    assert r.status_code == 404
    login(client, "dispatcher")
    r = post_form(client, "/work", f"/work/queues/{queue_id}/delete", {}, follow_redirects=False)
    assert r.status_code == 303 and "窗口路灯" not in client.get("/work").text


def test_marks_in_the_list(client: Any, world: Any) -> None:
    number = world.case_in("dispatched")
    with unit_of_work() as s:
        s.execute(update(Case).where(Case.number == number).values(supervision_count=1, extension_amount=2))
    login(client, "dispatcher")
    page = client.get("/work", params={"queue": "dispatched"}).text
    row = page[page.index(f'href="/work/cases/{number}"') :][:400]
    assert 'class="mark mark-supervised"' in row and "督" in row and "延" in row


def test_export_from_the_page(client: Any, world: Any) -> None:
    a = world.create(subject="路灯不亮")["number"]
    world.create(subject="噪音")
    login(client, "dispatcher")
    r = client.get("/work/export.xlsx", params={"q": "路灯", "lang": "en"})
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "Number" and [x[0] for x in rows[1:]] == [a]
    r = client.get("/work/export.xlsx", params={"status": "nope"})
    assert r.status_code == 422 and "筛选条件 status" in r.text


def test_print_views(client: Any, world: Any) -> None:
    number = world.case_in("dispatched")
    login(client, "dispatcher")
    order = client.get(f"/work/cases/{number}/print/order")
    assert order.status_code == 200
    assert 'id="print-order"' in order.text and "橘子洲街道" in order.text and "13812341234" in order.text
    assert "@media print" not in order.text and "/static/print.js" in order.text
    receipt = client.get(f"/work/cases/{number}/print/receipt")
    assert receipt.status_code == 200 and 'id="print-receipt"' in receipt.text
    assert "138****1234" in receipt.text and "13812341234" not in receipt.text
    assert client.get("/work/cases/19990101000001/print/order").status_code == 404
    login(client, "h_d2")  # out of scope
    assert client.get(f"/work/cases/{number}/print/receipt").status_code == 403
    css = client.get("/static/app.css").text
    assert "@media print" in css


def test_dispatch_pickers_grouped_by_level(client: Any, world: Any) -> None:
    number = world.create()["number"]
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{number}").text
    form = page[page.index('id="dispatch-lead_department"') :]
    form = form[: form.index("</select>")]
    labels = re.findall(r'<optgroup label="([^"]+)"', form)
    groups = [g for g in labels if g != "AI 推荐"]
    assert groups == ["市直部门", "区县", "街道乡镇", "社区村"]
    assert (
        form.index('value="ZJ"')
        < form.index('value="D1"')
        < form.index('value="S1"')
        < form.index('value="C1"')
    )
    assert "data-unit-picker" in page and "/static/unit-picker.js" in page
    assert 'id="dispatch-co_departments"' in page


def test_unit_typeahead_for_the_signed_in_page(client: Any, world: Any) -> None:
    assert client.get("/work/units", params={"q": "jzz"}, follow_redirects=False).status_code == 303
    login(client, "dispatcher")
    r = client.get("/work/units", params={"q": "jzz"})
    assert r.status_code == 200 and [i["code"] for i in r.json()["items"]] == ["S1"]
    r = client.get("/work/units", params={"q": ""})
    assert r.status_code == 422 and r.json()["field"] == "q"
