"""SQL of the public request feed (Open311 ``requests.json``): plain rows of the columns it
shows, never the contact columns. Confidential cases and applications (办件) are never in it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from zhizhi.cases.models import Case

COLUMNS = (
    Case.id,
    Case.number,
    Case.status,
    Case.subject,
    Case.content,
    Case.category_id,
    Case.lead_department_id,
    Case.address,
    Case.address_code,
    Case.latitude,
    Case.longitude,
    Case.created_at,
    Case.updated_at,
    Case.closed_at,
    Case.due_at,
    Case.limit_amount,
    Case.limit_unit,
)


def _public() -> list[ColumnElement[bool]]:
    return [Case.confidential.is_(False), Case.kind != "application"]


def by_numbers(session: Session, numbers: list[str]) -> list[Any]:
    """The public cases among ``numbers`` (newest first)."""
    stmt = select(*COLUMNS).where(Case.number.in_(numbers), *_public()).order_by(Case.created_at.desc())
    return list(session.execute(stmt).all())


def page(
    session: Session,
    *,
    start: datetime,
    end: datetime,
    statuses: list[str] | None,
    category_ids: Select[Any] | None,
    offset: int,
    limit: int,
) -> list[Any]:
    """Public cases registered in ``[start, end)``, newest first, one page."""
    stmt = select(*COLUMNS).where(Case.created_at >= start, Case.created_at < end, *_public())
    if statuses is not None:
        stmt = stmt.where(Case.status.in_(statuses))
    if category_ids is not None:
        stmt = stmt.where(Case.category_id.in_(category_ids))
    stmt = stmt.order_by(Case.created_at.desc(), Case.id.desc()).offset(offset).limit(limit)
    return list(session.execute(stmt).all())
