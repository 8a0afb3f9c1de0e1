"""Routing API shapes (Pydantic, separate from the ORM models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class SuggestionOut(BaseModel):
    kind: str
    label: dict[str, str] = {"zh": "AI 建议（需人工确认）", "en": "AI suggestion (a person decides)"}
    model_version: str
    confidence: float
    needs_review: bool
    status: str
    payload: dict[str, Any]
    created_at: datetime
    decision_reason: str | None
    decision: dict[str, Any] | None


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    priority: Annotated[int, Field(ge=0, le=100_000)] = 100
    category: Annotated[str, Field(max_length=40)] | None = None
    division_prefix: Annotated[str, Field(max_length=12, pattern=r"^\d*$")] = ""
    lead_department: Annotated[str, Field(max_length=40)] | None = None
    co_departments: Annotated[list[str], Field(max_length=10)] = []
    use_territorial: bool = False
    note: Annotated[str, Field(max_length=200)] | None = None


class RuleOut(RuleIn):
    id: int
