"""Tamper-evident audit log: every write appends an entry hash-chained with SM3.

``record()`` queues an entry on the session; just before the transaction commits the queued
entries are numbered and chained (``hash = SM3(prev_hash || canonical entry)``) under a lock
(``pg_advisory_xact_lock`` on PostgreSQL; SQLite already serialises writers), so entries are
only written by transactions that commit, in commit order.  A head row holds the last sequence
number and hash, so deleting the newest entries is detected too.  :func:`verify` walks the
chain and names the first altered, deleted or reordered entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from zhizhi.core import clock
from zhizhi.core.crypto import sm3_hex
from zhizhi.core.db import Base, JSONType, UTCDateTime, register_pending

GENESIS = "0" * 64
register_pending("audit_pending")


class AuditEntry(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    action: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)


class AuditHead(Base):
    """Single row (id=1, created by the migration): the newest sequence number and hash.

    Locking it (``SELECT … FOR UPDATE``; SQLite's write lock) serialises chaining."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


@dataclass(frozen=True, slots=True)
class Actor:
    id: int | None
    name: str

    @classmethod
    def system(cls) -> Actor:
        return cls(None, "system")


def canonical(
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor: str,
    action: str,
    object_type: str | None,
    object_id: str | None,
    detail: dict[str, Any],
) -> bytes:
    body = {
        "seq": seq,
        "at": clock.as_utc(at).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "detail": detail,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def chain_hash(prev_hash: str, payload: bytes) -> str:
    return sm3_hex(prev_hash.encode() + payload)


def record(
    session: Session,
    action: str,
    actor: Actor,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    **detail: Any,
) -> None:
    """Queue an audit entry; it is chained and written when the transaction commits."""
    pending: list[dict[str, Any]] = session.info.setdefault("audit_pending", [])
    pending.append(
        {
            "at": clock.now(),
            "actor_id": actor.id,
            "actor": actor.name,
            "action": action,
            "object_type": object_type,
            "object_id": None if object_id is None else str(object_id),
            "detail": json.loads(json.dumps(detail, ensure_ascii=False, default=str)),
        }
    )


def _write_pending(session: Session) -> None:
    """Number and chain the queued entries under a lock on the head row (held until commit)."""
    pending = session.info.pop("audit_pending", None)
    if not pending:
        return
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    seq, prev = head.seq, head.hash
    for item in pending:
        seq += 1
        digest = chain_hash(prev, canonical(seq, **item))
        session.add(AuditEntry(seq=seq, prev_hash=prev, hash=digest, **item))
        prev = digest
    head.seq, head.hash = seq, prev
    session.flush()


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # releasing a SAVEPOINT: chain at the real commit
        return
    if session.info.get("audit_pending"):
        _write_pending(session)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("audit_pending", None)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    count: int
    bad_seq: int | None = None
    problem: str | None = None


def _entries(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
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


def verify(session: Session) -> VerifyResult:
    """Walk the chain; the first entry whose hash, link or position is wrong is reported."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return VerifyResult(
                False,
                count,
                expected_seq,
                f"entry {expected_seq} is missing (next present is {entry.seq}): deleted",
            )
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False,
                count,
                entry.seq,
                f"entry {entry.seq} does not link to entry {entry.seq - 1}: deleted or reordered",
            )
        payload = canonical(
            entry.seq,
            entry.at,
            entry.actor_id,
            entry.actor,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.detail,
        )
        if chain_hash(prev_hash, payload) != entry.hash:
            return VerifyResult(False, count, entry.seq, f"entry {entry.seq} was altered (hash mismatch)")
        prev_hash, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != count or head_hash != prev_hash:
        return VerifyResult(
            False,
            count,
            count + 1 if head_seq > count else head_seq,
            f"the chain ends at entry {count} but the head records entry {head_seq}: "
            "newest entries deleted or head altered",
        )
    return VerifyResult(True, count)
