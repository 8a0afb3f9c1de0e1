"""Notifications' install hook: subscribe to the case engine's events (``core.events``) and
write the messages each one calls for into the outbox, in the event's own unit of work (the case
action and its messages commit or roll back together). The case engine knows nothing of this.

citizen: 受理 (accepted), 答复 (replied, answered directly), 重办 (reopened, reopened after a
rating review); the lead unit's handlers: 派单 (dispatched, re-dispatched, return refused,
reopened), 督办 (supervised); the SLA warning comes from a periodic task (``tasks.warnings``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases.pages import panels
from zhizhi.cases.service import Case
from zhizhi.core import clock, events
from zhizhi.core.permissions import Role
from zhizhi.notifications import case_panel, citizens, service
from zhizhi.notifications.enums import MessageKind as K
from zhizhi.org import service as org
from zhizhi.ui import citizen

CITIZEN_EVENTS: dict[str, K] = {
    "case.accept": K.ACCEPTED,
    "case.reply": K.REPLIED,
    "case.answer_directly": K.REPLIED,
    "case.reopen": K.REOPENED,
    "case.review_reopen": K.REOPENED,
}
# the applicant of a service application (case kind ``application``): its own wording, never the
# appeal's (docs/services.md, "Text messages")
APPLICATION_EVENTS: dict[str, K] = {
    "case.accept": K.APP_ACCEPTED,
    "case.refuse_acceptance": K.APP_NOT_ACCEPTED,
    "case.request_supplement": K.APP_SUPPLEMENT,
    "case.start_special": K.APP_SPECIAL,
    "case.extend": K.APP_EXTENDED,
    "case.approve": K.APP_APPROVED,
    "case.decide_at_acceptance": K.APP_APPROVED,
    "case.deny": K.APP_DENIED,
    "case.deliver": K.APP_DELIVERED,
}
APPLICATION = "application"
HANDLER_EVENTS: dict[str, K] = {
    "case.dispatch": K.DISPATCHED,
    "case.redispatch": K.DISPATCHED,
    "case.reject_return": K.DISPATCHED,
    "case.reopen": K.DISPATCHED,
    "case.review_reopen": K.DISPATCHED,
    "case.supervise": K.SUPERVISED,
}


HOTLINE = {"zh": "12345 热线", "en": "the 12345 hotline"}
HURRY = {"zh": "请加快办理", "en": "please speed up"}


def values_for(
    session: Session, case: Case, reason: str | None = None, language: str = "zh"
) -> dict[str, Any]:
    unit = org.department(session, case.lead_department_id) if case.lead_department_id else None
    lang = "en" if language == "en" else "zh"
    return {
        "number": case.number,
        "deadline": clock.to_local(case.due_at).strftime("%Y-%m-%d %H:%M"),
        "subject": case.subject[:30],
        "unit": unit.name if unit else HOTLINE[lang],  # a unit's name is data: as registered
        "reason": (reason or HURRY[lang])[:60],
    }


def to_citizen(
    session: Session, case: Case, kind: K, cause: str, extra: dict[str, Any] | None = None
) -> None:
    """The person who asked, in the language they asked in (``cases.language``: the portal's
    page language, the API's ``language``, Open311's ``locale``, the agent's choice, or the
    preference set on 我的诉求)."""
    if not case.contact_phone:
        return
    language = case.language or "zh"
    service.queue_message(
        session,
        kind,
        case.contact_phone,
        values_for(session, case, language=language) | (extra or {}),
        dedupe_key=f"{kind.value}:{case.id}:{cause}",
        case_id=case.id,
        case_number=case.number,
        language=language,
    )


def to_handlers(session: Session, case: Case, kind: K, cause: str, reason: str | None = None) -> None:
    if case.lead_department_id is None:
        return
    values = values_for(session, case, reason)
    for user_id, phone in org.unit_phones(session, case.lead_department_id, Role.HANDLER):
        service.queue_message(
            session,
            kind,
            phone,
            values,
            dedupe_key=f"{kind.value}:{case.id}:{cause}:u{user_id}",
            case_id=case.id,
            case_number=case.number,
            user_id=user_id,
        )


def _on_created(session: Session, *, case: Case, **_: Any) -> None:
    if case.accepted_at is not None and case.kind != APPLICATION:  # staff intake: accepted at once
        to_citizen(session, case, K.ACCEPTED, "e1")


def _local(iso: str | None) -> str | None:
    if not iso:
        return None
    try:
        return clock.to_local(datetime.fromisoformat(iso)).strftime("%Y-%m-%d")
    except ValueError:
        return None


def application_values(
    case: Case, name: str, payload: dict[str, Any] | None, reason: str | None
) -> dict[str, Any]:
    """What an applicant's message says beyond the case: the date to supplement by, the new due
    date, the procedure or the reason (as told in the decision, at most 60 characters)."""
    payload = payload or {}
    out: dict[str, Any] = {"deadline": clock.to_local(case.due_at).strftime("%Y-%m-%d")}
    if name == "case.request_supplement":
        out["deadline"] = _local(payload.get("respond_by")) or out["deadline"]
    told = payload.get("name") if name == "case.start_special" else reason
    out["reason"] = str(told or "")[:60]
    return out


def _on_action(
    session: Session,
    *,
    name: str,
    case: Case,
    reason: str | None = None,
    payload: dict[str, Any] | None = None,
    **_: Any,
) -> None:
    cause = f"e{case.event_count}"
    if case.kind == APPLICATION:
        if name in APPLICATION_EVENTS:
            extra = application_values(case, name, payload, reason)
            to_citizen(session, case, APPLICATION_EVENTS[name], cause, extra)
        return
    if name in CITIZEN_EVENTS:
        to_citizen(session, case, CITIZEN_EVENTS[name], cause)
    if name in HANDLER_EVENTS:
        to_handlers(session, case, HANDLER_EVENTS[name], cause, reason)


def install() -> None:
    panels.add(case_panel.CASE_PANEL)
    citizen.set_phone_resolver(citizens.phone_of)  # the /my account, for other capabilities' pages
    citizen.set_account_resolver(citizens.account_of)
    events.subscribe("case.created", _on_created)
    for name in {*CITIZEN_EVENTS, *HANDLER_EVENTS, *APPLICATION_EVENTS}:
        events.subscribe(name, _on_action)
