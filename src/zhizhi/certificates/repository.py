"""The only place that writes SQL for certificates and signing keys."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhizhi.certificates.models import Certificate, SigningKey


def add(session: Session, row: Certificate | SigningKey) -> bool:
    """Insert ``row``; False when a unique column is taken (a concurrent insert won the race),
    the transaction then being good only for a rollback."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        return False
    return True


def by_number(session: Session, number: str, *, lock: bool = False) -> Certificate | None:
    stmt = select(Certificate).where(Certificate.number == number)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def number_exists(session: Session, number: str) -> bool:
    return session.scalar(select(Certificate.id).where(Certificate.number == number)) is not None


def issued_by(
    session: Session, department_id: int | None, *, type_code: str | None, limit: int
) -> list[Certificate]:
    """Certificates issued by ``department_id`` (``None``: every department), newest first."""
    stmt = select(Certificate)
    if department_id is not None:
        stmt = stmt.where(Certificate.issuer_id == department_id)
    if type_code:
        stmt = stmt.where(Certificate.type == type_code)
    return list(
        session.scalars(stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit))
    )


def for_holder(session: Session, holder_id: str, types: list[str]) -> list[Certificate]:
    stmt = select(Certificate).where(Certificate.holder_id == holder_id)
    if types:
        stmt = stmt.where(Certificate.type.in_(types))
    return list(
        session.scalars(stmt.order_by(Certificate.type, Certificate.valid_from.desc(), Certificate.id))
    )


def key(session: Session, key_id: str) -> SigningKey | None:
    return session.scalar(select(SigningKey).where(SigningKey.key_id == key_id))


def active_key(session: Session, department_id: int) -> SigningKey | None:
    return session.scalar(
        select(SigningKey)
        .where(SigningKey.department_id == department_id, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.id.desc())
        .limit(1)
    )


def active_keys(session: Session, department_id: int) -> list[SigningKey]:
    return list(
        session.scalars(
            select(SigningKey).where(
                SigningKey.department_id == department_id, SigningKey.retired_at.is_(None)
            )
        )
    )


def keys(session: Session) -> list[SigningKey]:
    return list(session.scalars(select(SigningKey).order_by(SigningKey.department_id, SigningKey.created_at)))
