"""A bundle's parts are ordinary applications: opened, read and withdrawn through the
applications service and the case engine, never their tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhizhi.cases import service as cases
from zhizhi.services.bundles.schemas import ApplicantIn


@dataclass(frozen=True, slots=True)
class Opened:
    case_id: int
    number: str


def open_application(
    session: Session,
    principal: object,
    *,
    version_id: int,
    applicant: ApplicantIn,
    answers: dict[str, str],
    materials: list[str],
    materials_by_data: dict[str, dict[str, str]],
    bundle_number: str,
) -> Opened:
    """One part's application, under the item version in force (PENDING: svc-apps' submit)."""
    raise NotImplementedError("waiting for zhizhi.services.applications.service.submit")


def states(session: Session, case_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """case id -> (number, status) of the parts' applications."""
    out: dict[int, tuple[str, str]] = {}
    for case_id in case_ids:
        case = cases.case_by_id(session, case_id)
        if case is not None:
            out[case_id] = (case.number, case.status)
    return out


def withdraw(session: Session, case_id: int, reason: str) -> None:
    """Withdraw a part's application for the platform (a part it depends on was refused)."""
    raise NotImplementedError("waiting for the application lifecycle's withdraw action")
