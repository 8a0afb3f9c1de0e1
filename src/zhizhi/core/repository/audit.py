"""SQL of the audit chain: the head row, the entries and the inbox (see :mod:`zhizhi.core.audit`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.orm import Session

from zhizhi.core.models import ENTRIES, HEAD, INBOX, AuditEntry, AuditHead, AuditInbox

INBOX_FIELDS = ("at", "actor_id", "actor", "action", "object_type", "object_id", "detail")


def head_for_update(conn: Session | Connection) -> tuple[int, str]:
    """The newest sequence number and hash, with the head row locked until the transaction ends."""
    seq, digest = conn.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
    ).one()
    return int(seq), str(digest)


def append(conn: Session | Connection, rows: list[dict[str, Any]], seq: int, digest: str) -> None:
    """Insert chained ``rows`` and move the head to ``(seq, digest)``."""
    conn.execute(insert(ENTRIES), rows)
    conn.execute(update(HEAD).where(AuditHead.id == 1).values(seq=seq, hash=digest))


def insert_inbox(session: Session, items: list[dict[str, Any]]) -> None:
    session.execute(insert(INBOX), items if len(items) > 1 else items[0])


def take_inbox(conn: Session | Connection, limit: int) -> list[dict[str, Any]]:
    """Delete up to ``limit`` committed inbox entries, oldest first, and return their columns
    (``DELETE … RETURNING``: PostgreSQL)."""
    batch = select(INBOX.c.id).order_by(INBOX.c.id).limit(limit).scalar_subquery()
    rows = sorted(
        conn.execute(delete(INBOX).where(INBOX.c.id.in_(batch)).returning(*INBOX.c)), key=lambda r: r.id
    )
    return [{f: getattr(r, f) for f in INBOX_FIELDS} for r in rows]


def pending_count(conn: Session | Connection) -> int:
    return int(conn.scalar(select(func.count()).select_from(AuditInbox)) or 0)


def entries(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    """The chain in order, read in batches (each batch expunged before the next is read)."""
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


def head(session: Session) -> tuple[int, str] | None:
    row = session.get(AuditHead, 1)
    return None if row is None else (row.seq, row.hash)
