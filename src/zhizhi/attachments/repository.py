"""SQL of the attachments table."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhizhi.attachments.models import Attachment


def add(session: Session, rows: list[Attachment]) -> None:
    session.add_all(rows)
    session.flush()


def of_case(session: Session, case_id: int, *, public_only: bool = False) -> list[Attachment]:
    query = select(Attachment).where(Attachment.case_id == case_id)
    if public_only:
        query = query.where(Attachment.public.is_(True))
    return list(session.scalars(query.order_by(Attachment.id)))


def one(session: Session, case_id: int, attachment_id: int) -> Attachment | None:
    query = select(Attachment).where(Attachment.case_id == case_id, Attachment.id == attachment_id)
    return session.scalars(query).first()


def usage(session: Session, case_id: int) -> tuple[int, int]:
    """(files, bytes) a case holds."""
    query = select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size_bytes), 0)).where(
        Attachment.case_id == case_id
    )
    count, total = session.execute(query).one()
    return int(count), int(total)


def known_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    main = select(Attachment.storage_key).where(Attachment.storage_key.in_(keys))
    thumbs = select(Attachment.thumb_key).where(Attachment.thumb_key.in_(keys))
    return {k for k in session.scalars(main.union(thumbs)) if k}
