"""The workbench's search filters: one model for the API (`GET /api/v1/cases`), the page and the
Excel export, so that each accepts exactly the same values and refuses the same ones (422 with
the field, in both languages). Rules in docs/workbench.md."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from zhizhi.cases.enums import CaseKind, CaseStatus, Channel, SlaState
from zhizhi.core.errors import ValidationFailed

FILTER_FIELDS = (
    "number",
    "q",
    "phone",
    "address",
    "division",
    "grid",
    "category",
    "channel",
    "status",
    "sla_state",
    "date_from",
    "date_to",
    "department",
    "kind",
)
# text searched as a substring: at least 2 characters, which the bigram index serves (0016);
# a single character would match a large share of all cases and no index can serve it well
_TEXT_FIELDS = {"q": ("搜索词", "search text"), "address": ("地址搜索词", "address search text")}
MAX_DAYS = 3660  # a date range of at most ten years
_DIGITS = re.compile(r"^\d+$")
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


class CaseFilter(BaseModel):
    """Every field optional; given fields are ANDed. Text fields are trimmed, blank means absent."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    number: Annotated[str, Field(min_length=4, max_length=20, pattern=r"^[0-9A-Za-z-]+$")] | None = None
    q: Annotated[str, Field(min_length=2, max_length=100)] | None = None
    phone: Annotated[str, Field(max_length=20)] | None = None
    address: Annotated[str, Field(min_length=2, max_length=100)] | None = None
    division: Annotated[str, Field(min_length=2, max_length=12, pattern=r"^\d+$")] | None = None
    grid: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z_-]+$")] | None = None
    category: Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")] | None = None
    channel: Channel | None = None
    status: CaseStatus | None = None
    sla_state: SlaState | None = None
    date_from: date | None = None
    date_to: date | None = None
    department: Annotated[str, Field(max_length=40)] | None = None
    kind: CaseKind | None = None  # appeal | application | event

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        digits = re.sub(r"[\s\-()（）]", "", value).removeprefix("+86")
        if not _DIGITS.match(digits) or not (len(digits) == 4 or 7 <= len(digits) <= 12):
            raise ValueError(
                "电话号码须为完整号码或后 4 位数字 | the phone is a full number or its last 4 digits"
            )
        return digits

    @model_validator(mode="after")
    def _range(self) -> CaseFilter:
        if self.date_from and self.date_to:
            if self.date_to < self.date_from:
                raise ValueError("结束日期早于开始日期 | date_to is before date_from")
            if (self.date_to - self.date_from).days > MAX_DAYS:
                raise ValueError("日期范围不超过十年 | the date range is at most ten years")
        return self

    def is_empty(self) -> bool:
        return not any(getattr(self, f) is not None for f in FILTER_FIELDS)

    def as_query(self) -> dict[str, str]:
        """The filter as query-string values (saved queues, export links, page links)."""
        out = {}
        for f in FILTER_FIELDS:
            v = getattr(self, f)
            if v is not None:
                out[f] = v.isoformat() if isinstance(v, date) else str(getattr(v, "value", v))
        return out


def parse_filter(raw: Mapping[str, Any]) -> CaseFilter:
    """``raw`` (query parameters, blank values dropped, other keys ignored) as a :class:`CaseFilter`;
    the first bad value → :class:`ValidationFailed` naming its field."""
    values = {k: v for k, v in raw.items() if k in FILTER_FIELDS and v not in (None, "")}
    try:
        return CaseFilter.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "date_to"
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        if field in _TEXT_FIELDS and err["type"] == "string_too_short":
            zh_name, en_name = _TEXT_FIELDS[field]
            raise ValidationFailed(
                f"{zh_name}至少 2 个字符（单个字不能检索）",
                f"the {en_name} is at least 2 characters (a single character is not searched)",
                field=field,
            ) from exc
        if " | " in msg:
            zh, en = msg.split(" | ", 1)
        else:
            zh, en = f"筛选条件 {field} 的值无效", f"{field}: {msg}"
        raise ValidationFailed(zh, en, field=field) from exc


def is_valid_code(value: str) -> bool:
    return bool(_CODE.match(value))
