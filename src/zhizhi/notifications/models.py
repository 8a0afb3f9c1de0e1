"""Notifications' tables: the outbox, the templates, citizens' sign-in codes and sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText
from zhizhi.notifications.enums import MessageKind, MessageStatus

_KINDS = ", ".join(f"'{k.value}'" for k in MessageKind)
_STATUSES = ", ".join(f"'{s.value}'" for s in MessageStatus)


class OutboxMessage(Base):
    """One text message: written in the unit of work of the case event that caused it, sent by
    the worker (``notifications.deliver``) with retries; never deleted by sending."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KINDS})", name="kind"),
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    # one message per cause: "accepted:case:17:e3" (a retried event never queues it twice)
    dedupe_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    phone: Mapped[str] = mapped_column(EncryptedText("outbox_messages.phone"), nullable=False)
    phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    body: Mapped[str] = mapped_column(EncryptedText("outbox_messages.body"), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    case_number: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # a staff recipient
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_error: Mapped[str | None] = mapped_column(String(300))
    provider_id: Mapped[str | None] = mapped_column(String(80), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MessageTemplate(Base):
    """An administrator's wording of one kind of message (the built-in wording otherwise)."""

    __tablename__ = "message_templates"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    zh: Mapped[str] = mapped_column(Text, nullable=False)
    en: Mapped[str] = mapped_column(Text, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str | None] = mapped_column(String(64))


class LoginCode(Base):
    """A citizen's one-time sign-in code: only a keyed hash is stored; 5 minutes, single use."""

    __tablename__ = "citizen_login_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone_index: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class CitizenSession(Base):
    """A signed-in citizen (cookie ``zz_citizen``): only the token's SHA-256 is stored."""

    __tablename__ = "citizen_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    phone: Mapped[str] = mapped_column(EncryptedText("citizen_sessions.phone"), nullable=False)
    phone_index: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the public account the session was opened with (password sign-in, 0019); None for SMS codes
    user_id: Mapped[int | None] = mapped_column(Integer)
