"""Tamper-evident audit log: every write appends an entry hash-chained with SM3.

``record()`` queues an entry on the session; only transactions that commit leave entries.
Entries are numbered and chained (``hash = SM3(prev_hash || canonical entry)``) under the lock
of the head row, which holds the last sequence number and hash (so deleting the newest entries
is detected too).  :func:`verify` walks the chain and names the first altered, deleted or
reordered entry.

Where the chaining happens depends on the database (docs/platform.md, "Audit chain"):

* SQLite serialises writers anyway, so entries are chained inside the writing transaction.
* On PostgreSQL, chaining inside every transaction would hold the head row lock through each
  commit's fsync and make every write in the platform queue behind it.  So the transaction only
  inserts its entries into ``audit_inbox`` (no lock), and right after it commits a *sealer*
  moves everything committed in the inbox into the chain in one short transaction — inline in
  inline mode (tests, loaders), otherwise on a thread of each ``zhizhi worker`` process, which
  polls the inbox (``core.sealer``).  Chain order is therefore sealing order (≈ commit order);
  an entry waits in the inbox for well under a second while a worker runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Integer,
    String,
    Table,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from zhizhi.core import clock, jobs  # noqa: F401  (its commit hooks must be registered before any commit)
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


class AuditInbox(Base):
    """Committed entries not yet chained (PostgreSQL only; see the module docstring)."""

    __tablename__ = "audit_inbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(80), nullable=False)
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)


class AuditHead(Base):
    """Single row (id=1, created by the migration): the newest sequence number and hash.

    Locking it (``SELECT … FOR UPDATE``; SQLite's write lock) serialises chaining."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


# Core tables for the statements the hot paths run (no unit-of-work flush)
ENTRIES, INBOX, HEAD = (cast(Table, m.__table__) for m in (AuditEntry, AuditInbox, AuditHead))


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
    queue(session, entry(action, actor, object_type=object_type, object_id=object_id, **detail))


def queue(session: Session, item: dict[str, Any]) -> None:
    """Queue an entry made by :func:`entry`; it is written when the transaction commits."""
    session.info.setdefault("audit_pending", []).append(item)


def entry(
    action: str,
    actor: Actor,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """An entry's columns, for :func:`record` or for a statement that writes it to the inbox
    itself (then call :func:`written_to_inbox`)."""
    return {
        "at": clock.now(),
        "actor_id": actor.id,
        "actor": actor.name,
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "detail": json.loads(json.dumps(detail, ensure_ascii=False, default=str)),
    }


def written_to_inbox(session: Session) -> None:
    """A statement of this transaction inserted into ``audit_inbox`` directly (PostgreSQL hot
    paths fold the entry into their own statement): seal after the commit."""
    session.info["audit_seal"] = True


def _head_for_update() -> Any:
    return select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()


def _chain(
    session: Session | Connection, items: list[dict[str, Any]], head: tuple[int, str] | None = None
) -> int:
    """Number and chain ``items`` after the head, under the head row's lock; returns the count."""
    seq, prev = head if head is not None else tuple(session.execute(_head_for_update()).one())
    rows = []
    for item in items:
        seq += 1
        digest = chain_hash(prev, canonical(seq, **item))
        rows.append({"seq": seq, "prev_hash": prev, "hash": digest, **item})
        prev = digest
    session.execute(insert(ENTRIES), rows)
    session.execute(update(HEAD).where(AuditHead.id == 1).values(seq=seq, hash=prev))
    return len(rows)


_INBOX_FIELDS = ("at", "actor_id", "actor", "action", "object_type", "object_id", "detail")


def seal(conn: Session | Connection, limit: int = 5000) -> int:
    """Move committed inbox entries into the chain, oldest first (the caller commits).

    The head row is locked *before* the inbox is read, so concurrent sealers queue instead of
    chaining the same entries twice.  PostgreSQL only (``DELETE … RETURNING`` of a batch)."""
    seq, prev = conn.execute(_head_for_update()).one()
    inbox = INBOX
    batch = select(inbox.c.id).order_by(inbox.c.id).limit(limit).scalar_subquery()
    rows = sorted(
        conn.execute(delete(inbox).where(inbox.c.id.in_(batch)).returning(*inbox.c)), key=lambda r: r.id
    )
    if not rows:
        return 0
    return _chain(conn, [{f: getattr(r, f) for f in _INBOX_FIELDS} for r in rows], head=(seq, prev))


def seal_all(engine: Engine, limit: int = 5000) -> int:
    """Seal until the inbox is empty, each batch of ``limit`` in its own short transaction."""
    total = 0
    while True:
        with engine.begin() as conn:  # Core, not a Session: this runs inside Session hooks
            n = seal(conn, limit)
        total += n
        if n < limit:
            return total


def pending_count(session: Session | Connection) -> int:
    return int(session.scalar(select(func.count()).select_from(AuditInbox)) or 0)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction():  # releasing a SAVEPOINT: chain at the real commit
        return
    pending = session.info.pop("audit_pending", None)
    if not pending:
        return
    if session.get_bind().dialect.name == "sqlite":  # writers are serialised already
        _chain(session, pending)
        return
    session.execute(insert(INBOX), pending if len(pending) > 1 else pending[0])
    session.info["audit_seal"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.pop("audit_seal", False):
        return
    from zhizhi.core import sealer  # imports this module; registers no hooks

    bind = session.get_bind()
    sealer.request(bind if isinstance(bind, Engine) else bind.engine)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("audit_pending", None)
    session.info.pop("audit_seal", None)


@dataclass(frozen=True, slots=True)
class VerifyResult:
    ok: bool
    count: int
    bad_seq: int | None = None
    problem: str | None = None
    pending: int = 0  # committed entries still waiting in the inbox to be chained


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
    return VerifyResult(True, count, pending=pending_count(session))
