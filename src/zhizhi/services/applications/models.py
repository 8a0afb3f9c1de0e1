"""The satellite of an application case: what the case row does not say (docs/services.md).

``cases`` holds the status, clock (the promised limit), timeline and audit seal; this row holds
the item version the application is judged by, the applicant (encrypted, blind-indexed), the
agent, the form, the materials checklist, the supplement notice of the current round, the legal
deadline, the special procedure under way, the extension, the decision and its delivery."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText
from zhizhi.services.applications.enums import ApplicantType, Decision, Delivery, SubmitChannel


def _in(column: str, values: Any, nullable: bool = False) -> CheckConstraint:
    listed = f"{column} IN ({', '.join(repr(v.value) for v in values)})"
    return CheckConstraint(f"{column} IS NULL OR {listed}" if nullable else listed, name=column)


class Application(Base):
    __tablename__ = "applications"
    __table_args__ = (
        _in("applicant_type", ApplicantType),
        _in("channel", SubmitChannel),
        _in("decision", Decision, nullable=True),
        _in("delivery", Delivery, nullable=True),
        CheckConstraint("extension_days >= 0", name="extension_days"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    number: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)  # the case's number
    item_version_id: Mapped[int] = mapped_column(
        ForeignKey("service_item_versions.id"), nullable=False, index=True
    )
    implementation_code: Mapped[str] = mapped_column(String(31), nullable=False, index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)

    # the applicant (申请人) and agent (代理人): personal data, SM4-GCM at rest, found by blind index
    applicant_type: Mapped[str] = mapped_column(String(12), nullable=False)
    applicant_name: Mapped[str] = mapped_column(EncryptedText("applications.applicant_name"), nullable=False)
    applicant_id: Mapped[str] = mapped_column(EncryptedText("applications.applicant_id"), nullable=False)
    applicant_id_index: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    applicant_phone: Mapped[str | None] = mapped_column(EncryptedText("applications.applicant_phone"))
    applicant_phone_index: Mapped[str | None] = mapped_column(String(32), index=True)
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    agent_name: Mapped[str | None] = mapped_column(EncryptedText("applications.agent_name"))
    agent_id: Mapped[str | None] = mapped_column(EncryptedText("applications.agent_id"))
    agent_id_index: Mapped[str | None] = mapped_column(String(32), index=True)
    # the form as given (JSON object, code → value; it may hold personal data: encrypted)
    form: Mapped[str] = mapped_column(EncryptedText("applications.form"), nullable=False)

    # materials checklist: [{code, name, required, state, attachments: [id…], note}]
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    round: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # submission round (补正 +1)
    # the one-time notice (一次性告知) of the current round: {round, items: [{code, name, problem}],
    # note, at, by}; ``notices`` keeps every round's
    notice: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    notices: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)

    # limits of the version (value + unit as the catalogue gives them) and the legal deadline;
    # the case's own clock runs on the promised limit
    legal_limit: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    promised_limit: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    legal_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    immediate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 即办件

    # special procedure under way: {kind, name, started_at, reason, limit_days}; ``specials`` all
    special: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    specials: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    extension_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    extension_reason: Mapped[str | None] = mapped_column(Text)

    # decision (准予 / 不予) and delivery (送达)
    decision: Mapped[str | None] = mapped_column(String(10))
    decision_basis: Mapped[str | None] = mapped_column(Text)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refusal_basis: Mapped[str | None] = mapped_column(Text)  # 不予受理's legal basis
    certificate_number: Mapped[str | None] = mapped_column(String(80), index=True)
    delivery: Mapped[str | None] = mapped_column(String(12))
    delivery_detail: Mapped[str | None] = mapped_column(String(300))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
