"""Tamper-evident audit log: every write appends an entry chained with HMAC-SM3.

``record()`` queues an entry on the session; only transactions that commit leave entries.
Entries are numbered and chained (``hash = HMAC-SM3(key, prev_hash || canonical entry)``, the
key from a file outside the database, :mod:`zhizhi.core.auditkey`; each entry records its key
id) under the lock of the head row, which holds the last sequence number and hash (so deleting
the newest entries is detected too).  :mod:`zhizhi.core.auditverify` walks the chain and names
every kind of tampering; signed checkpoints written outside the database
(:mod:`zhizhi.core.anchor`) catch a chain rewritten with the key.  docs/audit.md.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, event
from sqlalchemy.orm import Session

from zhizhi.core import auditkey, clock, jobs  # noqa: F401  (jobs' commit hooks first)
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
# json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str), built once
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
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
    key_id: str | None = None,
) -> bytes:
    """The bytes an entry's MAC covers (``key_id`` None: a legacy, unkeyed SM3 entry)."""
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
    if key_id is not None:
        body["key_id"] = key_id
    return _ENCODER.encode(body).encode()


def chain_hash(prev_hash: str, payload: bytes, key: bytes | None = None) -> str:
    """HMAC-SM3 under ``key``; plain SM3 only for legacy entries (``key`` None)."""
    if key is None:
        return sm3_hex(prev_hash.encode() + payload)
    return auditkey.hmac_sm3(key, prev_hash.encode() + payload)


def entry_hash(
    prev_hash: str, seq: int, item: Mapping[str, Any], key_id: str | None, key: bytes | None
) -> str:
    """The hash of the entry ``item`` (columns as in ``audit_log``) at ``seq`` after ``prev_hash``."""
    payload = canonical(
        seq,
        item["at"],
        item["actor_id"],
        item["actor"],
        item["action"],
        item["object_type"],
        item["object_id"],
        item["detail"],
        key_id,
    )
    return chain_hash(prev_hash, payload, key)


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


def insert_with_entry(session: Session, table: Table, values: dict[str, Any], entry: dict[str, Any]) -> None:
    """Insert one row of ``table`` and its audit entry (made by :func:`entry`), the hot paths'
    write (a case event, an exchange-log row).  On PostgreSQL one statement writes both, the entry
    into the inbox sealed after the commit; on SQLite the row is inserted and the entry queued for
    the commit's chain."""
    if session.get_bind().dialect.name != "postgresql":
        repo.insert_row(session, table, values)
        queue(session, entry)
        return
    repo.insert_with_inbox(session, table, values, entry)
    written_to_inbox(session)


def insert_once_with_entry(
    session: Session, table: Table, values: dict[str, Any], unique: str, entry: dict[str, Any]
) -> int | None:
    """Insert one row of ``table`` unless a row with the same ``unique`` value exists, with its
    audit entry (made by :func:`entry`; its ``object_id`` becomes the new row's id): the new id,
    or ``None`` and no entry. On PostgreSQL one statement (``ON CONFLICT DO NOTHING`` in a CTE,
    the entry selected from its ``RETURNING``); on SQLite the insert, the entry queued for the
    commit's chain."""
    if session.get_bind().dialect.name != "postgresql":
        new_id = repo.insert_once(session, table, values, unique)
        if new_id is not None:
            queue(session, {**entry, "object_id": str(new_id)})
        return new_id
    new_id = repo.insert_once_with_inbox(session, table, values, unique, entry)
    if new_id is not None:
        written_to_inbox(session)
    return new_id


def update_insert_with_entry(
    session: Session,
    target: Table,
    key: dict[str, Any],
    changes: dict[str, Any],
    table: Table,
    values: dict[str, Any],
    entry: dict[str, Any],
) -> bool:
    """PostgreSQL only: ``UPDATE target SET changes WHERE key``, one row of ``table`` and its audit
    entry (made by :func:`entry`) in one statement — a lifecycle action's whole write in one round
    trip. ``False`` when the update matched no row: then no entry was written and the caller must
    fail the transaction (the row of ``table`` is undone by its rollback)."""
    done = repo.update_insert_with_inbox(session, target, key, changes, table, values, entry)
    if done:
        written_to_inbox(session)
    return done


def _links(
    head: tuple[int, str], items: Sequence[Mapping[str, Any]], key_id: str, key: bytes
) -> list[tuple[int, str, str]]:
    """``(seq, prev_hash, hash)`` of each of ``items`` chained in order after ``head``."""
    seq, prev = head
    links = []
    for item in items:
        seq += 1
        digest = entry_hash(prev, seq, item, key_id, key)
        links.append((seq, prev, digest))
        prev = digest
    return links


