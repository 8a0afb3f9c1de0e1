"""Certificate API shapes (Pydantic, separate from the ORM models)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from zhizhi.certificates.enums import HolderKind, Outcome, Status, TrustGrade

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
FieldName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
MAX_FIELDS = 30


class HolderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: HolderKind | None = None  # default: the type's holder kind
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=18)]


class IssueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Annotated[str, Field(min_length=1, max_length=40)]
    # no separators of URLs or paths, no blanks: the number travels in links and QR codes
    number: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80, pattern=r"^[^/\\?#%&\s]+$")
    ]
    holder: HolderIn
    valid_from: date
    valid_to: date | None = None  # None: 长期
    jurisdiction: Annotated[str, Field(pattern=r"^\d{12}$")] | None = None  # default: the issuer's
    fields: Annotated[dict[FieldName, Text], Field(max_length=MAX_FIELDS)] = {}
    grade: TrustGrade = TrustGrade.A
    department: Annotated[str, Field(min_length=1, max_length=40)] | None = None  # admins only


class RevokeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]


class LookupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    holder_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=18)]
    types: Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=20)] = []
    purpose: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class HolderOut(BaseModel):
    kind: HolderKind
    name: str
    id: str
    masked: bool


class CertificateOut(BaseModel):
    number: str
    type: str
    type_name: str
    holder: HolderOut
    issuer: dict[str, str]
    jurisdiction: str
    valid_from: date
    valid_to: date | None
    issued_at: datetime
    fields: dict[str, Any]
    grade: TrustGrade
    status: Status
    check_code: str
    key_id: str | None
    signature: str | None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None
    verify_url: str


class ReasonOut(BaseModel):
    code: str
    zh: str
    en: str


class VerificationOut(BaseModel):
    outcome: Outcome
    outcome_label: dict[str, str]
    reasons: list[ReasonOut]
    number: str
    certificate: dict[str, Any] | None  # masked holder data only


class DocumentIn(BaseModel):
    """A certificate document as ``GET …/document`` gives it (the holder's electronic copy)."""

    model_config = ConfigDict(extra="forbid")
    payload: Annotated[dict[str, Any], Field(max_length=20)]
    signature: Annotated[str, Field(max_length=200)] | None = None
    key_id: Annotated[str, Field(max_length=40)] | None = None
