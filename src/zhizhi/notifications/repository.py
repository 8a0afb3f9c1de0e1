"""Notifications' SQL: the outbox (queue, claim due messages, record outcomes), templates,
sign-in codes and citizen sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from zhizhi.core import audit
from zhizhi.notifications.enums import MessageStatus
from zhizhi.notifications.models import CitizenSession, LoginCode, MessageTemplate, OutboxMessage

_OUTBOX = cast(Table, OutboxMessage.__table__)


def add_message(session: Session, values: dict[str, Any], entry: dict[str, Any]) -> int | None:
    """One outbox row and its audit entry, in one statement on PostgreSQL
    (:func:`zhizhi.core.audit.insert_once_with_entry`): its id, or ``None`` when its cause
    (``dedupe_key``) was already queued, also by a concurrent transaction — then nothing is written."""
    return audit.insert_once_with_entry(session, _OUTBOX, values, "dedupe_key", entry)


def due(session: Session, now: datetime, limit: int) -> list[OutboxMessage]:
    """Pending messages whose attempt is due, oldest first; locked (others skip them) on PostgreSQL."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.PENDING.value, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(stmt))


def message(session: Session, message_id: int) -> OutboxMessage | None:
    return session.get(OutboxMessage, message_id)


def by_reference(session: Session, reference: str) -> OutboxMessage | None:
    stmt = select(OutboxMessage).where(
        (OutboxMessage.idempotency_key == reference) | (OutboxMessage.provider_id == reference)
    )
    return session.scalars(stmt).first()


def recent(session: Session, limit: int, *, case_id: int | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if case_id is not None:
        stmt = stmt.where(OutboxMessage.case_id == case_id)
    return list(session.scalars(stmt))


def of_phone(session: Session, phone_index: str, limit: int) -> list[OutboxMessage]:
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.phone_index == phone_index)
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def counts(session: Session) -> dict[str, int]:
    stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    return {status: n for status, n in session.execute(stmt).all()}


def templates(session: Session) -> dict[str, MessageTemplate]:
    return {t.kind: t for t in session.scalars(select(MessageTemplate))}


def template(session: Session, kind: str) -> MessageTemplate | None:
    return session.get(MessageTemplate, kind)


def save_template(session: Session, row: MessageTemplate) -> None:
    session.add(row)
    session.flush()


# ---- sign-in codes and sessions -----------------------------------------------------------------


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


def codes_since(session: Session, phone_index: str, since: datetime) -> int:
    stmt = select(func.count()).where(LoginCode.phone_index == phone_index, LoginCode.created_at >= since)
    return int(session.scalar(stmt) or 0)


def latest_code(session: Session, phone_index: str) -> LoginCode | None:
    stmt = (
        select(LoginCode)
        .where(LoginCode.phone_index == phone_index)
        .order_by(LoginCode.created_at.desc(), LoginCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    return session.scalar(stmt)


def retire_codes(session: Session, phone_index: str, now: datetime) -> None:
    """A new code makes the earlier unused ones worthless."""
    session.execute(
        update(LoginCode)
        .where(LoginCode.phone_index == phone_index, LoginCode.used_at.is_(None))
        .values(used_at=now)
    )


def citizen_session(session: Session, token_hash: str) -> CitizenSession | None:
    stmt = select(CitizenSession).where(CitizenSession.token_hash == token_hash)
    return session.scalar(stmt)
