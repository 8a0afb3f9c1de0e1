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
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from zhizhi.core import clock, jobs  # noqa: F401  (its commit hooks must be registered before any commit)
from zhizhi.core.crypto import sm3_hex
from zhizhi.core.db import register_pending
from zhizhi.core.models import (  # noqa: F401  (the tables, for readers and the intake statement)
    ENTRIES,
    HEAD,
    INBOX,
    AuditEntry,
    AuditHead,
    AuditInbox,
)
from zhizhi.core.repository import audit as repo

GENESIS = "0" * 64
register_pending("audit_pending")


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


def _chain(
    session: Session | Connection, items: list[dict[str, Any]], head: tuple[int, str] | None = None
) -> int:
    """Number and chain ``items`` after the head, under the head row's lock; returns the count."""
    seq, prev = head if head is not None else repo.head_for_update(session)
    rows = []
    for item in items:
        seq += 1
        digest = chain_hash(prev, canonical(seq, **item))
        rows.append({"seq": seq, "prev_hash": prev, "hash": digest, **item})
        prev = digest
    repo.append(session, rows, seq, prev)
    return len(rows)


def seal(conn: Session | Connection, limit: int = 5000) -> int:
    """Move committed inbox entries into the chain, oldest first (the caller commits).

    The head row is locked *before* the inbox is read, so concurrent sealers queue instead of
    chaining the same entries twice.  PostgreSQL only (``DELETE … RETURNING`` of a batch)."""
    head = repo.head_for_update(conn)
    items = repo.take_inbox(conn, limit)
    if not items:
        return 0
    return _chain(conn, items, head=head)


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
    """Committed entries still waiting in the inbox to be chained."""
    return repo.pending_count(session)


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
    repo.insert_inbox(session, pending)
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


def verify(session: Session) -> VerifyResult:
    """Walk the chain; the first entry whose hash, link or position is wrong is reported."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in repo.entries(session):
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
    head_seq, head_hash = repo.head(session) or (0, GENESIS)
    if head_seq != count or head_hash != prev_hash:
        return VerifyResult(
            False,
            count,
            count + 1 if head_seq > count else head_seq,
            f"the chain ends at entry {count} but the head records entry {head_seq}: "
            "newest entries deleted or head altered",
        )
    return VerifyResult(True, count, pending=pending_count(session))
