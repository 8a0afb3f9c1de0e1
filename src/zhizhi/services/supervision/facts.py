"""What supervision reads about applications: their rows (``services.applications``' table, in
the department scope) and their cases' clocks (``cases.queries.cases_by_ids``, one query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import queries as cases
from zhizhi.cases.enums import CaseStatus
from zhizhi.core import clock
from zhizhi.services.supervision import repository as repo

# statuses whose clock runs against the applicant's deadlines (补正 waits on the applicant)
RUNNING = {
    CaseStatus.SUBMITTED.value,
    CaseStatus.ACCEPTED.value,
    CaseStatus.EXAMINING.value,
    CaseStatus.SPECIAL.value,
}


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
    apps = repo.undecided(session, department_ids)
    found = cases.cases_by_ids(session, [a.case_id for a in apps])
    out = []
    for a in apps:
        case = found.get(a.case_id)
        if case is None or case.status not in RUNNING:
            continue
        out.append(
            Running(
                number=a.number,
                status=case.status,
                item_code=a.implementation_code,
                item_name=case.subject,
                department_id=a.department_id,
                accepted_at=a.accepted_at,
                promised_due=clock.as_utc(case.due_at) if case.due_at else None,
                promised_warn=clock.as_utc(case.warn_at) if case.warn_at else None,
                legal_due=clock.as_utc(a.legal_due_at) if a.legal_due_at else None,
                paused=case.status == CaseStatus.SPECIAL.value or case.clock_stopped_at is not None,
            )
        )
    return out


def decided(session: Session, since: datetime, department_ids: Any) -> list[Decided]:
    apps = repo.decided_since(session, since, department_ids)
    found = cases.cases_by_ids(session, [a.case_id for a in apps])
    return [
        Decided(
            item_code=a.implementation_code,
            item_name=found[a.case_id].subject if a.case_id in found else a.implementation_code,
            department_id=a.department_id,
            accepted_at=clock.as_utc(a.accepted_at),
            decided_at=clock.as_utc(a.decided_at),
            paused_days=sum(int(x.get("paused_days") or 0) for x in a.specials),
            promised_limit=dict(a.promised_limit),
        )
        for a in apps
        if a.accepted_at is not None and a.decided_at is not None
    ]


def refusals(session: Session, since: datetime, department_ids: Any) -> list[Refusal]:
    apps = repo.refused_or_denied_since(session, since, department_ids)
    found = cases.cases_by_ids(session, [a.case_id for a in apps])
    out = []
    for a in apps:
        case = found.get(a.case_id)
        if case is None:
            continue
        basis: str | None
        if a.refusal_basis is not None:
            at = case.closed_at or case.updated_at
            kind, basis = "not_accepted", a.refusal_basis
        else:
            at, kind, basis = a.decided_at or case.updated_at, "denied", a.decision_basis
        if clock.as_utc(at) >= since:
            out.append(
                Refusal(
                    a.number,
                    kind,
                    a.implementation_code,
                    case.subject,
                    a.department_id,
                    basis,
                    clock.as_utc(at),
                )
            )
    return out
