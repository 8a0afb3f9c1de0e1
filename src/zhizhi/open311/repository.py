"""SQL of the Open311 tables (clients, tokens)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhizhi.open311.models import Open311Client, Open311Token


def add(session: Session, row: Open311Client | Open311Token) -> None:
    session.add(row)
    session.flush()


def client_by_prefix(session: Session, prefix: str) -> Open311Client | None:
    return session.scalar(select(Open311Client).where(Open311Client.key_prefix == prefix))


def client_by_name(session: Session, name: str) -> Open311Client | None:
    return session.scalar(select(Open311Client).where(Open311Client.name == name))


def clients(session: Session) -> list[Open311Client]:
    return list(session.scalars(select(Open311Client).order_by(Open311Client.id)))


def token(session: Session, value: str) -> Open311Token | None:
    return session.scalar(select(Open311Token).where(Open311Token.token == value))


def token_for_case(session: Session, client_id: int, number: str) -> Open311Token | None:
    """The token already handed out for this case (an idempotent retry gets the same one)."""
    stmt = select(Open311Token).where(Open311Token.client_id == client_id, Open311Token.case_number == number)
    return session.scalar(stmt)


def token_counts(session: Session) -> dict[int, int]:
    """``client id → requests posted`` (one token per posted request)."""
    rows = session.execute(
        select(Open311Token.client_id, func.count()).group_by(Open311Token.client_id)
    ).all()
    return {int(r[0]): int(r[1]) for r in rows}
