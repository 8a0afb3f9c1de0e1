"""The guide and stewardship pages without a browser: both languages, 404 and 409 on the
guide, permissions on the stewards' pages, the form's errors, export of the list."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.builders import World
from tests.pages.helpers import login
from tests.services.items_data import BASIC, code_for, item

CODE = code_for(BASIC)


def _published(w: World) -> None:
    assert w.client.post("/api/v1/service-items", json=item(), headers=w.h("istew")).status_code == 201
    assert w.client.post(f"/api/v1/service-items/{CODE}/publish", headers=w.h("istew")).status_code == 200


def test_guide_in_both_languages(items_world: World) -> None:
    w = items_world
    _published(w)
    zh = w.client.get("/services", params={"lang": "zh"})
    assert zh.status_code == 200 and "办事指南" in zh.text and "食品经营许可（新办）" in zh.text
    en = w.client.get("/services", params={"lang": "en", "topic": "open_restaurant"})
    assert en.status_code == 200 and "Service guide" in en.text and "Opening a restaurant" in en.text
    page = w.client.get(f"/services/guide/{CODE}", params={"lang": "en"})
    assert page.status_code == 200
    assert (
        "Promised time" in page.text
        and "5 working days" in page.text
        and f"/services/apply/{CODE}" in page.text
    )
    assert w.client.get("/services/guide/" + "9" * 31).status_code == 404
    assert w.client.get("/services", params={"type": "99"}).status_code == 422
    w.client.post(f"/api/v1/service-items/{CODE}/retire", json={"reason": "合并"}, headers=w.h("istew"))
    assert w.client.get(f"/services/guide/{CODE}").status_code == 409


def test_steward_pages_need_the_permission(items_world: World) -> None:
    w = items_world
    _published(w)
    anonymous = w.client.get("/services/items", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
    login(w.client, "h_zj")
    assert w.client.get("/services/items").status_code == 403
    # the district's steward sees none of the city department's items, and may not open them
    login(w.client, "istew_d1")
    assert "食品经营许可" not in w.client.get("/services/items").text
    assert w.client.get(f"/services/items/view/{CODE}").status_code == 403
    login(w.client, "istew")
    page = w.client.get("/services/items")
    assert page.status_code == 200 and "食品经营许可（新办）" in page.text
    edit = w.client.get(f"/services/items/edit/{CODE}", params={"lang": "zh"})
    # the special procedure's limit in the steward's words (the cell syntax reads both)
    assert edit.status_code == 200 and "现场核查:10工作日" in edit.text and "10 working_day" not in edit.text
    assert "10 working_day" in w.client.get(f"/services/items/edit/{CODE}", params={"lang": "en"}).text
    r = w.client.get("/services/items/export.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content), read_only=True)["申请材料"].iter_rows(values_only=True))
    assert len(rows) == 1 + 3 and rows[1][0] == CODE
