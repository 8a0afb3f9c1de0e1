"""The window's SQL: windows, seats, receptions and their statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from zhizhi.services.window.enums import Outcome
from zhizhi.services.window.models import ServiceWindow, WindowClerk, WindowReception


def window_by_code(session: Session, code: str) -> ServiceWindow | None:
    return session.scalar(select(ServiceWindow).where(ServiceWindow.code == code))


def window_by_id(session: Session, window_id: int) -> ServiceWindow | None:
    return session.get(ServiceWindow, window_id)


def windows(session: Session, hall_ids: list[int] | None) -> list[ServiceWindow]:
    q = select(ServiceWindow).order_by(ServiceWindow.code)
    if hall_ids is not None:
        q = q.where(ServiceWindow.hall_department_id.in_(hall_ids))
    return list(session.scalars(q))


def add(session: Session, row: Any) -> None:
    session.add(row)
    session.flush()


def seat_of(session: Session, user_id: int) -> WindowClerk | None:
    return session.scalar(select(WindowClerk).where(WindowClerk.user_id == user_id))


def seats(session: Session, window_ids: list[int]) -> list[WindowClerk]:
    if not window_ids:
        return []
    q = select(WindowClerk).where(WindowClerk.window_id.in_(window_ids)).order_by(WindowClerk.id)
    return list(session.scalars(q))


def remove(session: Session, row: Any) -> None:
    session.delete(row)
    session.flush()


def reception_by_number(session: Session, number: str) -> WindowReception | None:
    return session.scalar(select(WindowReception).where(WindowReception.number == number))


def reception_by_case(session: Session, case_id: int) -> WindowReception | None:
    return session.scalar(select(WindowReception).where(WindowReception.case_id == case_id))


def receptions_for_cases(session: Session, case_ids: list[int]) -> dict[int, WindowReception]:
    if not case_ids:
        return {}
    q = select(WindowReception).where(WindowReception.case_id.in_(case_ids))
    return {r.case_id: r for r in session.scalars(q) if r.case_id is not None}


def recent(session: Session, window_ids: list[int], limit: int = 20) -> list[WindowReception]:
    if not window_ids:
        return []
    q = (
        select(WindowReception)
        .where(WindowReception.window_id.in_(window_ids))
        .order_by(WindowReception.received_at.desc(), WindowReception.id.desc())
        .limit(limit)
    )
    return list(session.scalars(q))


def _span(q: Any, window_ids: list[int], since: datetime, until: datetime) -> Any:
    return q.where(
        WindowReception.window_id.in_(window_ids),
        WindowReception.received_at >= since,
        WindowReception.received_at < until,
    )


_FORWARDED = func.sum(func.cast(WindowReception.outcome == Outcome.FORWARDED.value, Integer()))


def totals(
    session: Session, window_ids: list[int], since: datetime, until: datetime, by: str
) -> list[tuple[Any, int, int, float | None]]:
    """(key, received, forwarded, average seconds) grouped by ``window``, ``clerk`` or ``item``."""
    if not window_ids:
        return []
    key: Any = {
        "window": WindowReception.window_id,
        "clerk": WindowReception.clerk_id,
        "item": WindowReception.item_code,
    }[by]
    q = _span(
        select(key, func.count(), _FORWARDED, func.avg(WindowReception.seconds)).group_by(key),
        window_ids,
        since,
        until,
    )
    return [
        (k, int(n), int(f or 0), float(a) if a is not None else None) for k, n, f, a in session.execute(q)
    ]


def item_names(session: Session, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    q = (
        select(WindowReception.item_code, func.max(WindowReception.item_name))
        .where(WindowReception.item_code.in_(codes))
        .group_by(WindowReception.item_code)
    )
    return {c: n for c, n in session.execute(q)}


def window_of_cases(session: Session, case_ids: list[int]) -> dict[int, int]:
    if not case_ids:
        return {}
    q = select(WindowReception.case_id, WindowReception.window_id).where(
        WindowReception.case_id.in_(case_ids)
    )
    return {c: w for c, w in session.execute(q) if c is not None}
