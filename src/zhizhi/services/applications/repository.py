"""The only place that writes SQL for applications (the satellite rows; the case rows belong to
the case engine and are reached through ``cases.service``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhizhi.services.applications.models import Application


def add(session: Session, row: Application) -> None:
    session.add(row)
    session.flush()


def by_case_id(session: Session, case_id: int) -> Application | None:
    return session.scalar(select(Application).where(Application.case_id == case_id))


def by_case_ids(session: Session, case_ids: Sequence[int]) -> dict[int, Application]:
    if not case_ids:
        return {}
    rows = session.scalars(select(Application).where(Application.case_id.in_(case_ids)))
    return {r.case_id: r for r in rows}


def by_number(session: Session, number: str) -> Application | None:
    return session.scalar(select(Application).where(Application.number == number))


def of_phone(session: Session, indexes: Sequence[str], limit: int) -> list[Application]:
    """Applications whose applicant phone has one of the blind ``indexes``, newest first."""
    if not indexes:
        return []
    stmt = (
        select(Application)
        .where(Application.applicant_phone_index.in_(list(indexes)))
        .order_by(Application.submitted_at.desc(), Application.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def of_user(session: Session, user_id: int, limit: int) -> list[Application]:
    stmt = (
        select(Application)
        .where(Application.applicant_user_id == user_id)
        .order_by(Application.submitted_at.desc(), Application.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))
