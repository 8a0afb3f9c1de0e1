"""Shapes of service items: what stewards send (Pydantic, ``extra="forbid"``), what the API
answers, and the frozen views other packages receive from ``service`` (``ItemVersionView``).

The views are plain frozen dataclasses, detached from the session: applications, bundles and
prefill read a version through them and never see the tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from zhizhi.services.items.enums import (
    APPLY_ONLINE_FROM,
    ApplicantType,
    Audience,
    CaseType,
    FieldType,
    HandlingForm,
    ItemType,
    LifeEvent,
    LimitUnit,
    MaterialForm,
    ResultType,
    SourceKind,
    SpecialProcedure,
    VersionStatus,
)

Short = Annotated[str, Field(max_length=200)]
Long = Annotated[str, Field(max_length=4000)]
MAX_MATERIALS = 60
MAX_FIELDS = 80


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LimitIn(_In):
    value: Annotated[int, Field(ge=0, le=2000)]
    unit: LimitUnit = LimitUnit.WORKING_DAY


class SpecialProcedureIn(_In):
    kind: SpecialProcedure
    name: Short = ""
    limit: LimitIn | None = None  # its own time (not counted in the item's limit)
    basis: Annotated[str, Field(max_length=500)] = ""


class FeeIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    standard: Annotated[str, Field(max_length=300)] = ""
    basis: Annotated[str, Field(max_length=500)] = ""


class StepIn(_In):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    description: Annotated[str, Field(max_length=1000)] = ""


class FaqIn(_In):
    question: Annotated[str, Field(min_length=1, max_length=300)]
    answer: Annotated[str, Field(min_length=1, max_length=2000)]


class MaterialIn(_In):
    code: Annotated[str, Field(min_length=1, max_length=40)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    form: MaterialForm = MaterialForm.PAPER
    required: bool = True
    source: Annotated[str, Field(max_length=80)] = SourceKind.APPLICANT.value
    original: bool = False
    copies: Annotated[int, Field(ge=0, le=20)] = 0
    blank_form: Annotated[str, Field(max_length=300)] = ""
    sample: Annotated[str, Field(max_length=300)] = ""
    acceptance_standard: Annotated[str, Field(max_length=2000)] = ""
    basis: Annotated[str, Field(max_length=500)] = ""
    note: Annotated[str, Field(max_length=500)] = ""


class FieldIn(_In):
    code: Annotated[str, Field(min_length=1, max_length=60)]
    label: Annotated[str, Field(min_length=1, max_length=120)]
    label_en: Annotated[str, Field(max_length=160)] = ""
    type: FieldType = FieldType.TEXT
    required: bool = True
    options: Annotated[list[Annotated[str, Field(min_length=1, max_length=60)]], Field(max_length=40)] = []


class ItemIn(_In):
    """A new item, or a new draft of one (every element of the implementation list)."""

    basic_code: Annotated[str, Field(min_length=1, max_length=12)]
    implementation_code: Annotated[str, Field(min_length=1, max_length=31)]
    name: Annotated[str, Field(min_length=2, max_length=200)]
    type: ItemType
    level: Annotated[int, Field(ge=1, le=6)]
    department: Annotated[str, Field(min_length=1, max_length=40)]  # org department code
    applicant_types: Annotated[list[ApplicantType], Field(min_length=1, max_length=7)]
    audiences: Annotated[list[Audience], Field(min_length=1, max_length=2)]
    life_events: Annotated[list[LifeEvent], Field(max_length=6)] = []
    acceptance_conditions: Long = ""
    legal_basis: Long = ""
    case_type: CaseType = CaseType.PROMISED
    legal_limit: LimitIn
    promised_limit: LimitIn
    handling_forms: Annotated[list[HandlingForm], Field(min_length=1, max_length=3)]
    visits: Annotated[int, Field(ge=0, le=10)] = 1
    special_procedures: Annotated[list[SpecialProcedureIn], Field(max_length=10)] = []
    fees: Annotated[list[FeeIn], Field(max_length=20)] = []
    process: Annotated[list[StepIn], Field(max_length=20)] = []
    place: Annotated[str, Field(max_length=1000)] = ""
    hours: Annotated[str, Field(max_length=300)] = ""
    consultation: Annotated[str, Field(max_length=300)] = ""
    complaint: Annotated[str, Field(max_length=300)] = ""
    online_depth: Annotated[int, Field(ge=1, le=7)] = 1
    result_type: ResultType = ResultType.OTHER
    result_name: Short = ""
    result_certificate_type: Annotated[str, Field(max_length=60)] | None = None
    faq: Annotated[list[FaqIn], Field(max_length=30)] = []
    materials: Annotated[list[MaterialIn], Field(max_length=MAX_MATERIALS)] = []
    fields: Annotated[list[FieldIn], Field(max_length=MAX_FIELDS)] = []
    note: Annotated[str, Field(max_length=500)] = ""


class RetireIn(_In):
    reason: Annotated[str, Field(min_length=2, max_length=500)]


# --- views handed to other packages (frozen, detached from the session) -------------------


@dataclass(frozen=True, slots=True)
class LimitView:
    value: int
    unit: str  # LimitUnit value

    def as_dict(self) -> dict[str, int | str]:
        return {"value": self.value, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class DepartmentView:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class SpecialProcedureView:
    kind: str  # SpecialProcedure value
    name: str
    limit: LimitView | None
    basis: str


@dataclass(frozen=True, slots=True)
class FeeView:
    name: str
    standard: str
    basis: str


@dataclass(frozen=True, slots=True)
class StepView:
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class FaqView:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class ResultView:
    type: str  # ResultType value
    name: str
    certificate_type: str | None  # certificates' type code when the result is an e-certificate

    @property
    def is_certificate(self) -> bool:
        return self.certificate_type is not None


@dataclass(frozen=True, slots=True)
class MaterialView:
    code: str  # canonical across items: bundles deduplicate by it
    name: str
    form: str  # MaterialForm value
    required: bool
    source: str  # applicant | issued | shared:<resource code> | certificate:<type code>
    source_kind: str  # SourceKind value
    source_code: str | None  # the resource or certificate type code
    original: bool
    copies: int
    blank_form: str
    sample: str
    acceptance_standard: str
    basis: str
    note: str


@dataclass(frozen=True, slots=True)
class FieldView:
    code: str  # canonical across items: bundles ask each code once
    label: str
    label_en: str
    type: str  # FieldType value
    required: bool
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ItemVersionView:
    """One version of an item with every element; what applications are judged by."""

    id: int
    item_id: int
    version: int
    status: str  # VersionStatus value
    implementation_code: str
    basic_code: str
    name: str
    type: str  # ItemType value
    level: int
    department: DepartmentView
    applicant_types: tuple[str, ...]
    audiences: tuple[str, ...]
    life_events: tuple[str, ...]
    acceptance_conditions: str
    legal_basis: str
    case_type: str  # CaseType value
    legal_limit: LimitView
    promised_limit: LimitView
    handling_forms: tuple[str, ...]
    visits: int
    special_procedures: tuple[SpecialProcedureView, ...]
    fees: tuple[FeeView, ...]
    process: tuple[StepView, ...]
    place: str
    hours: str
    consultation: str
    complaint: str
    online_depth: int
    result: ResultView
    faq: tuple[FaqView, ...]
    materials: tuple[MaterialView, ...]
    fields: tuple[FieldView, ...]
    note: str
    created_at: datetime
    published_at: datetime | None

    @property
    def is_immediate(self) -> bool:
        return self.case_type == CaseType.IMMEDIATE.value

    @property
    def accepts_applications(self) -> bool:
        return self.status == VersionStatus.PUBLISHED.value

    @property
    def applies_online(self) -> bool:
        """The guide's "apply online" entry: handled online from 网上收件 on."""
        return HandlingForm.ONLINE.value in self.handling_forms and self.online_depth >= APPLY_ONLINE_FROM


