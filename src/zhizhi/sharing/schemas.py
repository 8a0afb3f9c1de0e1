"""Data sharing API shapes (Pydantic, separate from the ORM models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhizhi.sharing.enums import (
    AdapterKind,
    Grade,
    MaskKind,
    Personal,
    Purpose,
    RequestStatus,
    ShareType,
    UpdateCycle,
)


class In(BaseModel):
    """A request body: unknown keys refused, blanks stripped, and no NUL or other C0 control
    character in any text (PostgreSQL refuses NUL; none of these fields needs a control)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_controls(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        for text in texts:
            if isinstance(text, str) and any(ord(c) < 32 and c not in "\t\n\r" for c in text):
                raise ValueError("text must not contain control characters")
        return value


Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]
FieldName = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
Text500 = Annotated[str, Field(min_length=1, max_length=500)]


class FieldIn(In):
    name: FieldName
    label: Annotated[str, Field(min_length=1, max_length=120)]
    grade: Grade = Grade.GENERAL
    personal: Personal = Personal.NONE
    mask: MaskKind = MaskKind.NONE
    data_item: Annotated[str, Field(max_length=80)] | None = None
    authoritative: bool = False


class ResourceIn(In):
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=120)]
    description: Annotated[str, Field(max_length=2000)] = ""
    owner: Code  # the owning department's code
    share_type: ShareType
    source_system: Annotated[str, Field(min_length=1, max_length=120)]
    update_cycle: UpdateCycle
    adapter: AdapterKind = AdapterKind.TABLE
    adapter_target: Annotated[str, Field(max_length=300)] = ""
    key_field: FieldName
    subject_field: FieldName | None = None
    keywords: Annotated[str, Field(max_length=300)] = ""
    fields: Annotated[list[FieldIn], Field(min_length=1, max_length=100)]


class FieldOut(BaseModel):
    name: str
    label: str
    grade: str
    personal: str
    mask: str
    data_item: str | None
    authoritative: bool


class ResourceOut(BaseModel):
    code: str
    name: str
    description: str
    owner: str
    owner_name: str
    share_type: str
    source_system: str
    update_cycle: str
    adapter: str
    adapter_target: str
    key_field: str
    subject_field: str | None
    keywords: str
    updated_at: datetime
    fields: list[FieldOut]


class ConflictOut(BaseModel):
    """一数一源: a data item claimed as authoritative by more than one resource."""

    data_item: str
    sources: list[str]  # "RESOURCE.field"


class RequestIn(In):
    resource: Code
    purpose: Purpose
    purpose_detail: Text500
    legal_basis: Text500
    fields: Annotated[list[FieldName], Field(min_length=1, max_length=100)]
    period_start: date
    period_end: date


class DecisionIn(In):
    approve: bool
    reason: Annotated[str, Field(max_length=500)] = ""
    plain_fields: Annotated[list[FieldName], Field(max_length=100)] = []


class RevokeIn(In):
    reason: Text500


class RequestOut(BaseModel):
    number: str
    resource: str
    resource_name: str
    consumer: str
    consumer_name: str
    owner: str
    owner_name: str
    purpose: str
    purpose_detail: str
    legal_basis: str
    fields: list[str]
    period_start: date
    period_end: date
    status: RequestStatus
    submitted_at: datetime
    due_date: date | None
    due_state: str | None
    decided_at: datetime | None
    decided_by: str | None
    reason: str | None
    grant_id: int | None


class GrantOut(BaseModel):
    id: int
    request: str
    resource: str
    consumer: str
    consumer_name: str
    purpose: str
    fields: list[str]
    plain_fields: list[str]
    valid_from: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    state: str  # active / expired / revoked


class ClientIn(In):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    department: Code


class ClientOut(BaseModel):
    client_id: str
    client_secret: str  # shown once
    name: str
    department: str


class ClientView(BaseModel):
    """A consuming system as its department's steward sees it (never the secret)."""

    client_id: str
    name: str
    department: str
    department_name: str
    state: str  # active / retired
    created_at: datetime
    secret_rotated_at: datetime | None
    retired_at: datetime | None
    retired_by: str | None
    cert_sha256: str | None
    last_call_at: datetime | None


class SecretOut(BaseModel):
    client_id: str
    client_secret: str  # shown once


class CertificateIn(In):
    """The SHA-256 fingerprint of the client certificate (hex, colons allowed); null unbinds."""

    fingerprint: Annotated[str | None, Field(max_length=100)] = None


class ReadOut(BaseModel):
    """One line of an exchange log as the owner or the data subject sees it."""

    at: datetime
    consumer: str
    consumer_name: str
    owner: str | None
    resource: str
    purpose: str
    record_key: str  # masked
    fields: list[str]
    outcome: str
    reason: str | None
    client_id: str | None = None
    grant_id: int | None = None


class SubjectIn(In):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    id_number: Annotated[str, Field(pattern=r"^\d{17}[\dXx]$")]
