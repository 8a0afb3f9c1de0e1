"""A bundle's parts are ordinary applications: opened with ``applications.service.submit``,
read and withdrawn through the case engine — never their tables."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhizhi.attachments.service import Upload
from zhizhi.cases import service as cases
from zhizhi.core.errors import DomainError, FieldProblem
from zhizhi.core.principal import Principal
from zhizhi.services.applications import schemas as app_schemas
from zhizhi.services.applications import service as applications
from zhizhi.services.applications.enums import ApplicantType, SubmitChannel
from zhizhi.services.bundles.schemas import ApplicantIn

NATURAL_PERSON = "1"  # items' ApplicantType.NATURAL_PERSON


@dataclass(frozen=True, slots=True)
class Opened:
    case_id: int
    number: str


def open_application(
    session: Session,
    principal: Principal,
    *,
    part: str,
    version_id: int,
    applicant: ApplicantIn,
    phone: str | None,
    answers: dict[str, str],
    materials: Sequence[str],
    files: dict[str, list[Upload]],
    by_data: Sequence[str],
    window: bool,
) -> Opened:
    """One part's application under the item version the bundle was read with (409 when it is
    no longer in force).  A refusal names the part (``part``) and each problem's field is
    prefixed with ``parts.<part>.``; the caller's unit of work then writes nothing."""
    person = applicant.type == NATURAL_PERSON
    body = app_schemas.ApplicantIn(
        type=ApplicantType.PERSON if person else ApplicantType.ORGANISATION,
        name=applicant.name,
        id_number=(applicant.id_number if person else applicant.credit_code) or "",
        phone=phone,
    )
    try:
        done = applications.submit(
            session,
            principal,
            version_id,
            body,
            answers,
            [app_schemas.MaterialIn(code=c, received=True) for c in materials],
            SubmitChannel.WINDOW if window else SubmitChannel.ONLINE,
            files=applications.Files(by_code={c: list(f) for c, f in files.items()}),
            by_data=list(by_data),
        )
    except DomainError as exc:
        errors = [FieldProblem(f"parts.{part}.{e.field}", e.zh, e.en) for e in exc.errors]
        raise type(exc)(exc.zh, exc.en, field=f"parts.{part}", errors=errors or None, part=part) from None
    return Opened(done.case.id, done.case.number)


def states(session: Session, case_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """case id -> (number, status) of the parts' applications."""
    out: dict[int, tuple[str, str]] = {}
    for case_id in case_ids:
        case = cases.case_by_id(session, case_id)
        if case is not None:
            out[case_id] = (case.number, case.status)
    return out


def withdraw(session: Session, case_id: int, reason: str, reason_en: str) -> None:
    """Withdraw a part's application for the platform (a part it depends on was refused): the
    application lifecycle's ``withdraw`` action, by the system, with the reason in both
    languages (the timeline shows the reader's)."""
    case = cases.case_by_id(session, case_id)
    if case is None:
        return
    body = app_schemas.Withdraw(action="withdraw", reason=reason[:2000], reason_en=reason_en[:2000])
    cases.perform(session, cases.SYSTEM, case.number, body)
