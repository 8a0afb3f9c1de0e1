"""Supervision's SQL: the applications still running, decided, refused or denied, in a
department scope (the applications' own table, read-only)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from zhizhi.services.applications.models import Application

RUNNING_LIMIT = 5000
REFUSAL_LEAD = timedelta(days=60)


def _scoped(q: Any, scope: Any) -> Any:
    return q if scope is None else q.where(Application.department_id.in_(scope))


def undecided(session: Session, scope: Any) -> list[Application]:
    """Applications without a decision nor a refusal (their case says whether they still run)."""
    q = select(Application).where(Application.decided_at.is_(None), Application.refusal_basis.is_(None))
    q = _scoped(q, scope).order_by(Application.submitted_at).limit(RUNNING_LIMIT)
    return list(session.scalars(q))


def decided_since(session: Session, since: datetime, scope: Any) -> list[Application]:
    q = select(Application).where(Application.decided_at >= since, Application.accepted_at.is_not(None))
    return list(session.scalars(_scoped(q, scope).order_by(Application.decided_at)))


def refused_or_denied_since(session: Session, since: datetime, scope: Any) -> list[Application]:
    """Denials decided since ``since``, and refusals to accept of applications submitted in the
    ``REFUSAL_LEAD`` before it (a refusal comes within days of the submission; the caller keeps
    those whose case closed since ``since``), newest first."""
    q = select(Application).where(
        or_(
            and_(Application.decision == "denied", Application.decided_at >= since),
            and_(Application.refusal_basis.is_not(None), Application.submitted_at >= since - REFUSAL_LEAD),
        )
    )
    q = _scoped(q, scope).order_by(Application.submitted_at.desc()).limit(RUNNING_LIMIT)
    return list(session.scalars(q))
