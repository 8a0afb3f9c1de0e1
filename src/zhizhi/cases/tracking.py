"""Public tracking: a case number plus the phone number given with it opens the case.

No account is needed. The phone is the shared secret: a wrong number and an unknown case give
the same 404 (nothing is revealed). Rating by an anonymous member of the public goes through
:func:`rate`, which verifies the phone and then performs the ordinary ``rate`` action of the
lifecycle table as a *proxy principal* ``public (verified by phone)``. The proxy carries the
intake-agent role because that role already rates on behalf of callers (回访) and sees the case
city-wide; it is used for nothing else. The timeline names the actor "public (verified by
phone)", and the audit entry does too.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases import schemas as s
from zhizhi.cases import service
from zhizhi.cases.enums import LABELS, CaseStatus, Rating
from zhizhi.cases.models import Case
from zhizhi.core import audit
from zhizhi.core.errors import NotFound
from zhizhi.core.permissions import Role
from zhizhi.org.schemas import Principal

PUBLIC_VERIFIED = Principal(0, "public (verified by phone)", "群众（电话核验）", Role.PUBLIC, None, None)


def verified_public(case: Case) -> Principal:
    """The person who asked, verified by number + phone: may see and rate this one case only."""
    return Principal(
        0,
        PUBLIC_VERIFIED.username,
        PUBLIC_VERIFIED.display_name,
        Role.PUBLIC,
        None,
        None,
        verified_case_id=case.id,
    )


# What each status means to the person who asked (plain language).
PLAIN_STATUS: dict[str, tuple[str, str]] = {
    CaseStatus.RECEIVED: (
        "已收到您的诉求，正在等待受理",
        "We have your appeal; it is waiting to be accepted",
    ),
    CaseStatus.ACCEPTED: ("已受理，正在确定办理单位", "Accepted; we are choosing the unit that will act"),
    CaseStatus.DISPATCHED: (
        "已转交办理单位，等待签收",
        "Sent to the responsible unit, waiting for it to sign for it",
    ),
    CaseStatus.IN_PROGRESS: ("办理单位正在处理", "The responsible unit is working on it"),
    CaseStatus.RETURNED: ("正在重新确定办理单位", "We are re-assigning it to the right unit"),
    CaseStatus.SUSPENDED: (
        "暂停办理（等待外部条件），期限暂停计算",
        "Paused (waiting for an outside step); the clock is stopped",
    ),
    CaseStatus.REPLIED: ("已答复，请您评价办理结果", "Answered: please rate the outcome"),
    CaseStatus.CLOSED: ("已办结", "Closed"),
    CaseStatus.MERGED: ("已与相同问题的工单合并办理", "Merged with a case about the same problem"),
}

PLAIN_ACTION: dict[str, tuple[str, str]] = {
    "create": ("诉求已登记", "Appeal registered"),
    "accept": ("12345 已受理", "Accepted by 12345"),
    "answer_directly": ("12345 已直接答复", "Answered directly by 12345"),
    "dispatch": ("已转交办理单位", "Sent to the responsible unit"),
    "sign": ("办理单位已签收", "Signed for by the unit"),
    "handle": ("办理单位记录了处理情况", "The unit recorded progress"),
    "reply": ("办理单位已答复", "The unit replied"),
    "return": ("办理单位申请改由其他单位办理", "The unit asked to re-assign it"),
    "redispatch": ("已改派给其他单位", "Re-assigned to another unit"),
    "reject_return": ("已要求原单位继续办理", "The original unit must continue"),
    "request_extension": ("办理单位申请延期", "The unit asked for more time"),
    "approve_extension": ("延期申请已审批", "The extension request was decided"),
    "suspend": ("暂停办理", "Paused"),
    "resume": ("恢复办理", "Resumed"),
    "supervise": ("已列入督办", "Placed under supervision"),
    "rate": ("已评价", "Rated"),
    "close": ("已办结", "Closed"),
    "reopen": ("重新办理", "Reopened"),
    "merge": ("已合并办理", "Merged"),
}


@dataclass(frozen=True)
class Step:
    at: datetime
    zh: str
    en: str


@dataclass(frozen=True)
class Tracked:
    case: s.CaseOut
    plain_status: tuple[str, str]
    steps: list[Step]
    can_rate: bool


def _phone_matches(case: Case, phone: str) -> bool:
    try:
        given = s.normalise_phone(phone)
    except ValueError:
        return False
    return bool(case.contact_phone) and hmac.compare_digest(given, case.contact_phone or "")


def _verified(session: Session, number: str, phone: str, *, for_update: bool = False) -> Case:
    case = repo.find(session, number.strip(), for_update=for_update)
    if case is None or not _phone_matches(case, phone):
        raise NotFound(
            "未找到与该编号和电话匹配的工单", "no case matches this number and phone", field="number"
        )
    return case


def track(session: Session, number: str, phone: str) -> Tracked:
    case = _verified(session, number, phone)
    out = service.to_out(session, case, None)
    steps = [
        Step(e.at, *PLAIN_ACTION.get(e.action, (e.action, e.action)))
        for e in repo.events(session, case.id)
        if e.action not in {"handle", "request_extension", "approve_extension"}  # internal steps
    ]
    status = LABELS.get(CaseStatus(case.status), (case.status, case.status))
    plain = PLAIN_STATUS.get(case.status, status)
    can_rate = case.status == CaseStatus.REPLIED.value and case.rating is None
    audit.record(
        session,
        "case.public_track",
        audit.Actor(None, PUBLIC_VERIFIED.username),
        object_type="case",
        object_id=case.number,
    )
    return Tracked(out, plain, steps, can_rate)


def rate(
    session: Session, number: str, phone: str, rating: Rating, resolved: bool, comment: str | None = None
) -> Case:
    """Verify the phone, then perform ``rate`` through the lifecycle (all guards apply)."""
    case = _verified(session, number, phone)
    body = s.Rate(action="rate", rating=rating, resolved=resolved, comment=comment or None)
    return service.perform(session, verified_public(case), case.number, body)
