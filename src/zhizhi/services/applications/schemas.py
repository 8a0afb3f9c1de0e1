"""Application bodies: what an applicant submits, the lifecycle's action bodies (the case action
API's JSON, chosen by ``action``), and the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from zhizhi.cases.schemas import ActionBody, Widget
from zhizhi.services.applications.enums import ApplicantType, Delivery, SubmitChannel

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
IdValue = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=20)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2000)]
Basis = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]
FormValue = Annotated[str, Field(max_length=2000)] | int | float | bool | None


class ApplicantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: ApplicantType
    name: Name
    id_number: IdValue  # 公民身份号码 (自然人) or 统一社会信用代码 (法人)
    phone: Phone | None = None


class AgentIn(BaseModel):
    """代理人: a natural person acting for the applicant (委托书 among the materials)."""

    model_config = ConfigDict(extra="forbid")
    name: Name
    id_number: IdValue
    phone: Phone | None = None


class MaterialIn(BaseModel):
    """A material given without a file: a paper original checked at a window (``received``)."""

    model_config = ConfigDict(extra="forbid")
    code: Code
    received: bool = True
    note: Annotated[str, Field(max_length=300)] | None = None


class ApplicationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    applicant: ApplicantIn
    agent: AgentIn | None = None
    form: Annotated[dict[Code, FormValue], Field(max_length=100)] = {}
    materials: Annotated[list[MaterialIn], Field(max_length=60)] = []
    channel: SubmitChannel = SubmitChannel.ONLINE
    # the applicant's language (zh | en): their text messages follow it (cases.language)
    language: Literal["zh", "en"] = "zh"
    consent: bool = False  # 免提交: the applicant agrees that data is read instead of paper


class PrefillIn(BaseModel):
    """Ask what data provides for an application (免提交), before submitting it."""

    model_config = ConfigDict(extra="forbid")
    item: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    applicant: ApplicantIn
    consent: bool = False


class PrefillOut(BaseModel):
    item: str
    fields: dict[str, str]  # field code -> value read from shared data (confirm before submitting)
    materials: dict[str, dict[str, str]]  # material code -> {name, source, ref}: not asked for
    missing: dict[str, dict[str, str]]  # material code -> {name, reason}: still asked
    fields_total: int
    materials_total: int


# ---- action bodies (the case action API: POST /api/v1/cases/{number}/actions) ----------------

Note = Annotated[Annotated[str, Field(max_length=2000)] | None, Widget()]
CertificateFields = Annotated[dict[Code, Annotated[str, Field(max_length=500)]], Field(max_length=40)]
Materials = Annotated[list[MaterialIn], Field(max_length=60)]
Form = Annotated[dict[Code, FormValue], Field(max_length=100)]
Required = Annotated[Reason, Widget()]
LegalBasis = Annotated[Basis, Widget("text")]


class Accept(ActionBody):
    """受理: the materials are complete; the promised clock starts the working day after."""

    action: Literal["accept"]
    note: Note = None


class DecideAtAcceptance(ActionBody):
    """即办件: accepted and approved on the spot."""

    action: Literal["decide_at_acceptance"]
    opinion: Note = None
    certificate_fields: CertificateFields = Field(default_factory=dict)
    valid_to: date | None = None


class RefuseAcceptance(ActionBody):
    """不予受理: the reasons and the legal basis are required (行政许可法 art. 32)."""

    action: Literal["refuse_acceptance"]
    reason: Required
    legal_basis: LegalBasis


class SupplementItem(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: Code  # a material code of the version, or a form field code
    problem: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]


class RequestSupplement(ActionBody):
    """补正告知: ONE notice listing everything missing or wrong (一次性告知)."""

    action: Literal["request_supplement"]
    items: Annotated[list[SupplementItem], Field(min_length=1, max_length=60)]
    note: Note = None
    # the applicant is told to supplement within this many working days (the SMS and the notice
    # give the date)
    respond_days: Annotated[int, Field(ge=1, le=60)] = 15


class Supplement(ActionBody):
    """The applicant's answer to the notice: materials (files through the applications API, or
    paper originals received at a window) and corrected form values."""

    action: Literal["supplement"]
    materials: Materials = Field(default_factory=list)
    form: Form = Field(default_factory=dict)
    note: Note = None


class Examine(ActionBody):
    action: Literal["examine"]
    note: Note = None


class StartSpecial(ActionBody):
    """特别程序 (听证, 检验检测, 专家评审…): the clock stops, the applicant is told (art. 45)."""

    action: Literal["start_special"]
    procedure: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40)]
    reason: Required
    expected_days: Annotated[int, Field(ge=1, le=365)] | None = None


class EndSpecial(ActionBody):
    action: Literal["end_special"]
    result: Required


class Extend(ActionBody):
    """延长期限 (art. 42): by the head of the department, once, the reason told to the applicant."""

    action: Literal["extend"]
    days: Annotated[int, Field(ge=1, le=60)]
    reason: Required


class Approve(ActionBody):
    action: Literal["approve"]
    opinion: Note = None
    certificate_fields: CertificateFields = Field(default_factory=dict)
    valid_to: date | None = None


class Deny(ActionBody):
    """不予许可: the reasons and the legal basis are required."""

    action: Literal["deny"]
    reason: Required
    legal_basis: LegalBasis


class Deliver(ActionBody):
    action: Literal["deliver"]
    method: Delivery
    detail: Annotated[Annotated[str, Field(max_length=300)] | None, Widget("text")] = None  # waybill…


class Withdraw(ActionBody):
    action: Literal["withdraw"]
    reason: Required
    # the platform's own withdrawals (a bundle part whose prerequisite was refused) say why in
    # both languages: ``reason`` in Chinese, this in English (kept in the event's payload)
    reason_en: str | None = Field(None, max_length=2000)


# ---- views -----------------------------------------------------------------------------------


class MaterialOut(BaseModel):
    code: str
    name: str
    required: bool
    source: str
    state: str
    state_label: dict[str, str]
    attachments: list[int] = []
    note: str | None = None


class ApplicationOut(BaseModel):
    number: str
    status: str
    status_label: dict[str, str]
    item: dict[str, Any]  # implementation_code, name, version, version_id, department
    channel: str
    applicant: dict[str, Any]  # type, name, id_number, phone (masked unless revealed)
    agent: dict[str, Any] | None
    masked: bool
    form: dict[str, Any] | None  # only when revealed (it may hold personal data)
    materials: list[MaterialOut]
    round: int
    notice: dict[str, Any] | None
    legal_limit: dict[str, Any]
    promised_limit: dict[str, Any]
    immediate: bool
    submitted_at: datetime
    accepted_at: datetime | None
    due_at: datetime | None  # the promised deadline (None before acceptance)
    legal_due_at: datetime | None
    clock_running: bool
    special: dict[str, Any] | None
    extension_days: int
    decision: str | None
    decision_basis: str | None
    decided_at: datetime | None
    certificate_number: str | None
    delivery: str | None
    delivered_at: datetime | None
    available_actions: list[str] = []
    prefill: dict[str, Any] | None = None  # 免提交 figure (consent, fields/materials saved and totals)


class TrackingOut(BaseModel):
    """What anyone with the number and the applicant's ID number may read (no personal data)."""

    number: str
    item: str
    status: str
    status_label: dict[str, str]
    submitted_at: datetime
    due_at: datetime | None
    notice: dict[str, Any] | None
    certificate_number: str | None
    steps: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ApplicationRef:
    """What sibling sub-packages (window, ratings) read about an application, through
    ``applications.service.by_number`` / ``by_case_id``: no personal data in clear (the
    applicant's ID number only as its blind index)."""

    case_id: int
    number: str
    item_version_id: int
    implementation_code: str
    department_id: int | None
    channel: str
    applicant_type: str
    applicant_user_id: int | None
    applicant_id_index: str
    immediate: bool
    accepted_at: datetime | None
    materials: tuple[dict[str, Any], ...]
