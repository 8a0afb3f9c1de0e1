"""Core's tables: the audit chain (``audit_log``, ``audit_inbox``, ``audit_head``) and the
working-day calendar (``calendar_days``).  Their SQL is in :mod:`zhizhi.core.repository`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import BigInteger, Boolean, Date, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    action: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    # 0011: the id of the HMAC-SM3 key in the key file (core.auditkey); NULL: a legacy SM3 entry
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditInbox(Base):
    """Committed entries not yet chained (PostgreSQL only; see :mod:`zhizhi.core.audit`)."""

    __tablename__ = "audit_inbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)


class AuditHead(Base):
    """Single row (id=1, created by the migration): the newest sequence number and hash.

    Locking it (``SELECT … FOR UPDATE``; SQLite's write lock) serialises chaining."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


# Core tables for the statements the hot paths run (no unit-of-work flush)
ENTRIES, INBOX, HEAD = (cast(Table, m.__table__) for m in (AuditEntry, AuditInbox, AuditHead))


class CalendarDay(Base):
    """One day of a published year (工作日历): working day or not, and why (春节, 调休上班 …)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean, nullable=False)
    name: Mapped[str | None] = mapped_column(String(40))  # 春节, 调休上班 …
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="chinese_calendar")
