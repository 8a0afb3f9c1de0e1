"""What ratings read about an application (``services.applications`` and its case): its stage,
item, department, and whether a caller is its applicant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from zhizhi.cases import service as cases
from zhizhi.cases.enums import CaseStatus
from zhizhi.core import fieldcrypt
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.services.applications import service as applications

_NOT_GOING_ON = {CaseStatus.NOT_ACCEPTED.value, CaseStatus.WITHDRAWN.value}


@dataclass(frozen=True, slots=True)
class Facts:
    case_id: int
    number: str
    status: str
    accepted: bool  # accepted (受理) and neither refused nor withdrawn
    completed: bool  # closed with its result delivered (办结)
    promised: bool  # 承诺件 (rated at acceptance too); 即办件 are decided on the spot
    item_code: str
    item_name: str
    department_id: int | None
    applicant_user_id: int | None
    applicant_id_index: str
    accepted_at: datetime | None


def application(session: Session, number: str) -> Facts | None:
    app = applications.by_number(session, number)
    case = cases.case_by_id(session, app.case_id) if app is not None else None
    if app is None or case is None:
        return None
    return Facts(
        case_id=case.id,
        number=app.number,
        status=case.status,
        accepted=app.accepted_at is not None and case.status not in _NOT_GOING_ON,
        completed=case.status == CaseStatus.CLOSED.value,
        promised=not app.immediate,
        item_code=app.implementation_code,
        item_name=case.subject,
        department_id=app.department_id,
        applicant_user_id=app.applicant_user_id,
        applicant_id_index=app.applicant_id_index,
        accepted_at=app.accepted_at,
    )


def is_applicant(session: Session, facts: Facts, principal: Principal | None, id_number: str | None) -> bool:
    """Signed in as the applicant (a public account that submitted it), or giving the applicant's
    ID number or credit code (compared through the blind index, under every key version)."""
    signed_in = principal is not None and principal.role is Role.PUBLIC and bool(principal.user_id)
    if signed_in and principal is not None and facts.applicant_user_id == principal.user_id:
        return True
    if id_number and id_number.strip():
        wanted = fieldcrypt.id_number_indexes(id_number.strip().upper())
        return any(fieldcrypt.same(facts.applicant_id_index, i) for i in wanted)
    return False
