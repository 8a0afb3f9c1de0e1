"""The window's API bodies and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from zhizhi.services.items.enums import ApplicantType
from zhizhi.services.window.enums import WindowKind

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
FormValue = (
    Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | int | float | bool | None
)


class WindowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_-]{2,20}$")]
    name: Text100
    kind: WindowKind = WindowKind.COMPREHENSIVE
    hall: Code  # the department code of the service hall
    location: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class ClerkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class ReceiveIn(BaseModel):
    """What the clerk enters: the item, the applicant (and agent), the materials ticked."""

    model_config = ConfigDict(extra="forbid")

    item: Code  # implementation code (实施编码)
    applicant_type: ApplicantType
    applicant_name: Text100
    applicant_id: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    applicant_phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    agent_name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] | None = None
    agent_id: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    materials: Annotated[list[Annotated[str, StringConstraints(max_length=80)]], Field(max_length=200)] = []
    # the item version's form fields (code → value), checked by the application's submission
    form: Annotated[
        dict[Annotated[str, StringConstraints(max_length=60)], FormValue], Field(max_length=100)
    ] = {}
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)] | None = None
    started_at: datetime | None = None  # when the clerk opened the form (the page fills it)
    consent: bool = False  # 免提交: the applicant agreed that data is read instead of paper


class WindowOut(BaseModel):
    code: str
    name: str
    kind: WindowKind
    hall: str
    hall_name: str
    location: str | None
    active: bool
    clerks: list[str]


class ReceiptOut(BaseModel):
    """The receipt (受理回执 / 收件凭证) or the one-time notice (一次性告知书)."""

    number: str
    outcome: str  # forwarded | notice
    window: str
    window_name: str
    hall_name: str
    clerk: str
    item_code: str
    item_name: str
    department: str | None
    received_at: datetime
    materials_received: list[str]
    missing: list[str]
    promised_limit: dict[str, object] | None
    rate_url: str | None  # where the applicant rates the service once it is completed
