"""Administration of the dispatch catalogue and the categories, through the services (audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.pages.helpers import login, post_form
from zhizhi.catalogue.models import Category
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work
from zhizhi.routing.models import DispatchRule


def _audit(action: str) -> list[Any]:
    with unit_of_work() as s:
        return [
            (a.object_id, a.detail)
            for a in s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))
        ]


def test_dispatch_catalogue_list_add_retire(client: Any, world: Any) -> None:
    login(client, "admin")
    assert 'id="rules"' in client.get("/admin/rules").text
    # a non-territorial rule without a lead: the service's error, next to the lead field
    r = post_form(client, "/admin", "/admin/rules", {"category": "HJBH", "priority": "10"})
    assert r.status_code == 422 and 'id="r-lead-error"' in r.text
    r = post_form(client, "/admin", "/admin/rules", {"lead_department": "NOPE"})
    assert r.status_code == 422 and 'id="r-lead-error"' in r.text
    r = post_form(client, "/admin", "/admin/rules", {"lead_department": "ZJ", "division_prefix": "43a"})
    assert r.status_code == 422 and 'id="r-prefix-error"' in r.text
    r = post_form(client, "/admin", "/admin/rules", {"lead_department": "ZJ", "priority": "-1"})
    assert r.status_code == 422 and 'id="r-priority-error"' in r.text
    r = post_form(client, "/admin", "/admin/rules", {"lead_department": "ZJ", "co_departments": ["S1", "XX"]})
    assert r.status_code == 422 and 'id="r-co-error"' in r.text
    rule = {
        "priority": "20",
        "category": "HJBH",
        "division_prefix": "430104",
        "lead_department": "ZJ",
        "co_departments": ["S1", "D1"],
        "note": "<i>噪音</i>",
    }
    r = post_form(client, "/admin", "/admin/rules", rule, follow_redirects=False)
    assert r.status_code == 303
    r = post_form(
        client, "/admin", "/admin/rules", {"priority": "5", "use_territorial": "on"}, follow_redirects=False
    )
    assert r.status_code == 303
    page = client.get("/admin/rules").text
    table = page.split('id="rules-table"')[1].split("</table>")[0]
    # priority order: the territorial rule (5) before the fixed one (20)
    assert table.index("属地") < table.index("住建局")
    assert "环境保护" in table and "430104" in table and "橘子洲街道、岳麓区" in table
    assert "&lt;i&gt;噪音&lt;/i&gt;" in table
    # the API sees the same catalogue
    api = client.get("/api/v1/dispatch-rules", headers=world.h("dispatcher")).json()
    assert [(x["priority"], x["lead_department"], x["use_territorial"]) for x in api] == [
        (5, None, True),
        (20, "ZJ", False),
    ]
    assert api[1]["co_departments"] == ["S1", "D1"] and api[1]["note"] == "<i>噪音</i>"
    created = _audit("catalogue.dispatch_rule_created")
    assert len(created) == 2 and created[0][1]["lead_department"] == "ZJ"
    rule_id = api[1]["id"]
    r = post_form(client, "/admin", f"/admin/rules/{rule_id}/retire", {}, follow_redirects=False)
    assert r.status_code == 303
    assert [x["id"] for x in client.get("/api/v1/dispatch-rules", headers=world.h("admin")).json()] == [
        api[0]["id"]
    ]
    assert f'id="rule-{rule_id}"' not in client.get("/admin/rules").text
    assert [o for o, _ in _audit("catalogue.dispatch_rule_retired")] == [str(rule_id)]
    # retiring again: 404 shown above the form, nothing written
    r = post_form(client, "/admin", f"/admin/rules/{rule_id}/retire", {})
    assert r.status_code == 404 and 'class="alert"' in r.text
    with unit_of_work() as s:
        assert s.scalar(select(DispatchRule).where(DispatchRule.id == rule_id)).active is False


def test_catalogue_pages_need_catalogue_manage(client: Any, world: Any) -> None:
    login(client, "dispatcher")
    r = post_form(client, "/work", "/admin/rules", {"lead_department": "ZJ"})
    assert r.status_code == 403
    r = post_form(client, "/work", "/admin/categories", {"code": "X1", "name": "某类"})
    assert r.status_code == 403
    r = post_form(client, "/work", "/admin/categories/HJBH/retire", {})
    assert r.status_code == 403
    login(client, "admin")
    r = client.post("/admin/rules", data={"lead_department": "ZJ"})  # no CSRF token
    assert r.status_code == 403
    assert client.get("/api/v1/dispatch-rules", headers=world.h("admin")).json() == []


def test_categories_list_add_retire(client: Any, world: Any) -> None:
    login(client, "admin")
    hub = client.get("/admin/categories").text
    assert 'id="categories-summary"' in hub and 'href="/admin/categories/tree"' in hub
    tree = "/admin/categories/tree"
    page = client.get(tree).text
    assert 'id="node-HJBH"' in page and "环境保护" in page
    r = post_form(client, tree, "/admin/categories", {"code": "HJBH", "name": "重复"})
    assert r.status_code == 409 and 'id="k-code-error"' in r.text and "已存在" in r.text
    r = post_form(client, tree, "/admin/categories", {"code": "bad code", "name": "x"})
    assert r.status_code == 422 and 'id="k-code-error"' in r.text
    r = post_form(client, tree, "/admin/categories", {"code": "JTYS", "name": " "})
    assert r.status_code == 422 and 'id="k-name-error"' in r.text
    data = {"code": "JTYS", "name": "交通运输", "name_en": "Transport"}
    r = post_form(client, tree, "/admin/categories", data, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(tree + "?edit=JTYS").text
    assert 'id="node-JTYS"' in page and 'value="Transport"' in page
    assert 'value="JTYS"' in client.get("/admin/rules").text.split('id="rules"')[1]
    assert _audit("catalogue.category_created")[-1][0] == "JTYS"
    r = post_form(client, tree, "/admin/categories/JTYS/retire", {}, follow_redirects=False)
    assert r.status_code == 303
    node = client.get(tree).text.split('id="node-JTYS"')[1].split("</li>")[0]
    assert "已停用" in node
    assert len(_audit("catalogue.category_retired")) == 1
    with unit_of_work() as s:
        assert s.scalar(select(Category).where(Category.code == "JTYS")).active is False
    # a retired code stays taken; retiring twice is a 404 next to nothing (above the form)
    r = post_form(client, tree, "/admin/categories", {"code": "JTYS", "name": "交通"})
    assert r.status_code == 409 and 'id="k-code-error"' in r.text
    r = post_form(client, tree, "/admin/categories/JTYS/retire", {})
    assert r.status_code == 404
    # a retired category is no longer offered for new rules
    assert 'value="JTYS"' not in client.get("/admin/rules").text.split('id="rules"')[1]


def test_admin_pages_have_their_section_once_and_a_plain_title(client: Any, world: Any) -> None:
    import re

    login(client, "admin")
    index = client.get("/admin").text
    for section in ("departments", "users", "limits", "calendar", "rules", "categories"):
        assert f'href="/admin/{section}"' in index and f'id="{section}"' not in index
        html = client.get(f"/admin/{section}").text
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None and "<" not in title.group(1) and "csrf" not in title.group(1)
        assert html.count('<section class="card" id=') == 1 and html.count(f'id="{section}"') == 1, section
        assert f'href="/admin/{section}" aria-current="page"' in html
