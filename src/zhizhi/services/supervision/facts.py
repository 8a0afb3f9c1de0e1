"""What supervision reads about applications (``services.applications`` and the case clock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class Running:
    number: str
    status: str
    item_code: str
    item_name: str
    department_id: int | None
    accepted_at: datetime | None
    promised_due: datetime | None
    promised_warn: datetime | None
    legal_due: datetime | None
    paused: bool  # a special procedure is under way: the clocks stand still


@dataclass(frozen=True, slots=True)
class Decided:
    item_code: str
    item_name: str
    department_id: int | None
    accepted_at: datetime
    decided_at: datetime
    paused_days: int
    promised_limit: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Refusal:
    number: str
    kind: str  # not_accepted | denied
    item_code: str
    item_name: str
    department_id: int | None
    basis: str | None
    at: datetime


def running(session: Session, department_ids: Any) -> list[Running]:
    raise NotImplementedError


def decided(session: Session, since: datetime, department_ids: Any) -> list[Decided]:
    raise NotImplementedError


def refusals(session: Session, since: datetime, department_ids: Any) -> list[Refusal]:
    raise NotImplementedError
