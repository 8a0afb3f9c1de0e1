"""Object policies (``cases/policy.py``): who may do what on whose case, written out by hand.

The policy runs after the permission check (``tests/core/test_permissions.py``), so here every
user is asked about every kind of action whatever their role's permissions: the answer is the
policy's alone. The city of ``tests/builders.py``: CITY ⊃ {CENTER, ZJ, D1 ⊃ S1 ⊃ C1, D2 ⊃ S2}.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhizhi.cases import policy
from zhizhi.cases import repository as repo
from zhizhi.cases.models import Case
from zhizhi.cases.tracking import verified_public
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.org.models import User

LEAD = ("只有主办单位（及其下级）可以执行此操作", "only the lead unit (or its sub-units) may do this")
UNIT = ("只有主办或协办单位可以记录办理情况", "only the lead or a co-unit may record handling")
OWN = ("只能评价本人提交的诉求", "you can only rate your own appeals")
CO = ("只有协办单位（及其下级）可以回复主办单位", "only a co-unit (or its sub-units) may reply as a co-unit")
OK = None

USERS = ["admin", "leader", "dispatcher", "h_s1", "h_d1", "h_zj", "h_d2", "grid", "citizen"]
ACTIONS = [
    "sign", "reply", "return", "request_extension", "handle", "rate", "accept", "close", "supervise",
    "co_reply",
]  # fmt: skip

# A case from the hotline (reporter: nobody), lead unit S1 (street under D1), co-unit ZJ.
# fmt: off
DISPATCHED_TO_S1_WITH_ZJ = {
    #              sign  reply return  request_ext handle rate  accept close supervise co_reply
    "admin":       (OK,   OK,   OK,     OK,         OK,    OK,   OK,    OK,   OK, OK),
    "leader":      (OK,   OK,   OK,     OK,         OK,    OK,   OK,    OK,   OK, OK),  # CITY is above S1
    "dispatcher":  (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),  # CENTER is not
    "h_s1":        (OK,   OK,   OK,     OK,         OK,    OK,   OK,    OK,   OK, CO),
    "h_d1":        (OK,   OK,   OK,     OK,         OK,    OK,   OK,    OK,   OK, CO),  # S1's district
    "h_zj":        (LEAD, LEAD, LEAD,   LEAD,       OK,    OK,   OK,    OK,   OK, OK),  # co-unit
    "h_d2":        (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "grid":        (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),  # C1 is below S1
    "citizen":     (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OWN,  OK,    OK,   OK, CO),
}
# A case the citizen submitted on the web, accepted but not dispatched: no lead unit yet.
OWN_CASE_NOT_DISPATCHED = {
    "admin":       (OK,   OK,   OK,     OK,         OK,    OK,   OK,    OK,   OK, OK),
    "leader":      (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "dispatcher":  (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "h_s1":        (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "h_d1":        (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "h_zj":        (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "h_d2":        (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "grid":        (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
    "citizen":     (LEAD, LEAD, LEAD,   LEAD,       UNIT,  OK,   OK,    OK,   OK, CO),
}
# fmt: on


def _principal(session: Session, username: str) -> Principal:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return org.principal_for(session, user)


def _case(session: Session, number: str) -> Case:
    case = repo.find(session, number)
    assert case is not None
    return case


def _answers(session: Session, case: Case) -> dict[str, tuple[Any, ...]]:
    return {
        username: tuple(policy.check(session, _principal(session, username), case, a) for a in ACTIONS)
        for username in USERS
    }


def test_who_may_act_on_a_dispatched_case(world: Any, session: Session) -> None:
    number = world.create()["number"]
    world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["ZJ"])
    assert _answers(session, _case(session, number)) == DISPATCHED_TO_S1_WITH_ZJ


def test_who_may_act_on_an_undispatched_case_of_their_own(world: Any, session: Session) -> None:
    number = world.create("citizen", channel="web")["number"]
    world.act("agent", number, "accept")
    assert _answers(session, _case(session, number)) == OWN_CASE_NOT_DISPATCHED


def test_a_member_of_the_public_verified_by_phone_rates_that_case_only(world: Any, session: Session) -> None:
    numbers = [world.create()["number"], world.create()["number"]]  # all writes before the reads
    mine, other = (_case(session, n) for n in numbers)
    assert policy.check(session, verified_public(mine), mine, "rate") is None
    assert policy.check(session, verified_public(other), mine, "rate") == OWN
    assert policy.check(session, _principal(session, "citizen2"), mine, "rate") == OWN


class TestSeesPersonalData:
    """Unmasked contact details: the reporter and roles with personal:read, nobody else."""

    def test_by_role_on_a_staff_entered_case(self, world: Any, session: Session) -> None:
        case = _case(session, world.create()["number"])
        users = [*USERS, "agent", "steward"]
        seen = {u: policy.sees_personal_data(_principal(session, u), case) for u in users}
        assert seen == {
            "admin": True,
            "leader": False,
            "dispatcher": True,
            "h_s1": False,
            "h_d1": False,
            "h_zj": False,
            "h_d2": False,
            "grid": False,
            "citizen": False,
            "agent": True,
            "steward": False,
        }

    def test_the_reporter_sees_their_own(self, world: Any, session: Session) -> None:
        case = _case(session, world.create("citizen", channel="web")["number"])
        assert policy.sees_personal_data(_principal(session, "citizen"), case) is True
        assert policy.sees_personal_data(_principal(session, "citizen2"), case) is False
        assert policy.sees_personal_data(verified_public(case), case) is False  # masked on the track page
        assert policy.sees_personal_data(None, case) is False

    def test_the_anonymous_principal_never_does(self) -> None:
        anonymous = Principal(0, "anonymous", "匿名群众", Role.PUBLIC, None, None)
        assert policy.sees_personal_data(anonymous, Case(reporter_id=0)) is False
        assert policy.sees_personal_data(anonymous, Case(reporter_id=None)) is False
