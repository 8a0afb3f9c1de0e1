"""Notifications' install hook: subscribe to the case engine's events (``core.events``) and
write the messages each one calls for into the outbox, in the event's own unit of work (the case
action and its messages commit or roll back together). The case engine knows nothing of this.

citizen: 受理 (accepted), 答复 (replied, answered directly), 重办 (reopened, reopened after a
rating review); the lead unit's handlers: 派单 (dispatched, re-dispatched, return refused,
reopened), 督办 (supervised); the SLA warning comes from a periodic task (``tasks.warnings``)."""

from __future__ import annotations

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


def to_citizen(session: Session, case: Case, kind: K, cause: str) -> None:
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
        values_for(session, case, language=language),
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
    if case.accepted_at is not None:  # staff intake: accepted at once
        to_citizen(session, case, K.ACCEPTED, "e1")


def _on_action(session: Session, *, name: str, case: Case, reason: str | None = None, **_: Any) -> None:
    cause = f"e{case.event_count}"
    if name in CITIZEN_EVENTS:
        to_citizen(session, case, CITIZEN_EVENTS[name], cause)
    if name in HANDLER_EVENTS:
        to_handlers(session, case, HANDLER_EVENTS[name], cause, reason)


def install() -> None:
    panels.add(case_panel.CASE_PANEL)
    citizen.set_phone_resolver(citizens.phone_of)  # the /my account, for other capabilities' pages
    citizen.set_account_resolver(citizens.account_of)
    events.subscribe("case.created", _on_created)
    for name in {*CITIZEN_EVENTS, *HANDLER_EVENTS}:
        events.subscribe(name, _on_action)