# --- API answers -----------------------------------------------------------------------------


class LimitOut(BaseModel):
    value: int
    unit: LimitUnit


class DepartmentOut(BaseModel):
    code: str
    name: str


class MaterialOut(BaseModel):
    code: str
    name: str
    form: str
    required: bool
    source: str
    original: bool
    copies: int
    blank_form: str
    sample: str
    acceptance_standard: str
    basis: str


class FieldOut(BaseModel):
    code: str
    label: str
    label_en: str
    type: str
    required: bool
    options: list[str]


class ItemOut(BaseModel):
    basic_code: str
    implementation_code: str
    name: str
    type: str
    type_name: str
    level: int
    department: DepartmentOut
    status: str
    version: int
    version_id: int
    case_type: str
    legal_limit: LimitOut
    promised_limit: LimitOut
    online_depth: int
    handling_forms: list[str]
    visits: int
    audiences: list[str]
    life_events: list[str]
    applies_online: bool
    result_certificate_type: str | None
    materials: list[MaterialOut]


class ItemDetailOut(ItemOut):
    applicant_types: list[str]
    acceptance_conditions: str
    legal_basis: str
    special_procedures: list[dict[str, object]]
    fees: list[dict[str, str]]
    process: list[dict[str, str]]
    place: str
    hours: str
    consultation: str
    complaint: str
    result_type: str
    result_name: str
    faq: list[dict[str, str]]
    fields: list[FieldOut]
    published_at: datetime | None


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    page: int
    page_size: int
