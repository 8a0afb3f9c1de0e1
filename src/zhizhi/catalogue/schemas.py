"""Catalogue API shapes (Pydantic, separate from the ORM models)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from zhizhi.catalogue.enums import LimitUnit, Urgency


class DueOut(BaseModel):
    start: date
    working_days: int
    due_date: date
    provisional: bool


class YearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Literal["chinese_calendar", "notice"] = "notice"
    holidays: Annotated[list[date], Field(max_length=60)] = []
    makeup_workdays: Annotated[list[date], Field(max_length=30)] = []


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    name_en: str | None
    parent: str | None = None
    path: str | None = None
    depth: int = 0
    active: bool = True


Code = Annotated[str, Field(min_length=1, max_length=40)]


class CategoryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    code: Code
    name: Annotated[str, Field(min_length=1, max_length=80)]
    name_en: Annotated[str, Field(max_length=120)] | None = None
    parent: Code | None = None


class CategoryPatch(BaseModel):
    """Rename (``name``, ``name_en``) and/or move (``parent``; ``null`` = the top level)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    name_en: Annotated[str, Field(max_length=120)] | None = None
    parent: Code | None = None
    move: bool = False  # ``parent`` applies only when true (so a rename never moves by accident)


class ImportOut(BaseModel):
    created: int
    renamed: int
    moved: int
    retired: int
    unchanged: int


class TimeLimitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: Annotated[str, Field(max_length=80)] | None = None
    urgency: Urgency
    amount: Annotated[int, Field(ge=1, le=3660)]
    unit: LimitUnit
    warning_ratio: Annotated[float, Field(gt=0, lt=1)] | None = None
