"""API shapes for cases (Pydantic, separate from the ORM models)."""

from __future__ import annotations

import re
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

    _blank = field_validator("content")(_strip_nonblank)

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return normalise_phone(value) if value else None


# ---- actions ------------------------------------------------------------------------------


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Accept(_Action):
    action: Literal["accept"]
    note: Annotated[str, Field(max_length=2000)] | None = None


class AnswerDirectly(_Action):
    action: Literal["answer_directly"]
    reply: LongText


class Dispatch(_Action):
    action: Literal["dispatch"]
    lead_department: DeptCode
    co_departments: Annotated[list[DeptCode], Field(max_length=10)] = []
    note: Annotated[str, Field(max_length=2000)] | None = None


class Sign(_Action):
    action: Literal["sign"]
    note: Annotated[str, Field(max_length=2000)] | None = None


class Handle(_Action):
    action: Literal["handle"]
    note: Reason


class Reply(_Action):
    action: Literal["reply"]
    reply: LongText


class Return(_Action):
    action: Literal["return"]
    reason: Reason


class Redispatch(_Action):
    action: Literal["redispatch"]
    lead_department: DeptCode
    co_departments: Annotated[list[DeptCode], Field(max_length=10)] = []
    reason: Reason


class RejectReturn(_Action):
    action: Literal["reject_return"]
    reason: Reason


class RequestExtension(_Action):
    action: Literal["request_extension"]
    amount: Annotated[int, Field(ge=1, le=60)]
    reason: Reason


class ApproveExtension(_Action):
    action: Literal["approve_extension"]
    approved: bool = True
    reason: Annotated[str, Field(max_length=2000)] | None = None


class Suspend(_Action):
    action: Literal["suspend"]
    reason: Reason


class Resume(_Action):
    action: Literal["resume"]
    note: Annotated[str, Field(max_length=2000)] | None = None


class Supervise(_Action):
    action: Literal["supervise"]
    note: Reason


class Rate(_Action):
    action: Literal["rate"]
    rating: Rating
    resolved: bool
    comment: Annotated[str, Field(max_length=2000)] | None = None


class Close(_Action):
    action: Literal["close"]
    reason: Annotated[str, Field(max_length=2000)] | None = None


class Reopen(_Action):
    action: Literal["reopen"]
    reason: Reason


class Merge(_Action):
    action: Literal["merge"]
    parent: Annotated[str, Field(min_length=1, max_length=20)]
    reason: Annotated[str, Field(max_length=2000)] | None = None


ActionIn = Annotated[
    Accept
    | AnswerDirectly
    | Dispatch
    | Sign
    | Handle
    | Reply
    | Return
    | Redispatch
    | RejectReturn
    | RequestExtension
    | ApproveExtension
    | Suspend
    | Resume
    | Supervise
    | Rate
    | Close
    | Reopen
    | Merge,
    Field(discriminator="action"),
]


# ---- output -------------------------------------------------------------------------------


class Labelled(BaseModel):
    code: str
    zh: str
    en: str


class DepartmentRef(BaseModel):
    code: str
    name: str


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
    contact_name: str | None
    contact_phone: str | None
    contact_masked: bool
    confidential: bool
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
    parent_number: str | None
    supervision_count: int
    reopen_count: int
    return_count: int
    version: int
    available_actions: list[str]


class EventOut(BaseModel):
    seq: int
    action: str
    action_label: Labelled
    at: datetime
    actor: str
    actor_role: str | None
    from_status: str | None
    to_status: str
    reason: str | None
    payload: dict[str, Any]


class CasePage(BaseModel):
    items: list[CaseOut]
    total: int
    page: int
    page_size: int
