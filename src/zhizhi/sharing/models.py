"""Data sharing tables: the catalogue, requests, grants, clients, the exchange log, and the demo
provider tables the table adapter serves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText
from zhizhi.sharing.enums import AdapterKind, Grade, MaskKind, Outcome, Personal, RequestStatus, ShareType


def _in(column: str, enum: Any) -> str:
    return f"{column} IN ({', '.join(repr(e.value) for e in enum)})"


class Resource(Base):
    """A data resource of the catalogue (政务数据资源目录), owned by one department."""

    __tablename__ = "sharing_resources"
    __table_args__ = (
        CheckConstraint(_in("share_type", ShareType), name="share_type"),
        CheckConstraint(_in("adapter", AdapterKind), name="adapter"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    owner_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    share_type: Mapped[str] = mapped_column(String(16), nullable=False)
    source_system: Mapped[str] = mapped_column(String(120), nullable=False)
    update_cycle: Mapped[str] = mapped_column(String(16), nullable=False)
    adapter: Mapped[str] = mapped_column(String(8), nullable=False, default=AdapterKind.TABLE.value)
    adapter_target: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    key_field: Mapped[str] = mapped_column(String(60), nullable=False)
    subject_field: Mapped[str | None] = mapped_column(String(60))  # the data subject's ID number
    keywords: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ResourceField(Base):
    """A data item of a resource, with its grade; ``data_item`` names the item city-wide, and one
    ``authoritative`` field per item is its one source (一数一源)."""

    __tablename__ = "sharing_fields"
    __table_args__ = (
        UniqueConstraint("resource_id", "name", name="uq_sharing_fields_resource_name"),
        CheckConstraint(_in("grade", Grade), name="grade"),
        CheckConstraint(_in("personal", Personal), name="personal"),
        CheckConstraint(_in("mask", MaskKind), name="mask"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("sharing_resources.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    name: Mapped[str] = mapped_column(String(60), nullable=False)
    label: Mapped[str] = mapped_column(String(120), nullable=False)
    grade: Mapped[str] = mapped_column(String(12), nullable=False)
    personal: Mapped[str] = mapped_column(String(12), nullable=False)
    mask: Mapped[str] = mapped_column(String(12), nullable=False, default=MaskKind.NONE.value)
    data_item: Mapped[str | None] = mapped_column(String(80), index=True)
    authoritative: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class ShareRequest(Base):
    """A department's request for a resource: purpose, fields, period, legal basis."""

    __tablename__ = "sharing_requests"
    __table_args__ = (
        CheckConstraint(_in("status", RequestStatus), name="status"),
        CheckConstraint("period_end >= period_start", name="period"),
        Index("ix_sharing_requests_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    resource_id: Mapped[int] = mapped_column(ForeignKey("sharing_resources.id"), nullable=False, index=True)
    consumer_department_id: Mapped[int] = mapped_column(
        ForeignKey("departments.id"), nullable=False, index=True
    )
    owner_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    purpose_detail: Mapped[str] = mapped_column(String(500), nullable=False)
    legal_basis: Mapped[str] = mapped_column(String(500), nullable=False)
    fields: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    requested_by: Mapped[str] = mapped_column(String(120), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    due_date: Mapped[date | None] = mapped_column(Date)  # conditional requests only
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(String(500))
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("sharing_requests.personal_text"))


class Grant(Base):
    """What a consumer department may read: fields of one resource, for one purpose, until
    ``expires_at``; revoked by the owner with a reason."""

    __tablename__ = "sharing_grants"
    __table_args__ = (Index("ix_sharing_grants_lookup", "resource_id", "consumer_department_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("sharing_requests.id"), nullable=False, unique=True)
    resource_id: Mapped[int] = mapped_column(ForeignKey("sharing_resources.id"), nullable=False)
    consumer_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    fields: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    plain_fields: Mapped[list[str]] = mapped_column(JSONType, nullable=False)  # approved unmasked
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(120))
    revoke_reason: Mapped[str | None] = mapped_column(String(500))
    personal_text: Mapped[str | None] = mapped_column(EncryptedText("sharing_grants.personal_text"))


class Client(Base):
    """A consuming system of a department (OAuth2 client); only the secret's argon2 hash is kept."""

    __tablename__ = "sharing_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    secret_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    secret_rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_by: Mapped[str | None] = mapped_column(String(120))
    # SHA-256 of the client certificate (DER, lower-case hex) a mutual-TLS proxy must have verified
    cert_sha256: Mapped[str | None] = mapped_column(String(64))


class AccessToken(Base):
    """A short-lived bearer issued to a client (RFC 6749 §4.4); only its SHA-256 digest is kept."""

    __tablename__ = "sharing_access_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    client_pk: Mapped[int] = mapped_column(ForeignKey("sharing_clients.id"), nullable=False, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class ExchangeLog(Base):
    """One exchange call, served or refused (X-Road style): who, for what, under which grant,
    which record and fields. The record key is kept masked; the data subject only as a keyed
    digest of their ID number, so the person's view can find it and nobody can read it back."""

    __tablename__ = "sharing_exchange_log"
    __table_args__ = (
        CheckConstraint(_in("outcome", Outcome), name="outcome"),
        Index("ix_sharing_exchange_log_owner_at", "owner_department_id", "at"),
        Index("ix_sharing_exchange_log_client_at", "client_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    client_id: Mapped[str] = mapped_column(String(64), nullable=False)
    consumer_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False)
    owner_department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    resource_code: Mapped[str] = mapped_column(String(40), nullable=False)
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("sharing_grants.id"))
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    record_key: Mapped[str] = mapped_column(String(80), nullable=False)  # masked
    subject_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    fields: Mapped[list[str]] = mapped_column(JSONType, nullable=False)
    outcome: Mapped[str] = mapped_column(String(10), nullable=False)
    reason: Mapped[str | None] = mapped_column(String(40))


class Subject(Base):
    """A member of the public whose identity was verified (实名认证): the keyed digest of their ID
    number, so they can see which departments read data about them."""

    __tablename__ = "sharing_subjects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, unique=True)
    subject_digest: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    id_number_masked: Mapped[str] = mapped_column(String(24), nullable=False)


# ---- demo provider tables (served by the table adapter) ----------------------------------
# 0017: personal columns are SM4-GCM envelopes (EncryptedText, plaintext in Python); a row looked
# up by an ID number has its keyed blind index (``<column>_index``, HMAC-SM3), docs/crypto.md.
# A surrogate ``id`` orders the batches of key rotation.


class Person(Base):
    """人口库 (public security's household register), demo provider table."""

    __tablename__ = "provider_population"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(EncryptedText("provider_population.id_number"), nullable=False)
    id_number_index: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(EncryptedText("provider_population.name"), nullable=False)
    gender: Mapped[str] = mapped_column(String(2), nullable=False)
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    ethnicity: Mapped[str] = mapped_column(String(10), nullable=False)
    household_address: Mapped[str] = mapped_column(
        EncryptedText("provider_population.household_address"), nullable=False
    )
    phone: Mapped[str | None] = mapped_column(EncryptedText("provider_population.phone"))


class BusinessLicence(Base):
    """营业执照 (market regulation), demo provider table."""

    __tablename__ = "provider_business_licences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    legal_representative: Mapped[str] = mapped_column(
        EncryptedText("provider_business_licences.legal_representative"), nullable=False
    )
    legal_representative_id: Mapped[str] = mapped_column(
        EncryptedText("provider_business_licences.legal_representative_id"), nullable=False
    )
    registered_capital: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    established: Mapped[date] = mapped_column(Date, nullable=False)
    address: Mapped[str] = mapped_column(String(200), nullable=False)
    business_scope: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)


class SocialSecurity(Base):
    """社保参保 (human resources and social security), demo provider table."""

    __tablename__ = "provider_social_security"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(
        EncryptedText("provider_social_security.id_number"), nullable=False
    )
    id_number_index: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(EncryptedText("provider_social_security.name"), nullable=False)
    employer: Mapped[str] = mapped_column(String(120), nullable=False)
    insurance_status: Mapped[str] = mapped_column(String(10), nullable=False)
    insured_since: Mapped[date] = mapped_column(Date, nullable=False)
    months_paid: Mapped[int] = mapped_column(Integer, nullable=False)
    contribution_base: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)


class Property(Base):
    """不动产登记 (natural resources and planning), demo provider table."""

    __tablename__ = "provider_property"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_no: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    owner_id_number: Mapped[str] = mapped_column(
        EncryptedText("provider_property.owner_id_number"), nullable=False
    )
    owner_id_number_index: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    owner_name: Mapped[str] = mapped_column(EncryptedText("provider_property.owner_name"), nullable=False)
    address: Mapped[str] = mapped_column(String(200), nullable=False)
    area_m2: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    use: Mapped[str] = mapped_column(String(20), nullable=False)
    registered_on: Mapped[date] = mapped_column(Date, nullable=False)
    mortgaged: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
