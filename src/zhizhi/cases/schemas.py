"""API shapes for cases (Pydantic, separate from the ORM models): intake, action bodies, answers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from zhizhi.cases.enums import AppealType, CaseKind, Channel, Rating
from zhizhi.catalogue.enums import Urgency

MAX_CONTENT = 10_000
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{9,11}$")

Text200 = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=2, max_length=2000)]
LongText = Annotated[str, Field(min_length=2, max_length=MAX_CONTENT)]
DeptCode = Annotated[str, Field(min_length=1, max_length=40)]


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-()（）]", "", value)
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if not (MOBILE.match(digits) or LANDLINE.match(digits)):
        raise ValueError(
            "电话号码格式不正确（手机 11 位或带区号的固定电话） | "
            "invalid phone number (11-digit mobile or landline with area code)"
        )
    return digits


def _strip_nonblank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("内容不能为空 | must not be blank")
    return value


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: CaseKind = CaseKind.APPEAL
    appeal_type: AppealType | None = None
    channel: Channel | None = None
    subject: Annotated[str, Field(max_length=200)] | None = None
    content: Annotated[str, Field(min_length=1, max_length=MAX_CONTENT)]
    address: Annotated[str, Field(max_length=300)] | None = None
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = None
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = None
    urgency: Urgency = Urgency.NORMAL
    contact_name: Annotated[str, Field(max_length=80)] | None = None
    contact_phone: Annotated[str, Field(max_length=20)] | None = None
    confidential: bool = False
    category: Annotated[str, Field(max_length=80)] | None = None
    # the language the person asks in: their text messages follow it (zh when not said)
    language: Literal["zh", "en"] | None = None

    _blank = field_validator("content")(_strip_nonblank)

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None


# ---- action bodies ---------------------------------------------------------------------------
# One body per lifecycle action: the API's JSON and the workbench's form (``Widget`` says how a
# field is asked for).  The action's handler and its other traits are declared with it in
# ``cases.actions``, whose ``ActionIn`` is the discriminated union of these bodies.


@dataclass(frozen=True, slots=True)
class Widget:
    """How the workbench asks for an action field (the API ignores it): ``text``, ``textarea``,
    ``department``, ``departments``, ``category``, ``rating``, ``bool``, ``approve`` or
    ``number``.  ``required`` overrides the schema's (a choice with a default must still be
    made on the form)."""

    kind: str = "textarea"
    required: bool | None = None


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    action: str


Note = Annotated[Annotated[str, Field(max_length=2000)] | None, Widget()]
Lead = Annotated[DeptCode, Widget("department")]
#: the category the person confirms or corrects (受理, 派单, 办结); blank keeps the case's
CategoryField = Annotated[Annotated[str, Field(min_length=1, max_length=40)] | None, Widget("category")]
CoUnits = Annotated[list[DeptCode], Field(max_length=10), Widget("departments")]


class Accept(ActionBody):
    action: Literal["accept"]
    category: CategoryField = None
    note: Note = None


class AnswerDirectly(ActionBody):
    """直办: 12345 answers itself.  ``cite`` names the source the reply rests on (a knowledge
    article's reference, version and title, or a policy document); ``close``: the caller accepted
    the answer on the call, so the case is closed at once (直办办结, needs a category)."""

    action: Literal["answer_directly"]
    reply: LongText
    cite: Annotated[Annotated[str, Field(max_length=300)] | None, Widget("text")] = None
    close: Annotated[bool, Widget("bool")] = False


class Dispatch(ActionBody):
    action: Literal["dispatch"]
    category: CategoryField = None
    lead_department: Lead
    co_departments: CoUnits = []
    note: Note = None


class Sign(ActionBody):
    action: Literal["sign"]
    note: Note = None


class Handle(ActionBody):
    action: Literal["handle"]
    note: Reason


class Reply(ActionBody):
    action: Literal["reply"]
    reply: LongText


class Return(ActionBody):
    action: Literal["return"]
    reason: Reason


class Redispatch(ActionBody):
    action: Literal["redispatch"]
    lead_department: Lead
    co_departments: CoUnits = []
    reason: Reason


class RejectReturn(ActionBody):
    action: Literal["reject_return"]
    reason: Reason


class RequestExtension(ActionBody):
    action: Literal["request_extension"]
    amount: Annotated[int, Field(ge=1, le=60), Widget("number")]
    reason: Reason


class ApproveExtension(ActionBody):
    action: Literal["approve_extension"]
    approved: Annotated[bool, Widget("approve", required=True)] = True
    reason: Note = None


class Suspend(ActionBody):
    action: Literal["suspend"]
    reason: Reason


class Resume(ActionBody):
    action: Literal["resume"]
    note: Note = None


class Supervise(ActionBody):
    action: Literal["supervise"]
    note: Reason


class Rate(ActionBody):
    action: Literal["rate"]
    rating: Annotated[Rating, Widget("rating")]
    resolved: Annotated[bool, Widget("bool")]
    comment: Note = None


class ReviewReopen(ActionBody):
    """差评复核 → 重办: back to the lead unit, under supervision."""

    action: Literal["review_reopen"]
    reason: Annotated[str, Field(min_length=2, max_length=2000), Widget("textarea")]


class ReviewExplain(ActionBody):
    """差评复核 → 解释说明: the explanation given to the person who asked; the case closes."""

    action: Literal["review_explain"]
    reason: Annotated[str, Field(min_length=2, max_length=2000), Widget("textarea")]


class ReviewAppeal(ActionBody):
    """差评复核 → 申诉成立: the rating was mistaken or malicious; it leaves the statistics."""

    action: Literal["review_appeal"]
    reason: Annotated[str, Field(min_length=2, max_length=2000), Widget("textarea")]


class CoReply(ActionBody):
    """协办回复: a co-unit's answer to the lead unit, on the case's timeline."""

    action: Literal["co_reply"]
    reply: Annotated[str, Field(min_length=2, max_length=MAX_CONTENT), Widget("textarea")]


class Close(ActionBody):
    action: Literal["close"]
    category: CategoryField = None
    reason: Note = None


class Reopen(ActionBody):
    action: Literal["reopen"]
    reason: Reason


class Merge(ActionBody):
    action: Literal["merge"]
    parent: Annotated[str, Field(min_length=1, max_length=20), Widget("text")]
    reason: Note = None


# ---- output -------------------------------------------------------------------------------


class Labelled(BaseModel):
    code: str
    zh: str
    en: str


class DepartmentRef(BaseModel):
    code: str
    name: str
    name_en: str | None = None  # a category's English name, when it has one


class CoUnitOut(BaseModel):
    code: str
    name: str
    replied_at: datetime | None  # its 协办回复 this round; ``None``: still to answer


class CaseOut(BaseModel):
    number: str
    kind: str
    appeal_type: str | None
    channel: str
    subject: str
    content: str
    address: str | None
    latitude: float | None
    longitude: float | None
    division_code: str | None
    grid_code: str | None
    urgency: str
    status: str
    status_label: Labelled
    category: DepartmentRef | None
    lead_department: DepartmentRef | None
    co_departments: list[DepartmentRef]
    co_units: list[CoUnitOut] = []
    contact_name: str | None
    contact_phone: str | None
    contact_masked: bool
    confidential: bool
    language: str = "zh"  # the language the person asked in; their text messages follow it
    created_at: datetime
    accepted_at: datetime | None
    replied_at: datetime | None
    closed_at: datetime | None
    due_at: datetime
    warn_at: datetime
    due_provisional: bool
    sla_state: str
    sla_label: Labelled
    working_days_left: int
    time_limit: dict[str, Any]
    pending_extension: dict[str, Any] | None
    reply: str | None
    rating: str | None
    resolved: bool | None
    rating_excluded: bool = False  # 申诉成立: kept on record, left out of the statistics
    review_due_at: datetime | None = None  # 差评复核 due (1 working day after the rating)
    parent_number: str | None
    supervision_count: int
    reopen_count: int
    return_count: int
    marks: list[str] = []  # supervised 督, extended 延, reopened 重, merged 并 (docs/workbench.md)
    version: int
    available_actions: list[str]


class EventOut(BaseModel):
    seq: int
    action: str
    action_label: Labelled
    at: datetime
    actor: str  # a staff member's display name, or "public" / "system"; never a login name
    actor_kind: str  # staff | public | system
    actor_label: Labelled  # name, role and unit in each language (cases.actors)
    actor_unit: Labelled | None = None  # the staff member's unit (code, name)
    actor_role: str | None
    from_status: str | None
    to_status: str
    reason: str | None
    payload: dict[str, Any]


class CasePage(BaseModel):
    items: list[CaseOut]
    total: int
    total_capped: bool = False  # True: ``total`` is a lower bound (a text search counts to 1,000)
    page: int
    page_size: int
