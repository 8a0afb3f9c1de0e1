"""GET /api/v1/cases: every search filter, combinations, bad values (422 with the field), phone
search rules, marks; the unit typeahead (pinyin initials) and a dispatch to a retired unit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from zhizhi.cases.models import Case
from zhizhi.core import clock
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import session_factory, unit_of_work
from zhizhi.org.models import Department


def _search(world: Any, username: str = "dispatcher", **params: Any) -> set[str]:
    r = world.client.get("/api/v1/cases", params={"page_size": 200, **params}, headers=world.h(username))
    assert r.status_code == 200, r.text
    return {c["number"] for c in r.json()["items"]}


def _category_id(code: str) -> Any:
    from zhizhi.catalogue.models import Category

    return select(Category.id).where(Category.code == code).scalar_subquery()


def _set(number: str, **values: Any) -> None:
    with unit_of_work() as s:
        s.execute(update(Case).where(Case.number == number).values(**values))


@pytest.fixture
def three(world: Any) -> dict[str, str]:
    a = world.create(
        subject="夜间施工噪音",
        content="工地夜间施工",
        address="岳麓区麓山南路1号",
        contact_phone="13800005678",
    )["number"]
    b = world.create(
        subject="路灯不亮",
        content="小区门口路灯坏了",
        address="芙蓉区五一大道8号",
        contact_phone="13900001234",
        category="CXJS",
        channel="window",
    )["number"]
    c = world.create(
        subject="停水",
        content="整栋楼停水两天",
        address="岳麓区桐梓坡路",
        contact_phone="13700001234",
        confidential=True,
        category="SDQR",
    )["number"]
    _set(a, division_code="430104001000", grid_code="G-01")
    _set(b, division_code="430102002000", grid_code="G-02")
    _set(c, division_code="430104003000", grid_code="G-01")
    return {"a": a, "b": b, "c": c}


class TestFilters:
    def test_number_exact_and_prefix(self, world: Any, three: dict[str, str]) -> None:
        assert _search(world, number=three["a"]) == {three["a"]}
        assert set(three.values()) <= _search(world, number=three["a"][:8])

    def test_text_searches_subject_and_content(self, world: Any, three: dict[str, str]) -> None:
        assert _search(world, q="路灯") == {three["b"]}
        assert _search(world, q="两天") == {three["c"]}
        assert _search(world, q="100%") == set()  # LIKE wildcards are literal

    def test_phone_full_and_last_four(self, world: Any, three: dict[str, str]) -> None:
        assert _search(world, phone="13800005678") == {three["a"]}
        assert _search(world, phone="138 0000 5678") == {three["a"]}
        # the confidential case (c) ends in 1234 too but never matches a phone search
        assert _search(world, phone="1234") == {three["b"]}

    def test_phone_search_needs_personal_read_and_is_audited(self, world: Any, three: dict[str, str]) -> None:
        r = world.client.get("/api/v1/cases", params={"phone": "5678"}, headers=world.h("leader"))
        assert r.status_code == 403 and r.json()["field"] == "phone"
        _search(world, phone="13800005678")
        with session_factory()() as s:
            rows = s.scalars(
                select(AuditEntry).where(AuditEntry.action == "case.phone_search").order_by(AuditEntry.seq)
            ).all()
        assert rows and "13800005678" not in str(rows[-1].detail)

    def test_address_division_grid(self, world: Any, three: dict[str, str]) -> None:
        assert _search(world, address="五一大道") == {three["b"]}
        assert _search(world, division="430104") == {three["a"], three["c"]}
        assert _search(world, division="430102002") == {three["b"]}
        assert _search(world, grid="G-01") == {three["a"], three["c"]}

    def test_category_filter_takes_the_subtree(self, world: Any, three: dict[str, str]) -> None:
        from zhizhi.catalogue import service as catalogue
        from zhizhi.core import audit

        with unit_of_work() as s:
            catalogue.create_category(
                s, code="SDQR.X", name="供水测试", parent_code="SDQR", actor=audit.Actor.system()
            )
            catalogue.create_category(
                s, code="SDQR.X.1", name="停水测试", parent_code="SDQR.X", actor=audit.Actor.system()
            )
        _set(three["b"], category_id=_category_id("SDQR.X.1"))
        assert _search(world, category="SDQR") == {three["b"], three["c"]}  # first level: the subtree
        assert _search(world, category="SDQR.X") == {three["b"]}
        assert _search(world, category="SDQR.X.1") == {three["b"]}

    def test_category_channel_status(self, world: Any, three: dict[str, str]) -> None:
        assert _search(world, category="SDQR") == {three["c"]}
        assert _search(world, channel="window") == {three["b"]}
        world.act("dispatcher", three["a"], "dispatch", lead_department="S1")
        assert _search(world, status="dispatched") == {three["a"]}

    def test_sla_state(self, world: Any, three: dict[str, str]) -> None:
        past = clock.now() - timedelta(days=1)
        _set(three["b"], due_at=past, warn_at=past - timedelta(days=1))
        assert _search(world, sla_state="overdue") == {three["b"]}
        assert three["b"] not in _search(world, sla_state="normal")

    def test_date_range_in_local_days(self, world: Any, three: dict[str, str]) -> None:
        today = clock.today_local()
        _set(three["a"], created_at=clock.now() - timedelta(days=10))
        got = _search(world, date_from=today.isoformat(), date_to=today.isoformat())
        assert got == {three["b"], three["c"]}
        old = (today - timedelta(days=10)).isoformat()
        assert _search(world, date_from=old, date_to=old) == {three["a"]}
        assert _search(world, date_to=(today - timedelta(days=5)).isoformat()) == {three["a"]}

    def test_combinations(self, world: Any, three: dict[str, str]) -> None:
        assert _search(world, division="430104", grid="G-01", q="工地") == {three["a"]}
        assert _search(world, division="430104", category="CXJS") == set()
        every = {
            "number": three["b"][:8],
            "q": "路灯",
            "phone": "1234",
            "address": "芙蓉区",
            "division": "4301",
            "grid": "G-02",
            "category": "CXJS",
            "channel": "window",
            "status": "accepted",
            "sla_state": "normal",
            "date_from": (clock.today_local() - timedelta(days=1)).isoformat(),
            "date_to": clock.today_local().isoformat(),
            "department": "",
        }
        assert _search(world, **every) == {three["b"]}

    def test_scoping_still_applies(self, world: Any, three: dict[str, str]) -> None:
        world.act("dispatcher", three["a"], "dispatch", lead_department="S1")
        assert _search(world, "h_s1", q="施工") == {three["a"]}
        assert _search(world, "h_d2", q="施工") == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "nope"}, "status"),
        ({"channel": "fax"}, "channel"),
        ({"sla_state": "late"}, "sla_state"),
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
        ({"phone": "12"}, "phone"),
        ({"phone": "abcd"}, "phone"),
        ({"division": "43a1"}, "division"),
        ({"number": "x"}, "number"),
        ({"q": "a"}, "q"),
        ({"category": "NOPE"}, "category"),
        ({"grid": "<script>"}, "grid"),
    ],
)
def test_bad_filter_values_are_422_with_the_field(world: Any, params: dict[str, str], field: str) -> None:
    r = world.client.get("/api/v1/cases", params=params, headers=world.h("dispatcher"))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"] == field
    assert body["message"]["zh"] and body["message"]["en"]


def test_marks(world: Any) -> None:
    number = world.case_in("in_progress")
    assert world.get("dispatcher", number)["marks"] == []
    _set(number, supervision_count=1, extension_amount=3, reopen_count=1)
    assert world.get("dispatcher", number)["marks"] == ["supervised", "extended", "reopened"]
    merged = world.case_in("merged")
    assert "merged" in world.get("dispatcher", merged)["marks"]


class TestUnitTypeahead:
    def _items(self, world: Any, q: str, user: str = "dispatcher") -> list[dict[str, str]]:
        r = world.client.get("/api/v1/departments/search", params={"q": q}, headers=world.h(user))
        assert r.status_code == 200, r.text
        return list(r.json()["items"])

    def test_pinyin_initials_name_and_code(self, world: Any) -> None:
        assert [i["code"] for i in self._items(world, "zjj")] == ["ZJ"]  # 住建局
        assert [i["code"] for i in self._items(world, "jzz")] == ["S1"]  # 橘子洲街道
        assert [i["code"] for i in self._items(world, "橘子")] == ["S1"]
        assert "D1" in [i["code"] for i in self._items(world, "D1")]

    def test_levels_city_first(self, world: Any) -> None:
        items = self._items(world, "q")  # 岳麓区, 芙蓉区 (…qu), 某社区 (msq) …
        levels = [i["level"] for i in items]
        order = ["市直部门", "区县", "街道乡镇", "社区村"]
        assert levels == sorted(levels, key=order.index)
        assert "社区村" in levels and "区县" in levels

    def test_retired_units_are_not_offered_and_dispatch_to_them_is_422(self, world: Any) -> None:
        with unit_of_work() as s:
            s.execute(update(Department).where(Department.code == "S2").values(active=False))
        assert self._items(world, "dwt") == []  # 定王台街道
        number = world.create()["number"]
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "dispatch", "lead_department": "S2"},
            headers=world.h("dispatcher"),
        )
        assert r.status_code == 422 and r.json()["field"] == "lead_department"
        assert "已撤销" in r.json()["message"]["zh"] and "retired" in r.json()["message"]["en"]
        r = world.client.post(
            f"/api/v1/cases/{number}/actions",
            json={"action": "dispatch", "lead_department": "S1", "co_departments": ["NOPE"]},
            headers=world.h("dispatcher"),
        )
        assert r.status_code == 422 and r.json()["field"] == "co_departments.0"
        assert world.get("dispatcher", number)["status"] == "accepted"  # nothing half-written

    def test_bad_query_and_public(self, world: Any) -> None:
        r = world.client.get("/api/v1/departments/search", params={"q": " "}, headers=world.h("dispatcher"))
        assert r.status_code == 422 and r.json()["field"] == "q"
        r = world.client.get("/api/v1/departments/search", params={"q": "zjj"}, headers=world.h("citizen"))
        assert r.status_code == 403


def test_text_search_counts_up_to_the_cap(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhizhi.cases import search

    monkeypatch.setattr(search, "TEXT_COUNT_CAP", 2)
    for _ in range(3):
        world.create(subject="路灯不亮")
    r = world.client.get("/api/v1/cases", params={"q": "路灯"}, headers=world.h("dispatcher"))
    body = r.json()
    assert body["total"] == 2 and body["total_capped"] is True and len(body["items"]) == 3
    r = world.client.get("/api/v1/cases", params={"channel": "hotline"}, headers=world.h("dispatcher"))
    assert r.json()["total"] == 3 and r.json()["total_capped"] is False  # no text: exact


def test_text_is_case_insensitive_for_latin_letters_and_short_terms_work(world: Any) -> None:
    a = world.create(subject="LED路灯不亮", content="小区门口的LED灯坏了")["number"]
    b = world.create(subject="噪音", content="工地夜里施工")["number"]
    assert _search(world, q="led") == {a}
    assert _search(world, q="Led灯") == {a}
    assert _search(world, q="夜里") == {b}  # two characters: no trigram, still found
    assert _search(world, address="麓山") == {a, b}
