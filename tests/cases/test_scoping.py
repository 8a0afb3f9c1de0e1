"""Row scoping by department subtree, masking of contact details, audited personal reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import session_factory


def _numbers(world: Any, username: str, **params: Any) -> set[str]:
    r = world.client.get("/api/v1/cases", params={"page_size": 200, **params}, headers=world.h(username))
    assert r.status_code == 200, r.text
    return {c["number"] for c in r.json()["items"]}


class TestRowScoping:
    def test_handlers_see_only_their_subtree(self, world: Any) -> None:
        s1 = world.case_in("dispatched", lead="S1")
        d2 = world.case_in("dispatched", lead="D2")
        zj = world.case_in("dispatched", lead="ZJ")
        assert _numbers(world, "h_s1") == {s1}
        assert _numbers(world, "h_d1") == {s1}  # the district sees its street's cases
        assert _numbers(world, "h_d2") == {d2}
        assert _numbers(world, "h_zj") == {zj}
        assert {s1, d2, zj} <= _numbers(world, "dispatcher")

    def test_co_units_see_the_case(self, world: Any) -> None:
        number = world.create()["number"]
        world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["ZJ"])
        assert number in _numbers(world, "h_zj")
        assert number not in _numbers(world, "h_d2")

    def test_one_case_follows_the_subtree_and_the_co_units(self, world: Any) -> None:
        # one case's read checks its departments row by row (repository._in_departments per_row):
        # the lead unit, the district above it, a co-unit, and not the other district
        number = world.create()["number"]
        world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["ZJ"])
        seen = {
            user: world.client.get(f"/api/v1/cases/{number}", headers=world.h(user)).status_code
            for user in ("h_s1", "h_d1", "h_zj", "h_d2")
        }
        assert seen == {"h_s1": 200, "h_d1": 200, "h_zj": 200, "h_d2": 403}

    def test_out_of_scope_detail_is_403_for_staff_404_for_public(self, world: Any) -> None:
        number = world.case_in("dispatched", lead="S1")
        assert world.client.get(f"/api/v1/cases/{number}", headers=world.h("h_d2")).status_code == 403
        assert world.client.get(f"/api/v1/cases/{number}", headers=world.h("citizen")).status_code == 404

    def test_public_sees_only_own_cases(self, world: Any) -> None:
        mine = world.create("citizen", channel="web")["number"]
        world.create("citizen2", channel="web")
        world.create()
        assert _numbers(world, "citizen") == {mine}

    def test_department_filter(self, world: Any) -> None:
        s1 = world.case_in("dispatched", lead="S1")
        world.case_in("dispatched", lead="D2")
        assert _numbers(world, "dispatcher", department="D1") == {s1}


class TestMasking:
    def test_handler_sees_masked_phone_and_name(self, world: Any) -> None:
        number = world.case_in("dispatched", lead="S1")
        out = world.get("h_s1", number)
        assert out["contact_phone"] == "138****1234" and out["contact_name"] == "张*"
        assert out["contact_masked"] is True

    def test_dispatcher_sees_full_phone_and_the_read_is_audited(self, world: Any) -> None:
        number = world.create()["number"]
        out = world.get("dispatcher", number)
        assert out["contact_phone"] == "13812341234" and out["contact_masked"] is False
        with session_factory()() as s:
            reads = s.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "case.personal_read", AuditEntry.object_id == number
                )
            ).all()
        assert [r.actor for r in reads] == ["dispatcher"]

    def test_confidential_contact_is_hidden_from_units(self, world: Any) -> None:
        number = world.create(confidential=True)["number"]
        world.act("dispatcher", number, "dispatch", lead_department="S1")
        out = world.get("h_s1", number)
        assert out["contact_phone"] is None and out["contact_name"] is None

    def test_reporter_sees_own_phone(self, world: Any) -> None:
        number = world.create("citizen", channel="web")["number"]
        assert world.get("citizen", number)["contact_phone"] == "13812341234"

    def test_list_view_is_always_masked(self, world: Any) -> None:
        plain = world.create()["number"]
        confidential = world.create(confidential=True)["number"]
        r = world.client.get("/api/v1/cases", headers=world.h("dispatcher"))
        contacts = {c["number"]: (c["contact_name"], c["contact_phone"]) for c in r.json()["items"]}
        # the dispatcher may read personal data, but not in a list; a confidential contact is hidden
        assert contacts == {plain: ("张*", "138****1234"), confidential: (None, None)}
