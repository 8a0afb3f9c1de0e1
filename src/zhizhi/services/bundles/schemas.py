"""Bundle request bodies (extra keys refused, no control characters) and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

PartKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
BundleCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_\-]*$")]
FieldCode = Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_.]*$")]
MaterialCode = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]
ApplicantTypeCode = Annotated[str, Field(pattern=r"^[1-69]$")]


def _has_control(value: object) -> bool:
    if isinstance(value, str):
        return any(ord(c) < 32 and c not in "\t\n\r" for c in value)
    if isinstance(value, list):
        return any(_has_control(v) for v in value)
    if isinstance(value, dict):
        return any(_has_control(k) or _has_control(v) for k, v in value.items())
    return False


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_controls(cls, value: object) -> object:
        if _has_control(value):
            raise ValueError("text must not contain control characters")
        return value


class BundleItemIn(In):
    part: PartKey
    item: str = Field(min_length=1, max_length=31)  # implementation code
    optional: bool = False
    depends_on: list[PartKey] = Field(default_factory=list, max_length=20)
    applicant_types: list[ApplicantTypeCode] = Field(default_factory=list, max_length=7)
    condition: str = Field(default="", max_length=300)
    condition_en: str = Field(default="", max_length=400)


class BundleIn(In):
    code: BundleCode
    name: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=160)
    description: str = Field(default="", max_length=4000)
    description_en: str = Field(default="", max_length=4000)
    audience: str = Field(pattern=r"^(personal|legal)$")
    life_event: str | None = Field(default=None, max_length=40)
    lead_department: str = Field(min_length=1, max_length=40)
    items: list[BundleItemIn] = Field(min_length=1, max_length=20)


class ApplicantIn(In):
    type: ApplicantTypeCode
    name: str = Field(min_length=1, max_length=120)  # the person, or the organisation
    id_number: str | None = Field(default=None, max_length=18)  # the person / legal representative
    credit_code: str | None = Field(default=None, max_length=18)  # organisations


class BundleApplicationIn(In):
    applicant: ApplicantIn
    parts: list[PartKey] | None = Field(default=None, max_length=20)  # optional parts applied for
    answers: dict[FieldCode, Annotated[str, Field(max_length=2000)]] = Field(
        default_factory=dict, max_length=200
    )
    materials: list[MaterialCode] = Field(default_factory=list, max_length=200)  # provided by the applicant
    consent: bool = False  # 免提交: the applicant agrees that data is read instead of paper


class PrefillIn(In):
    applicant: ApplicantIn
    consent: bool


# ---- answers ----------------------------------------------------------------------------------


class BundlePartOut(BaseModel):
    part: str
    item: str  # implementation code
    item_name: str
    department: str
    department_name: str
    optional: bool
    depends_on: list[str]
    applicant_types: list[str]
    condition: str
    condition_en: str
    promised_limit: dict[str, int | str] | None = None


class BundleOut(BaseModel):
    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    audience: str
    life_event: str | None
    lead_department: str
    lead_department_name: str
    status: str
    items: list[BundlePartOut]


class BundleList(BaseModel):
    items: list[BundleOut]
    total: int


class FormFieldOut(BaseModel):
    code: str
    label: str
    label_en: str
    type: str
    required: bool
    options: list[str]
    parts: list[str]
    prefillable: bool  # shared data can fill it (免提交, with consent)
    value: str | None = None  # pre-filled from shared data (the prefill answer only)


class FormMaterialOut(BaseModel):
    code: str
    name: str
    required: bool
    source: str
    parts: list[str]
    by_data: bool  # its source is shared data or the certificate library
    provided: dict[str, str] | None = None  # {source, ref} once read (the prefill answer only)


class BundleFormOut(BaseModel):
    bundle: BundleOut
    fields: list[FormFieldOut]
    materials: list[FormMaterialOut]
    fields_total: int  # what separate applications would ask
    materials_total: int


class PartStatusOut(BaseModel):
    part: str
    item_name: str
    department_name: str
    application: str  # the case number of the part's application
    status: str  # the application's case status
    outcome: str
    outcome_reason: str | None
    depends_on: list[str]
    fields_saved: int
    materials_saved: int


class BundleApplicationOut(BaseModel):
    number: str
    bundle: str
    bundle_name: str
    applicant: str  # masked
    applicant_type: str
    state: str
    state_label: dict[str, str]
    message: dict[str, str]  # what the state means for the applicant (which part, what follows)
    consent: bool
    fields_total: int
    fields_asked: int
    fields_prefilled: int
    materials_total: int
    materials_asked: int
    submitted_at: datetime
    parts: list[PartStatusOut]
