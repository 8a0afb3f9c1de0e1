"""The ratings' SQL: the rows, the rectification queue in a department scope, and the figures
per item, department and window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Select, and_, case, func, select
from sqlalchemy.orm import Session

from zhizhi.services.ratings.enums import SCORES, RectificationStatus
from zhizhi.services.ratings.models import Rectification, ServiceRating


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


def rating(session: Session, case_id: int, stage: str) -> ServiceRating | None:
    q = select(ServiceRating).where(ServiceRating.case_id == case_id, ServiceRating.stage == stage)
    return session.scalar(q)


def ratings_of(session: Session, case_id: int) -> list[ServiceRating]:
    q = select(ServiceRating).where(ServiceRating.case_id == case_id).order_by(ServiceRating.id)
    return list(session.scalars(q))


def rating_by_id(session: Session, rating_id: int) -> ServiceRating | None:
    return session.get(ServiceRating, rating_id)


def rectification_of(session: Session, rating_id: int) -> Rectification | None:
    return session.scalar(select(Rectification).where(Rectification.rating_id == rating_id))


def rectification(session: Session, rectification_id: int) -> Rectification | None:
    return session.get(Rectification, rectification_id)


def queue(
    session: Session, scope: Select[Any] | None, status: str | None, now: datetime, limit: int = 200
) -> list[tuple[Rectification, ServiceRating]]:
    """Rectifications (open first, the nearest deadline first) in the department scope."""
    q = select(Rectification, ServiceRating).join(ServiceRating, ServiceRating.id == Rectification.rating_id)
    if scope is not None:
        q = q.where(Rectification.department_id.in_(scope))
    if status == "open":
        q = q.where(Rectification.status != RectificationStatus.DONE.value)
    elif status == "overdue":
        q = q.where(Rectification.status != RectificationStatus.DONE.value, Rectification.due_at < now)
    elif status:
        q = q.where(Rectification.status == status)
    done_last = case((Rectification.status == RectificationStatus.DONE.value, 1), else_=0)
    q = q.order_by(done_last, Rectification.due_at, Rectification.id).limit(limit)
    return [(r, s) for r, s in session.execute(q)]


_SCORE = case(*((ServiceRating.level == k, v) for k, v in SCORES.items()), else_=None)


def figures(
    session: Session, by: str, since: datetime, until: datetime, scope: Select[Any] | None
) -> list[tuple[Any, int, int, int, float | None, int, int]]:
    """(key, ratings, good, bad, average score, open rectifications, overdue rectifications) per
    ``item``, ``department`` or ``window`` for ratings given in the span."""
    key: Any = {
        "item": ServiceRating.item_code,
        "department": ServiceRating.department_id,
        "window": ServiceRating.window_id,
    }[by]
    open_ = and_(Rectification.id.is_not(None), Rectification.status != RectificationStatus.DONE.value)
    q = (
        select(
            key,
            func.count(ServiceRating.id),
            func.sum(
                func.cast(
                    ServiceRating.level.in_(["very_satisfied", "satisfied", "basically_satisfied"]), Integer
                )
            ),
            func.sum(func.cast(ServiceRating.bad, Integer)),
            func.avg(_SCORE),
            func.sum(func.cast(open_, Integer)),
            func.sum(func.cast(and_(open_, Rectification.due_at < until), Integer)),
        )
        .outerjoin(Rectification, Rectification.rating_id == ServiceRating.id)
        .where(ServiceRating.rated_at >= since, ServiceRating.rated_at < until)
        .group_by(key)
    )
    if by == "window":
        q = q.where(ServiceRating.window_id.is_not(None))
    if scope is not None:
        q = q.where(ServiceRating.department_id.in_(scope))
    return [
        (k, int(n), int(g or 0), int(b or 0), float(a) if a is not None else None, int(o or 0), int(d or 0))
        for k, n, g, b, a, o, d in session.execute(q)
    ]


def item_names(session: Session, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    q = (
        select(ServiceRating.item_code, func.max(ServiceRating.item_name))
        .where(ServiceRating.item_code.in_(codes))
        .group_by(ServiceRating.item_code)
    )
    return {c: n for c, n in session.execute(q)}
