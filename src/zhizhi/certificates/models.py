"""Certificate tables: the certificate library and the departments' SM2 public keys."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText


class Certificate(Base):
    """One electronic certificate (电子证照). What the issuer signs (A grade) is the canonical
    serialisation of the columns ``signing.payload`` names; ``digest`` is its SM3 and the QR's
    check code is the digest's first 16 hex characters. Revoked, never deleted."""

    __tablename__ = "certificates"
    __table_args__ = (
        CheckConstraint("grade IN ('A', 'B', 'C', 'D')", name="grade"),
        CheckConstraint("status IN ('valid', 'revoked')", name="status"),
        CheckConstraint("holder_kind IN ('person', 'organisation')", name="holder_kind"),
        CheckConstraint(
            "(grade = 'A' AND signature IS NOT NULL AND key_id IS NOT NULL) OR "
            "(grade <> 'A' AND signature IS NULL AND key_id IS NULL)",
            name="signed_iff_a",
        ),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="validity"),
        CheckConstraint(
            "(status = 'revoked') = (revoked_at IS NOT NULL AND revoke_reason IS NOT NULL)", name="revoked"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    type: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    holder_kind: Mapped[str] = mapped_column(String(12), nullable=False)
    holder_name: Mapped[str] = mapped_column(String(120), nullable=False)
    holder_id: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    issuer_code: Mapped[str] = mapped_column(String(40), nullable=False)
    issuer_name: Mapped[str] = mapped_column(String(120), nullable=False)
    jurisdiction: Mapped[str] = mapped_column(String(12), nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)  # None: 长期 (no end)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    issued_by: Mapped[str] = mapped_column(String(120), nullable=False)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    grade: Mapped[str] = mapped_column(String(1), nullable=False)
    digest: Mapped[str] = mapped_column(String(64), nullable=False)
    key_id: Mapped[str | None] = mapped_column(String(40))
    signature: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="valid")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("certificates.personal_text"))


class SigningKey(Base):
    """A department's SM2 public key (the private key lives in the key store, never here).
    A department signs with its newest unretired key; retired keys still verify."""

    __tablename__ = "certificate_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    public_key: Mapped[str] = mapped_column(String(128), nullable=False)  # x || y, 128 hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
