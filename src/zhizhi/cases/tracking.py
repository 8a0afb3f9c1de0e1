"""Public tracking: a case number plus the phone number given with it opens the case.

No account is needed. The phone is the shared secret: a wrong number and an unknown case give
the same 404 (nothing is revealed). Rating by an anonymous member of the public goes through
:func:`rate`, which verifies the phone and then performs the ordinary ``rate`` action of the
lifecycle as a *proxy principal* (:func:`verified_public`): the public role, no user account
(user id 0), and ``verified_case_id`` set to this case — row scoping then shows it this one case
and nothing else, and the ``rate`` policy treats it as the person who asked.  Every check of
``cases.service.perform`` applies. The timeline and the audit entry name the actor
"public (verified by phone)".
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.cases import schemas as s
from zhizhi.cases import service
from zhizhi.cases.actions import ACTIONS
from zhizhi.cases.enums import LABELS, CaseStatus, Rating
from zhizhi.cases.models import Case, CaseEvent
from zhizhi.core import audit, clock, fieldcrypt
from zhizhi.core.errors import NotFound, ValidationFailed
from zhizhi.core.permissions import ROLE_LABELS, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org

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
    CaseStatus.REVIEWING: (
        "您的评价为不满意或未解决，督办员正在复核（1 个工作日内），结果将在此告知您",
        "You were not satisfied or the problem is unresolved: a supervisor is reviewing it "
        "(within 1 working day); the outcome will be shown here",
    ),
    CaseStatus.CLOSED: ("已办结", "Closed"),
    CaseStatus.MERGED: ("已与相同问题的工单合并办理", "Merged with a case about the same problem"),
}

# What each step means to the person who asked: the registration, then each action's own words.
CREATED = ("诉求已登记", "Appeal registered")


@dataclass(frozen=True)
class Step:
    at: datetime
    zh: str
    en: str
    actor: tuple[str, str] | None = None  # by role and unit ("12345 受理员", "岳麓区城管局"), never a login
    detail: str | None = None  # a reply's words (every round's), an extension's new due date


# who acted, as the person who asked reads it: the centre's roles by role, units by their name
CENTRE_ROLES = {Role.INTAKE_AGENT, Role.DISPATCHER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN}
UNIT_ROLES = {Role.HANDLER, Role.GRID_WORKER}
PUBLIC_ACTOR = ("您本人", "you")
CENTRE_ACTOR = ("12345 热线", "12345 hotline")
EXTENDED = ("办理期限已延长", "The deadline was extended")
REPLY_ROUND = ("第 {n} 次答复", "Reply {n}")


@dataclass(frozen=True)
class Review:
    """The latest 差评复核 decision, as the person who asked reads it."""

    decision: str  # reopen | explain | appeal
    reason: str | None
    at: datetime


REVIEW_ACTIONS = {"review_reopen": "reopen", "review_explain": "explain", "review_appeal": "appeal"}


@dataclass(frozen=True)
class Tracked:
    case: s.CaseOut
    plain_status: tuple[str, str]
    steps: list[Step]
    can_rate: bool
    review: Review | None = None


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


def _actor(role: str | None, unit: tuple[str, str] | None) -> tuple[str, str]:
    try:
        who = Role(role) if role else None
    except ValueError:
        who = None
    if who is Role.PUBLIC:
        return PUBLIC_ACTOR
    if who in UNIT_ROLES and unit is not None:
        return unit
    if who is not None and who in CENTRE_ROLES | UNIT_ROLES:
        zh, en = ROLE_LABELS[who]
        return (f"12345 {zh}", f"12345 {en.lower()}") if who in CENTRE_ROLES else (zh, en)
    return CENTRE_ACTOR


def public_steps(session: Session, events: list[CaseEvent]) -> list[Step]:
    """The timeline the person who asked reads: public steps only, each with who acted (role and
    unit), every round's reply, and approved extensions with the new due date."""
    codes = {str(e.payload.get("lead_department")) for e in events if e.payload.get("lead_department")}
    units = {code: org.find_department(session, code, active_only=False) for code in codes}
    lead: tuple[str, str] | None = None
    replies = 0
    steps: list[Step] = []
    for e in events:
        code = e.payload.get("lead_department")
        if code and units.get(str(code)) is not None:
            name = units[str(code)].name  # type: ignore[union-attr]
            lead = (name, name)
        actor = _actor(e.actor_role, lead)
        if e.action == "create":
            steps.append(Step(e.at, *CREATED, actor=actor))
        elif e.action == "approve_extension" and e.payload.get("approved") and e.payload.get("due_after"):
            due = clock.to_local(datetime.fromisoformat(str(e.payload["due_after"]))).strftime(
                "%Y-%m-%d %H:%M"
            )
            steps.append(Step(e.at, f"{EXTENDED[0]}至 {due}", f"{EXTENDED[1]} to {due}", actor))
        elif e.action in ACTIONS and ACTIONS[e.action].public:  # no internal steps
            zh, en = ACTIONS[e.action].plain
            detail = None
            if e.action in {"reply", "answer_directly"}:
                replies += 1
                detail = str(e.payload.get("reply") or "") or None
                if replies > 1:
                    n = REPLY_ROUND
                    zh, en = f"{zh}（{n[0].format(n=replies)}）", f"{en} ({n[1].format(n=replies)})"
            steps.append(Step(e.at, zh, en, actor, detail))
    return steps


