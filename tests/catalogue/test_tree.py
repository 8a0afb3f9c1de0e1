"""The category tree through the API: add under a parent, rename, move (no cycles), retire with
the subtree while cases use it, history, inherited time limits and dispatch rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from zhizhi.catalogue.models import Category, CategoryChange
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work
from zhizhi.routing.models import CategoryConfirmation


def _add(world: Any, code: str, name: str, parent: str | None = None, expect: int = 201) -> dict[str, Any]:
    r = world.client.post(
        "/api/v1/categories", json={"code": code, "name": name, "parent": parent}, headers=world.h("admin")
    )
    assert r.status_code == expect, r.text
    return dict(r.json())


def _patch(world: Any, code: str, expect: int = 200, **body: Any) -> dict[str, Any]:
    r = world.client.patch(f"/api/v1/categories/{code}", json=body, headers=world.h("admin"))
    assert r.status_code == expect, r.text
    return dict(r.json())


def _tree(world: Any, **params: Any) -> dict[str, dict[str, Any]]:
    r = world.client.get("/api/v1/categories", params=params, headers=world.h("agent"))
    assert r.status_code == 200
    return {c["code"]: c for c in r.json()}


def test_add_rename_move_and_history(world: Any) -> None:
    child = _add(world, "CXJS.01", "城市管理", "CXJS")
    assert (child["parent"], child["depth"], child["path"]) == ("CXJS", 1, "城乡建设 › 城市管理")
    _add(world, "CXJS.01.01", "环境卫生", "CXJS.01")
    assert _tree(world)["CXJS.01.01"]["path"] == "城乡建设 › 城市管理 › 环境卫生"
    # only managers change the tree
    r = world.client.post("/api/v1/categories", json={"code": "X", "name": "x"}, headers=world.h("agent"))
    assert r.status_code == 403
    # an unknown parent is named as the field at fault
    r = world.client.post(
        "/api/v1/categories", json={"code": "Y", "name": "y", "parent": "NOPE"}, headers=world.h("admin")
    )
    assert r.status_code == 422 and r.json()["field"] == "parent" and r.json()["message"]["zh"]
    renamed = _patch(world, "CXJS.01", name="城市管理和市政")
    assert renamed["path"] == "城乡建设 › 城市管理和市政"
    moved = _patch(world, "CXJS.01", move=True, parent="HJBH")
    assert moved["path"] == "环境保护 › 城市管理和市政"
    assert _tree(world)["CXJS.01.01"]["path"] == "环境保护 › 城市管理和市政 › 环境卫生"  # the subtree follows
    top = _patch(world, "CXJS.01", move=True, parent=None)
    assert (top["depth"], top["parent"]) == (0, None)
    history = world.client.get("/api/v1/categories/history", headers=world.h("admin")).json()
    assert [h["action"] for h in history if h["code"] == "CXJS.01"] == [
        "moved",
        "moved",
        "renamed",
        "created",
    ]
    assert history[0]["details"]["before"] == {"parent": "HJBH"}
    with unit_of_work() as s:
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.object_id == "CXJS.01")))
    assert actions.count("catalogue.category_moved") == 2 and "catalogue.category_renamed" in actions


def test_moves_that_would_make_a_cycle_are_refused(world: Any) -> None:
    _add(world, "A", "甲")
    _add(world, "A.1", "乙", "A")
    _add(world, "A.1.1", "丙", "A.1")
    for parent in ("A", "A.1", "A.1.1"):
        r = world.client.patch(
            "/api/v1/categories/A", json={"move": True, "parent": parent}, headers=world.h("admin")
        )
        assert r.status_code == 409, parent
        assert r.json()["field"] == "parent" and "下级" in r.json()["message"]["zh"]
    assert _tree(world)["A"]["parent"] is None  # nothing half-written
    with unit_of_work() as s:
        assert (
            s.scalar(select(func.count()).select_from(CategoryChange).where(CategoryChange.action == "moved"))
            == 0
        )
    _patch(world, "A.1.1", move=True, parent="A")  # a legal move still works
    assert _tree(world)["A.1.1"]["depth"] == 1


def test_retire_while_used_keeps_cases_and_refuses_new_work(world: Any) -> None:
    _add(world, "HJBH.01", "噪声污染", "HJBH")
    _add(world, "HJBH.01.01", "施工噪声", "HJBH.01")
    number = world.create(category="HJBH.01.01")["number"]
    r = world.client.post("/api/v1/categories/HJBH.01/retire", headers=world.h("admin"))
    assert r.status_code == 200 and r.json()["retired"] == ["HJBH.01", "HJBH.01.01"]
    # the case keeps its category, shown with its name
    assert world.get("dispatcher", number)["category"]["code"] == "HJBH.01.01"
    # new work cannot choose it: intake, accept, dispatch
    r = world.client.post(
        "/api/v1/cases",
        json={
            "kind": "appeal",
            "appeal_type": "complaint",
            "subject": "噪音",
            "content": "夜间施工噪音很大",
            "address": "长沙市岳麓区",
            "contact_phone": "13812341234",
            "category": "HJBH.01.01",
        },
        headers=world.h("agent"),
    )
    assert r.status_code == 422 and r.json()["field"] == "category" and "停用" in r.json()["message"]["zh"]
    other = world.create()["number"]
    r = world.client.post(
        f"/api/v1/cases/{other}/actions",
        json={"action": "dispatch", "lead_department": "S1", "category": "HJBH.01"},
        headers=world.h("dispatcher"),
    )
    assert r.status_code == 422 and r.json()["field"] == "category"
    assert world.get("dispatcher", other)["status"] == "accepted"  # nothing half-written
    assert "HJBH.01" not in _tree(world) and _tree(world, include_retired=True)["HJBH.01"]["active"] is False
    # a retired category cannot be renamed or moved, nor retired twice
    _patch(world, "HJBH.01", expect=422, name="x")
    assert world.client.post("/api/v1/categories/HJBH.01/retire", headers=world.h("admin")).status_code == 404
    # the case still runs to its end with its (retired) category
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已处理完毕，详见说明。")
    world.act("agent", number, "rate", rating="satisfied", resolved=True)
    assert world.act("dispatcher", number, "close")["status"] == "closed"


def test_moving_a_used_category_keeps_its_cases(world: Any) -> None:
    _add(world, "SDQR.01", "供水", "SDQR")
    number = world.create(category="SDQR.01")["number"]
    _patch(world, "SDQR.01", move=True, parent="CXJS")
    case = world.get("dispatcher", number)
    assert case["category"]["code"] == "SDQR.01"
    assert _tree(world)["SDQR.01"]["path"] == "城乡建设 › 供水"


def test_time_limits_inherit_from_the_nearest_ancestor(world: Any) -> None:
    _add(world, "SDQR.01", "供水", "SDQR")
    _add(world, "SDQR.01.01", "停水", "SDQR.01")
    _add(world, "CXJS.01", "物业", "CXJS")

    def effective(category: str) -> dict[str, Any]:
        r = world.client.get(
            "/api/v1/time-limits/effective",
            params={"category": category, "urgency": "normal"},
            headers=world.h("agent"),
        )
        assert r.status_code == 200
        return dict(r.json())

    assert effective("SDQR.01.01") == {"amount": 24, "unit": "hours", "warning_ratio": None}  # grandparent's
    assert effective("CXJS.01")["amount"] == 10  # no ancestor has one: the urgency default
    r = world.client.put(
        "/api/v1/time-limits",
        json={"category": "SDQR.01", "urgency": "normal", "amount": 12, "unit": "hours"},
        headers=world.h("admin"),
    )
    assert r.status_code == 200
    assert effective("SDQR.01.01")["amount"] == 12  # the nearer ancestor wins
    assert world.create(category="SDQR.01.01")["time_limit"]["amount"] == 12
    # a dispatcher re-classifying at dispatch brings the new category's limit
    number = world.create(category="CXJS.01")["number"]
    out = world.act("dispatcher", number, "dispatch", lead_department="S1", category="SDQR.01.01")
    assert (out["category"]["code"], out["time_limit"]["amount"], out["time_limit"]["unit"]) == (
        "SDQR.01.01",
        12,
        "hours",
    )


def test_dispatch_rules_inherit_down_the_tree(world: Any) -> None:
    _add(world, "HJBH.01", "噪声", "HJBH")
    _add(world, "HJBH.01.01", "施工噪声", "HJBH.01")
    for priority, category, lead in [(50, "HJBH", "ZJ"), (60, "HJBH.01", "D2")]:
        r = world.client.post(
            "/api/v1/dispatch-rules",
            json={"priority": priority, "category": category, "lead_department": lead},
            headers=world.h("admin"),
        )
        assert r.status_code == 201, r.text
    number = world.create(category="HJBH.01.01")["number"]
    r = world.client.get(f"/api/v1/cases/{number}/suggestions", headers=world.h("dispatcher"))
    dispatch = next(s for s in r.json() if s["kind"] == "dispatch")
    leads = [c["lead_department"] for c in dispatch["payload"]["candidates"]]
    assert leads[:2] == ["D2", "ZJ"]  # the nearest ancestor's rule first, though its priority is lower
    assert "上级分类" in dispatch["payload"]["candidates"][0]["reasons"]["zh"][1]


def test_every_case_ends_categorised(world: Any) -> None:
    number = world.create("citizen", channel="web", category=None)["number"]
    world.act("agent", number, "accept")
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已处理完毕，详见说明。")
    world.act("agent", number, "rate", rating="satisfied", resolved=True)
    r = world.client.post(
        f"/api/v1/cases/{number}/actions", json={"action": "close"}, headers=world.h("dispatcher")
    )
    assert r.status_code == 409 and r.json()["field"] == "category"
    assert r.json()["message"]["zh"].startswith("工单尚未分类") and r.json()["message"]["en"]
    assert world.get("dispatcher", number)["status"] == "replied"
    r = world.client.post(
        f"/api/v1/cases/{number}/actions",
        json={"action": "close", "category": "NOPE"},
        headers=world.h("dispatcher"),
    )
    assert r.status_code == 422 and r.json()["field"] == "category"
    out = world.act("dispatcher", number, "close", category="CXJS")
    assert out["status"] == "closed" and out["category"]["code"] == "CXJS"


def test_confirmations_are_recorded_at_accept_dispatch_and_close(world: Any) -> None:
    number = world.create("citizen", channel="web", category=None)["number"]
    world.act("agent", number, "accept", category="HJBH")
    world.act("dispatcher", number, "dispatch", lead_department="S1", category="CXJS")
    with unit_of_work() as s:
        rows = list(
            s.execute(
                select(CategoryConfirmation.action, Category.code)
                .join(Category, Category.id == CategoryConfirmation.category_id)
                .order_by(CategoryConfirmation.id)
            )
        )
    assert [tuple(r) for r in rows] == [("accept", "HJBH"), ("dispatch", "CXJS")]
