from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.cases.enums import AppealType, CaseKind, CaseStatus, Channel, Rating
from zhizhi.catalogue.enums import LimitUnit, Urgency
from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText


def _in(name: str, values: Any) -> CheckConstraint:
    return CheckConstraint(f"{name} IN ({', '.join(repr(v.value) for v in values)})", name=name)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        _in("kind", CaseKind),
        _in("status", CaseStatus),
        _in("channel", Channel),
        _in("urgency", Urgency),
        _in("limit_unit", LimitUnit),
        CheckConstraint(
            f"appeal_type IS NULL OR appeal_type IN ({', '.join(repr(v.value) for v in AppealType)})",
            name="appeal_type",
        ),
        CheckConstraint(
            f"rating IS NULL OR rating IN ({', '.join(repr(v.value) for v in Rating)})", name="rating"
        ),
        Index("ix_cases_status_due", "status", "due_at"),
        Index("ix_cases_lead_status", "lead_department_id", "status"),
        Index("ix_cases_created_at", "created_at"),
        # 0004: covering indexes for the cockpit's period aggregates and the SLA queues
        Index(
            "ix_cases_cockpit",
            "created_at",
            postgresql_include=[
                "id",
                "status",
                "category_id",
                "lead_department_id",
                "division_code",
                "signed_at",
                "replied_at",
                "rating",
                "resolved",
                "replied_on_time",
                "due_at",
                "clock_stopped_at",
                "rating_excluded",  # 0007
            ],
        ),
        # 0017: the overdue filter as two indexable halves (repository.stats.sla_filter): running
        # clocks past their deadline, and clocks stopped late (the stored ``stopped_late``)
        Index(
            "ix_cases_running_due",
            "due_at",
            postgresql_where=text("clock_stopped_at IS NULL"),
            sqlite_where=text("clock_stopped_at IS NULL"),
        ),
        Index(
            "ix_cases_stopped_late",
            "created_at",
            postgresql_where=text("stopped_late"),
            sqlite_where=text("stopped_late"),
        ),
        Index(
            "ix_cases_sla_queue",
            "status",
            "due_at",
            postgresql_include=[
                "warn_at",
                "clock_stopped_at",
                "created_at",
                "id",
                "lead_department_id",
                "created_by_id",
            ],
        ),
        # 0018: category + channel + status (a category's subtree as constant ids), covering what
        # the search's match list and a unit's scope read: an index-only scan on PostgreSQL
        Index(
            "ix_cases_category_channel_status",
            "category_id",
            "channel",
            "status",
            postgresql_include=["created_at", "id", "lead_department_id", "created_by_id"],
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    appeal_type: Mapped[str | None] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    subject: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    urgency: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)

    # location (属地)
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    address_code: Mapped[str | None] = mapped_column(String(40))
    division_code: Mapped[str | None] = mapped_column(String(12), index=True)
    grid_code: Mapped[str | None] = mapped_column(String(20))
    territorial_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))

    # contact (personal information: masked for roles without personal:read). 0012: stored as
    # SM4-GCM envelopes (plaintext in Python), found through keyed blind indexes (docs/crypto.md)
    contact_name: Mapped[str | None] = mapped_column(EncryptedText("cases.contact_name"))
    contact_phone: Mapped[str | None] = mapped_column(EncryptedText("cases.contact_phone"))
    contact_phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    contact_phone_tail: Mapped[str | None] = mapped_column(String(16), index=True)
    # 0012: subject and content are stored with the phones, ID numbers, bank cards and plates found
    # in them masked; the words as given are kept here, encrypted (JSON {"subject", "content"})
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("cases.personal_text"))
    confidential: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # the language the person asked in (zh | en): their text messages follow it (0018)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="zh", server_default="zh")
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # routing
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    parent_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    # clock and deadline
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clock_started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    clock_stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # 0017: the clock stopped after the deadline (NULL while it runs) — computed by the database
    # from the two columns, so no code path (actions, bulk loads) can leave it out of step; the
    # overdue filter's stopped half reads it through a partial index (docs/workbench.md)
    stopped_late: Mapped[bool | None] = mapped_column(
        Boolean, Computed("clock_stopped_at > due_at", persisted=True)
    )
    limit_amount: Mapped[int] = mapped_column(Integer, nullable=False)
    limit_unit: Mapped[str] = mapped_column(String(16), nullable=False)
    warning_ratio: Mapped[float] = mapped_column(Float, nullable=False)
    extension_amount: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    paused_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    paused_seconds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    warn_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    due_provisional: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status_before_suspend: Mapped[str | None] = mapped_column(String(12))
    pending_extension: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    # outcome
    reply: Mapped[str | None] = mapped_column(Text)
    replied_on_time: Mapped[bool | None] = mapped_column(Boolean)
    rating: Mapped[str | None] = mapped_column(String(20))
    resolved: Mapped[bool | None] = mapped_column(Boolean)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 0007: 差评复核 — due 1 working day after a bad rating; an upheld appeal (申诉成立) keeps the
    # rating on record but leaves it out of every rate
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating_excluded: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=text("false")
    )
    supervision_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    return_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    event_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # timeline length
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CaseUnit(Base):
    """A co-handling unit (协办单位) of a case; the lead unit (主办) is on the case itself."""

    __tablename__ = "case_units"
    __table_args__ = (UniqueConstraint("case_id", "department_id", name="uq_case_units_case_department"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
    )
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 0007: its 协办回复


class CaseEvent(Base):
    """The timeline: one row per action, only ever appended."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_case_events_case_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(80), nullable=False)
    actor_role: Mapped[str | None] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12), nullable=False)
    reason: Mapped[str | None] = mapped_column(Text)  # 0017: masked (phones, IDs, cards, plates)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    # 0017: the staff's words as given where masking changed them, encrypted (JSON {"reason",
    # "reply"}); shown only to readers of personal data, audited (docs/crypto.md)
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("case_events.personal_text"))


class CaseNumberSequence(Base):
    """Per-day counter for citizen-facing numbers (YYYYMMDD + serial), bumped atomically."""

    __tablename__ = "case_number_sequences"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, nullable=False)


class IdempotencyKey(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_keys_scope_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(40), nullable=False)
    key: Mapped[str] = mapped_column(String(200), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class SavedQueue(Base):
    """A user's own named filter of the workbench (a saved search shown as a queue tab)."""

    __tablename__ = "saved_queues"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_queues_user_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(40), nullable=False)
    query: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