def _chain(session: Session | Connection, items: list[dict[str, Any]]) -> int:
    """Number and chain ``items`` after the head, under the head row's lock; returns the count.
    No key, no chaining: :class:`~zhizhi.core.auditkey.AuditKeyError` (the transaction fails)."""
    ring = auditkey.load()
    links = _links(repo.head_for_update(session), items, ring.active_id, ring.active)
    rows = [
        {"seq": seq, "prev_hash": prev, "hash": digest, "key_id": ring.active_id, **item}
        for (seq, prev, digest), item in zip(links, items, strict=True)
    ]
    last_seq, _, last_hash = links[-1]
    repo.append(session, rows, last_seq, last_hash)
    return len(rows)


def seal(conn: Session | Connection, limit: int = 5000) -> int:
    """Move committed inbox entries into the chain, oldest first (the caller commits).

    The head row is locked *before* the inbox is read, so concurrent sealers queue instead of
    chaining the same entries twice.  PostgreSQL only: the entries are hashed here and moved by
    one statement (:func:`zhizhi.core.repository.audit.move_inbox`)."""
    head = repo.head_for_update(conn)
    rows = repo.read_inbox(conn, limit)
    if not rows:
        return 0
    ring = auditkey.load()
    links = _links(head, [row._mapping for row in rows], ring.active_id, ring.active)
    repo.move_inbox(conn, [row.id for row in rows], links, ring.active_id)
    return len(rows)


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


def verify(session: Session) -> Any:
    """Walk the chain and the anchors (:func:`zhizhi.core.auditverify.verify_chain`)."""
    from zhizhi.core import auditverify

    return auditverify.verify_chain(session)


def rekey(engine: Engine, batch: int = 5000) -> int:
    """Re-chain every entry under the active key (legacy SM3 entries after migration 0011, or
    entries of a retired key), in one transaction under the head's lock; returns the count.

    The caller verifies the chain first (``zhizhi audit rekey`` refuses a chain with any finding
    other than unkeyed entries): re-keying a tampered chain would launder the tampering."""
    ring = auditkey.load()
    key_id, key = ring.active_id, ring.active
    with engine.begin() as conn:
        repo.head_for_update(conn)
        prev, count, rows = GENESIS, 0, []
        for row in repo.entry_rows(conn):
            item = {c: getattr(row, c) for c in repo.INBOX_FIELDS}
            digest = entry_hash(prev, row.seq, item, key_id, key)
            rows.append({"seq": row.seq, "prev_hash": prev, "hash": digest, "key_id": key_id})
            prev, count = digest, count + 1
            if len(rows) >= batch:
                repo.rewrite(conn, rows)
                rows = []
        if rows:
            repo.rewrite(conn, rows)
        repo.set_head(conn, count, prev)
    return count


def require_key(engine: Engine) -> str:
    """Start-up check (web app, worker, demo): the key file loads and the chain's newest entry
    verifies under the key it names.  Raises :class:`~zhizhi.core.auditkey.AuditKeyError` with
    a message in both languages otherwise; returns the active key id."""
    ring = auditkey.load()
    auditkey.self_check()
    with engine.connect() as conn:
        last = repo.last_entry(conn)
    if last is None:
        return ring.active_id
    if last.key_id is None:
        raise auditkey.AuditKeyError(
            "审计链尚未加密钥链接（迁移 0011 之前的条目）：请先运行 `zhizhi audit rekey`",
            "the audit chain is not keyed yet (entries from before migration 0011): run `zhizhi audit rekey`",
        )
    item = {c: getattr(last, c) for c in repo.INBOX_FIELDS}
    if entry_hash(last.prev_hash, last.seq, item, last.key_id, ring.get(last.key_id)) != last.hash:
        raise auditkey.AuditKeyError(
            f"审计密钥错误：最新条目 {last.seq} 无法用密钥 {last.key_id} 验证（密钥文件 {ring.path} "
            "不是生成该链的密钥，或条目被篡改；运行 `zhizhi audit verify`）",
            f"wrong audit key: the newest entry {last.seq} does not verify under key {last.key_id} "
            f"(the key file {ring.path} is not the chain's key, or the entry was altered; run "
            "`zhizhi audit verify`)",
        )
    return ring.active_id