def track(session: Session, number: str, phone: str) -> Tracked:
    case = _verified(session, number, phone)
    out = service.to_out(session, case, None)
    events = repo.events(session, case.id)
    steps = public_steps(session, events)
    review = None
    for e in events:  # the latest decision of the latest round (a later reply starts a new round)
        if e.action in REVIEW_ACTIONS:
            review = Review(REVIEW_ACTIONS[e.action], e.reason, e.at)
        elif e.action in {"reply", "answer_directly", "rate"}:
            review = None
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
    return Tracked(out, plain, steps, can_rate, review)


def rate(
    session: Session,
    number: str,
    phone: str,
    rating: Rating,
    resolved: bool,
    comment: str | None = None,
    idempotency_key: str | None = None,
) -> Case:
    """Verify the phone, then perform ``rate`` through the lifecycle (all guards apply). The
    portal's form carries an ``idempotency_key``: sending it twice rates once, without an error."""
    case = _verified(session, number, phone)
    body = s.Rate(action="rate", rating=rating, resolved=resolved, comment=comment or None)
    return service.perform(session, verified_public(case), case.number, body, idempotency_key)


@dataclass(frozen=True)
class Mine:
    """One case of a signed-in citizen's list (我的诉求)."""

    number: str
    subject: str
    status: str
    status_label: tuple[str, str]
    plain_status: tuple[str, str]
    created_at: datetime
    due_at: datetime
    can_rate: bool
    language: str = "zh"


def set_language(session: Session, phone: str, language: str) -> int:
    """A signed-in citizen's language preference (我的诉求): every case of their phone, and so
    every later text message about it, in ``language`` (zh | en). Returns the cases changed."""
    if language not in ("zh", "en"):
        raise ValidationFailed("语言只能是中文或英文", "the language is zh or en", field="language")
    changed = repo.set_language_by_phone_index(session, fieldcrypt.phone_indexes(phone), language)
    audit.record(
        session,
        "case.language_set",
        audit.Actor(None, PUBLIC_VERIFIED.username),
        object_type="case",
        language=language,
        count=changed,
    )
    return changed


def cases_of_phone(session: Session, phone: str, limit: int = 100) -> list[Mine]:
    """Every case filed with ``phone`` (through its blind index), newest first: the caller has
    proved the phone is theirs (an SMS code); audited as a read of their own cases."""
    index = fieldcrypt.phone_index(phone)
    rows = repo.by_phone_index(session, index, limit) if index else []
    audit.record(
        session,
        "case.public_list",
        audit.Actor(None, PUBLIC_VERIFIED.username),
        object_type="case",
        count=len(rows),
    )
    out = []
    for case in rows:
        status = CaseStatus(case.status)
        out.append(
            Mine(
                case.number,
                case.subject,
                case.status,
                LABELS.get(status, (case.status, case.status)),
                PLAIN_STATUS.get(case.status, LABELS.get(status, (case.status, case.status))),
                case.created_at,
                case.due_at,
                case.status == CaseStatus.REPLIED.value and case.rating is None,
                case.language or "zh",
            )
        )
    return out
