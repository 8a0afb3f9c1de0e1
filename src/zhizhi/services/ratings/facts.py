"""What ratings and supervision read about an application (``services.applications``): its
stage, item, department, and whether a caller is its applicant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from zhizhi.core.principal import Principal


@dataclass(frozen=True, slots=True)
class Facts:
    case_id: int
    number: str
    status: str
    accepted: bool  # accepted (受理) and not refused, withdrawn
    completed: bool  # closed with a result (办结)
    promised: bool  # 承诺件 (rated at acceptance too)
    item_code: str
    item_name: str
    department_id: int | None
    reporter_id: int | None
    accepted_at: datetime | None


def application(session: Session, number: str) -> Facts | None:
    raise NotImplementedError


def is_applicant(session: Session, facts: Facts, principal: Principal | None, id_number: str | None) -> bool:
    raise NotImplementedError
