"""Notifications' rules: queue a message in the caller's unit of work, deliver due messages
through the notifier port with retries and backoff, record delivery reports, the templates.
One function per use case; flushes, never commits."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock, fieldcrypt, jobs
from zhizhi.core.errors import Forbidden, NotFound, ValidationFailed
from zhizhi.core.masking import mask_phone
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.core.proccache import ProcessCache
from zhizhi.core.settings import get_settings
from zhizhi.notifications import notifier as port
from zhizhi.notifications import repository as repo
from zhizhi.notifications import wording
from zhizhi.notifications.enums import KIND_LABELS, STATUS_LABELS, MessageKind, MessageStatus
from zhizhi.notifications.models import CitizenSession, MessageTemplate, OutboxMessage

log = logging.getLogger("zhizhi.notifications")
# the encrypted columns of notifications' tables, re-encrypted by ``zhizhi keys rotate``
fieldcrypt.register_table("outbox_messages", fieldcrypt.encrypted_columns(OutboxMessage))
fieldcrypt.register_table("citizen_sessions", fieldcrypt.encrypted_columns(CitizenSession))
DELIVER_TASK = "notifications.deliver"
_ENQUEUED = "notifications_deliver_enqueued"
SYSTEM_ACTOR = audit.Actor(None, "system")
MAX_BACKOFF_SECONDS = 3600.0


# the wording of each kind, read once per process: emptied when this process saves a template,
# another process's edit applies here within the TTL (docs/notifications.md, "Templates")
_WORDINGS: ProcessCache[tuple[str, str]] = ProcessCache(
    "message_templates", ttl=30, maxsize=64, watched=(MessageTemplate,)
)


def wording_of(session: Session, kind: str) -> tuple[str, str]:
    """The administrator's wording of ``kind``, or the built-in one."""
    known = _WORDINGS.get(kind)
    if known is None:
        row = repo.template(session, kind)
        known = (row.zh, row.en) if row is not None else wording.DEFAULTS[kind]
        _WORDINGS.put(kind, known)
    return known


def forget_wordings() -> None:
    """Empty this process's wordings (after the templates were changed other than through it)."""
    _WORDINGS.clear()


