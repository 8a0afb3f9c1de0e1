"""What other capabilities read about cases, as plain rows of the columns they need.

Routing's AI suggestions compare a new appeal with recent open ones (duplicates), and hotspot
discovery reads the recent appeals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhizhi.cases.enums import OPEN_STATUSES, CaseStatus
from zhizhi.cases.models import Case


def duplicate_candidates(
    session: Session, case: Case, since: datetime, limit: int, division_prefix: str | None
) -> list[Any]:
    """Other unmerged appeals created since ``since`` that are open or replied, newest first
    (only the columns a duplicate comparison reads: loading full cases was a third of the AI
    worker's time)."""
    stmt = (
        select(
            Case.number,
            Case.subject,
            Case.content,
            Case.created_at,
            Case.address,
            Case.division_code,
            Case.grid_code,
            Case.latitude,
            Case.longitude,
        )
        .where(
            Case.id != case.id,
            Case.created_at >= since,
            Case.parent_case_id.is_(None),
            Case.status.in_([s.value for s in OPEN_STATUSES] + [CaseStatus.REPLIED.value]),
        )
        .order_by(Case.created_at.desc())
        .limit(limit)
    )
    if division_prefix:
        stmt = stmt.where(Case.division_code.startswith(division_prefix))
    return list(session.execute(stmt).all())


def recent_appeals(session: Session, since: datetime, limit: int) -> list[Any]:
    """Cases other than applications created since ``since``, newest first: number, subject,
    content, creation time, reporter, blind index of the contact phone, address."""
    return list(
        session.execute(
            select(
                Case.number,
                Case.subject,
                Case.content,
                Case.created_at,
                Case.reporter_id,
                Case.contact_phone_index.label("contact_key"),
                Case.address,
            )
            .where(Case.created_at >= since, Case.kind != "application")
            .order_by(Case.created_at.desc())
            .limit(limit)
        ).all()
    )


def texts_of(session: Session, case_ids: list[int]) -> dict[int, tuple[str, str]]:
    """``id → (subject, content)`` of the given cases (the classifier's training texts)."""
    out: dict[int, tuple[str, str]] = {}
    for start in range(0, len(case_ids), 1000):
        chunk = case_ids[start : start + 1000]
        for i, subject, content in session.execute(
            select(Case.id, Case.subject, Case.content).where(Case.id.in_(chunk))
        ):
            out[i] = (subject or "", content or "")
    return out