def queue_message(
    session: Session,
    kind: MessageKind,
    phone: str,
    values: dict[str, Any],
    *,
    dedupe_key: str | None = None,
    case_id: int | None = None,
    case_number: str | None = None,
    user_id: int | None = None,
    language: str = "zh",
) -> int | None:
    """Write one message to the outbox (in the caller's unit of work) and make sure a delivery
    job follows the commit: its id, or ``None`` when the same cause (``dedupe_key``) already
    queued one.
    ``language`` (zh | en): the wording used, the one the person asked in (docs/notifications.md)."""
    zh, en = wording_of(session, kind)
    now = clock.now()
    row = {
        "kind": kind.value,
        "idempotency_key": uuid.uuid4().hex,
        "dedupe_key": dedupe_key,
        "phone": phone,
        "phone_index": fieldcrypt.phone_index(phone),
        "body": wording.render(en if language == "en" else zh, values),
        "case_id": case_id,
        "case_number": case_number,
        "user_id": user_id,
        "status": MessageStatus.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    entry = audit.entry(
        "notification.queue",
        SYSTEM_ACTOR,
        object_type="outbox_message",
        kind=kind.value,
        to=mask_phone(phone),
        case=case_number,
        language="en" if language == "en" else "zh",
    )
    message_id = repo.add_message(session, row, entry)
    if message_id is None:
        return None
    if not session.info.get(_ENQUEUED):
        try:
            jobs.enqueue(session, DELIVER_TASK, queueing_lock=DELIVER_TASK)
        except KeyError:  # a process that did not register the task: the schedule sends it later
            log.warning(
                "task %s is not registered: message %s waits for the schedule", DELIVER_TASK, message_id
            )
        else:
            session.info[_ENQUEUED] = True
    return message_id


def backoff_seconds(attempts: int) -> float:
    """The wait after the ``attempts``-th failed attempt: base · 2^(n-1), at most an hour."""
    base = get_settings().sms_retry_seconds
    return float(min(MAX_BACKOFF_SECONDS, base * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True, slots=True)
class Delivered:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def tried(self) -> int:
        return self.sent + self.retrying + self.failed


def _attempt(message: OutboxMessage, sender: port.Notifier, now: datetime, max_attempts: int) -> str:
    message.attempts += 1
    try:
        provider_id = sender.send(port.Outgoing(message.idempotency_key, message.phone, message.body))
    except port.PermanentFailure as exc:
        message.status, message.last_error = MessageStatus.FAILED.value, str(exc)[:300]
        return "failed"
    except Exception as exc:  # a transient failure, or an adapter's bug: the message waits
        if not isinstance(exc, port.TransientFailure):
            log.exception("notifier %s failed on message %s", type(sender).__name__, message.id)
        message.last_error = (str(exc) or type(exc).__name__)[:300]
        if message.attempts >= max_attempts:
            message.status = MessageStatus.FAILED.value
            return "failed"
        message.next_attempt_at = now + timedelta(seconds=backoff_seconds(message.attempts))
        return "retrying"
    message.status, message.sent_at, message.last_error = MessageStatus.SENT.value, now, None
    message.provider_id = provider_id
    return "sent"


def deliver_due(session: Session, *, limit: int = 100, sender: port.Notifier | None = None) -> Delivered:
    """Send the due pending messages (at most ``limit``) through the notifier; each outcome is
    stored (sent, waiting for its next attempt with exponential backoff, or failed for good)."""
    sender = sender or port.current()
    now = clock.now()
    max_attempts = get_settings().sms_max_attempts
    outcome = {"sent": 0, "retrying": 0, "failed": 0}
    for message in repo.due(session, now, limit):
        result = _attempt(message, sender, now, max_attempts)
        outcome[result] += 1
        if result != "sent":
            audit.record(
                session,
                f"notification.{result}",
                SYSTEM_ACTOR,
                object_type="outbox_message",
                object_id=message.id,
                attempts=message.attempts,
                error=message.last_error,
            )
    session.flush()
    if outcome["sent"]:
        audit.record(session, "notification.sent", SYSTEM_ACTOR, object_type="outbox", count=outcome["sent"])
    return Delivered(**outcome)


def record_delivery_report(session: Session, reference: str, status: str, error: str | None = None) -> str:
    """The gateway's delivery report (``delivered`` or ``failed``) for the message it names by our
    idempotency key or its own id; repeating a report changes nothing."""
    if status not in (MessageStatus.DELIVERED.value, MessageStatus.FAILED.value):
        raise ValidationFailed(
            "状态只能是 delivered 或 failed", "status must be delivered or failed", field="status"
        )
    message = repo.by_reference(session, reference)
    if message is None:
        raise NotFound("没有这条短信", "no such message", field="reference")
    if message.status != status:
        message.status = status
        if status == MessageStatus.DELIVERED.value:
            message.delivered_at = clock.now()
        else:
            message.last_error = (error or "delivery failed")[:300]
        session.flush()
        audit.record(
            session,
            "notification.report",
            audit.Actor(None, "sms-gateway"),
            object_type="outbox_message",
            object_id=message.id,
            status=status,
        )
    return message.status


# ---- reading the outbox and the templates (administration, demo) --------------------------------


@dataclass(frozen=True, slots=True)
class MessageView:
    id: int
    kind: tuple[str, str]
    status: str
    status_label: tuple[str, str]
    to: str | None
    body: str
    case_number: str | None
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _view(message: OutboxMessage, *, reveal_body: bool) -> MessageView:
    body = message.body
    if message.kind == MessageKind.LOGIN_CODE and not reveal_body:
        body = "【12345】…（验证码已隐藏 code hidden）"
    return MessageView(
        message.id,
        KIND_LABELS[message.kind],
        message.status,
        STATUS_LABELS[message.status],
        mask_phone(message.phone),
        body,
        message.case_number,
        message.attempts,
        message.last_error,
        message.created_at,
        message.sent_at,
    )


def outbox(session: Session, limit: int = 50) -> tuple[list[MessageView], dict[str, int]]:
    """The newest messages (phones masked, sign-in codes hidden) and the count per status: the
    administration hub's outbox section (administrators only)."""
    rows = repo.recent(session, limit)
    return [_view(m, reveal_body=False) for m in rows], repo.counts(session)


def messages_to(session: Session, phone: str, limit: int = 20) -> list[MessageView]:
    """The messages sent to a signed-in citizen's own phone (their own data: codes shown)."""
    index = fieldcrypt.phone_index(phone)
    return [_view(m, reveal_body=True) for m in repo.of_phone(session, index or "", limit)]


def messages_of_case(session: Session, case_id: int, limit: int = 30) -> list[MessageView]:
    """A case's messages for the workbench (phones masked, no sign-in codes: those have no case)."""
    return [_view(m, reveal_body=False) for m in repo.recent(session, limit, case_id=case_id)]


@dataclass(frozen=True, slots=True)
class TemplateView:
    kind: str
    label: tuple[str, str]
    zh: str
    en: str
    placeholders: list[str]
    customised: bool


def templates(session: Session) -> list[TemplateView]:
    saved = repo.templates(session)
    out = []
    for kind, (zh, en) in wording.DEFAULTS.items():
        row = saved.get(kind)
        out.append(
            TemplateView(
                kind,
                KIND_LABELS[kind],
                row.zh if row else zh,
                row.en if row else en,
                sorted(wording.PLACEHOLDERS[kind]),
                row is not None,
            )
        )
    return out


def save_template(session: Session, principal: Principal, kind: str, zh: str, en: str) -> None:
    """An administrator's wording of one kind (validated: placeholders known, braces balanced,
    length); audited with the old and the new wording."""
    if not principal.can(Permission.ORG_MANAGE):
        raise Forbidden("仅系统管理员可修改短信模板", "only administrators may change message templates")
    zh, en = wording.check(kind, zh, en)
    row = repo.template(session, kind)
    before = (row.zh, row.en) if row is not None else wording.DEFAULTS[kind]
    if row is None:
        row = MessageTemplate(kind=kind, zh=zh, en=en, updated_at=clock.now(), updated_by=principal.username)
    else:
        row.zh, row.en, row.updated_at, row.updated_by = zh, en, clock.now(), principal.username
    repo.save_template(session, row)
    audit.record(
        session,
        "notification.template",
        principal.actor,
        object_type="message_template",
        object_id=kind,
        before={"zh": before[0], "en": before[1]},
        after={"zh": zh, "en": en},
    )
