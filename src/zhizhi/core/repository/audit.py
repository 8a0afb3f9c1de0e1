"""SQL of the audit chain: the head row, the entries and the inbox (see :mod:`zhizhi.core.audit`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, column, func, insert, select, table, text, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
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


_WITH_INBOX: dict[tuple[Any, ...], Any] = {}


def _row_cte(table: Table, values: dict[str, Any], prefix: str = "") -> Any:
    """``INSERT`` of one row of ``table`` (parameters ``<prefix><column>``) as a CTE."""
    row = insert(table).values({c: bindparam(f"{prefix}{c}", type_=table.c[c].type) for c in values})
    return row.cte(f"new_{table.name}")


def _inbox_insert(source: Any = None) -> Any:
    """``INSERT INTO audit_inbox SELECT :au_…`` (``FROM source`` when given: one entry per row)."""
    entry = select(*(bindparam(f"au_{c}", type_=INBOX.c[c].type) for c in INBOX_FIELDS))
    if source is not None:
        entry = entry.select_from(source)
    return insert(INBOX).from_select(list(INBOX_FIELDS), entry)


def _entry_params(entry: dict[str, Any]) -> dict[str, Any]:
    return {f"au_{c}": entry[c] for c in INBOX_FIELDS}


def insert_with_inbox(session: Session, table: Table, values: dict[str, Any], entry: dict[str, Any]) -> None:
    """PostgreSQL: one row of ``table`` and its audit entry in one statement (the row in a CTE,
    the entry into ``audit_inbox``): one round trip for a hot path's write and its audit.  The
    statement is built once per table and column set."""
    key = (table.name, tuple(values))
    statement = _WITH_INBOX.get(key)
    if statement is None:
        statement = _WITH_INBOX[key] = _inbox_insert().add_cte(_row_cte(table, values))
    session.execute(statement, {**values, **_entry_params(entry)})


def update_insert_with_inbox(
    session: Session,
    target: Table,
    key: dict[str, Any],
    changes: dict[str, Any],
    table: Table,
    values: dict[str, Any],
    entry: dict[str, Any],
) -> bool:
    """PostgreSQL: ``UPDATE target SET changes WHERE key`` and one row of ``table`` in CTEs, the
    audit entry into ``audit_inbox`` selected from the update's ``RETURNING`` (so it exists only
    if the update matched a row): whether it did. Built once per tables and column sets."""
    cache_key = (target.name, tuple(key), tuple(changes), table.name, tuple(values))
    statement = _WITH_INBOX.get(cache_key)
    if statement is None:
        updated = (
            update(target)
            .where(*(target.c[c] == bindparam(f"k_{c}", type_=target.c[c].type) for c in key))
            .values({c: bindparam(f"u_{c}", type_=target.c[c].type) for c in changes})
            .returning(target.c[next(iter(key))])
            .cte(f"upd_{target.name}")
        )
        statement = _WITH_INBOX[cache_key] = (
            _inbox_insert(updated).add_cte(_row_cte(table, values, "r_")).returning(INBOX.c.id)
        )
    params = (
        {f"k_{c}": v for c, v in key.items()}
        | {f"u_{c}": v for c, v in changes.items()}
        | {f"r_{c}": v for c, v in values.items()}
        | _entry_params(entry)
    )
    return session.execute(statement, params).first() is not None


def _insert_once(dialect: str, table: Table, values: dict[str, Any], unique: str, prefix: str = "") -> Any:
    """``INSERT … ON CONFLICT (unique) DO NOTHING RETURNING id`` of one row of ``table``."""
    construct = pg_insert if dialect == "postgresql" else sqlite_insert
    row = construct(table).values({c: bindparam(f"{prefix}{c}", type_=table.c[c].type) for c in values})
    return row.on_conflict_do_nothing(index_elements=[unique]).returning(table.c.id)


def insert_once_with_inbox(
    session: Session, table: Table, values: dict[str, Any], unique: str, entry: dict[str, Any]
) -> int | None:
    """PostgreSQL: one row of ``table`` unless a row with the same ``unique`` value exists, and
    its audit entry naming the new row's id (``object_id``), in one statement; the entry exists
    only if the row was inserted. The new id, or ``None``. Built once per table and column set."""
    key = ("once", table.name, unique, tuple(values))
    statement = _WITH_INBOX.get(key)
    if statement is None:
        new = _insert_once("postgresql", table, values, unique, "r_").cte(f"new_{table.name}")
        fields = [
            sql_cast(new.c.id, INBOX.c.object_id.type)
            if c == "object_id"
            else bindparam(f"au_{c}", type_=INBOX.c[c].type)
            for c in INBOX_FIELDS
        ]
        statement = _WITH_INBOX[key] = (
            insert(INBOX)
            .from_select(list(INBOX_FIELDS), select(*fields).select_from(new))
            .returning(INBOX.c.object_id)
        )
    params = {f"r_{c}": v for c, v in values.items()} | _entry_params(entry)
    found = session.execute(statement, params).scalar()
    return None if found is None else int(found)


def insert_once(session: Session, table: Table, values: dict[str, Any], unique: str) -> int | None:
    """One row of ``table`` unless a row with the same ``unique`` value exists: its id, or ``None``."""
    statement = _insert_once(session.get_bind().dialect.name, table, values, unique)
    return session.execute(statement, values).scalar()


def insert_row(session: Session, table: Table, values: dict[str, Any]) -> None:
    session.execute(insert(table), values)


def read_inbox(conn: Session | Connection, limit: int) -> list[Any]:
    """Up to ``limit`` committed inbox entries, oldest first (id and the entry's columns)."""
    return list(
        conn.execute(
            select(INBOX.c.id, *(INBOX.c[f] for f in INBOX_FIELDS)).order_by(INBOX.c.id).limit(limit)
        )
    )


# The inbox rows of ``ids`` become chain entries inside the database: the entry's columns are
# moved by PostgreSQL, and only what Python computed (sequence numbers, hashes) is sent, as four
# arrays; the head moves in the same statement.  (An ``executemany`` of the entries cost the
# sealer half its time and the database a statement per entry: docs/benchmarks.md.)  The
# entry's columns are INBOX_FIELDS, as everywhere the inbox is written or read.
_MOVE = text(
    f"""
    WITH chained AS (
        SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:seqs AS bigint[]),
                             CAST(:prevs AS varchar[]), CAST(:hashes AS varchar[]))
            AS c(id, seq, prev_hash, hash)
    ), moved AS (
        DELETE FROM audit_inbox AS i USING chained AS c WHERE i.id = c.id
        RETURNING i.id, {", ".join(f"i.{c}" for c in INBOX_FIELDS)}
    ), head AS (
        UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1
    )
    INSERT INTO audit_log (seq, {", ".join(INBOX_FIELDS)}, prev_hash, hash, key_id)
    SELECT c.seq, {", ".join(f"m.{c}" for c in INBOX_FIELDS)}, c.prev_hash, c.hash, :key_id
    FROM moved AS m JOIN chained AS c ON c.id = m.id
    """
)


def move_inbox(
    conn: Session | Connection, ids: list[int], chained: list[tuple[int, str, str]], key_id: str
) -> None:
    """PostgreSQL: the inbox entries ``ids`` into the chain as ``chained`` (seq, prev_hash, hash,
    in the same order) under ``key_id``, deleted from the inbox, the head moved to the last one.
    The caller holds the head's lock; anything but every entry moved fails the transaction."""
    params = {
        "ids": ids,
        "seqs": [c[0] for c in chained],
        "prevs": [c[1] for c in chained],
        "hashes": [c[2] for c in chained],
        "seq": chained[-1][0],
        "hash": chained[-1][2],
        "key_id": key_id,
    }
    moved = cast(CursorResult[Any], conn.execute(_MOVE, params)).rowcount
    if moved != len(ids):
        raise RuntimeError(f"audit sealer moved {moved} of {len(ids)} inbox entries; rolled back")


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


ROW_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor_id,
    AuditEntry.actor,
    AuditEntry.action,
    AuditEntry.object_type,
    AuditEntry.object_id,
    AuditEntry.detail,
    AuditEntry.prev_hash,
    AuditEntry.hash,
    AuditEntry.key_id,
)


def entry_rows(conn: Session | Connection, batch: int = 20000, after: int = 0) -> Iterator[Any]:
    """The chain in order as plain rows (columns of :data:`ROW_COLUMNS`), keyset-paged so memory
    stays flat whatever the chain's length."""
    last = after
    while True:
        rows = conn.execute(
            select(*ROW_COLUMNS).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


_RAW: list[Any] = [column(c.key) for c in ROW_COLUMNS]  # untyped: rows as the driver returns them


def entry_rows_raw(
    conn: Session | Connection, batch: int = 20000, after: int = 0, upto: int | None = None
) -> Iterator[Any]:
    """:func:`entry_rows` without SQLAlchemy's result processing (``audit verify`` over millions
    of entries): ``at`` and ``detail`` come as the driver gives them — on SQLite an ISO string
    and JSON text, on PostgreSQL a datetime and a decoded value.  ``after``/``upto``: only the
    entries with ``after < seq <= upto`` (one segment of a parallel walk)."""
    last = after
    source = table("audit_log")
    while True:
        query = select(*_RAW).select_from(source).where(column("seq") > last)
        if upto is not None:
            query = query.where(column("seq") <= upto)
        rows = conn.execute(query.order_by(column("seq")).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def last_entry(conn: Session | Connection) -> Any:
    return conn.execute(select(*ROW_COLUMNS).order_by(AuditEntry.seq.desc()).limit(1)).first()


def rewrite(conn: Session | Connection, rows: list[dict[str, Any]]) -> None:
    """Rewrite the hashes of chained entries (``zhizhi audit rekey``): ``seq``, ``prev_hash``,
    ``hash``, ``key_id`` each; in two steps, since ``hash`` is unique."""
    table = ENTRIES
    conn.execute(
        update(table).where(table.c.seq == bindparam("b_seq")).values(hash=bindparam("b_tmp")),
        [{"b_seq": r["seq"], "b_tmp": f"~{r['seq']}"} for r in rows],
    )
    conn.execute(
        update(table)
        .where(table.c.seq == bindparam("b_seq"))
        .values(prev_hash=bindparam("b_prev"), hash=bindparam("b_hash"), key_id=bindparam("b_key")),
        [
            {"b_seq": r["seq"], "b_prev": r["prev_hash"], "b_hash": r["hash"], "b_key": r["key_id"]}
            for r in rows
        ],
    )


def set_head(conn: Session | Connection, seq: int, digest: str) -> None:
    conn.execute(update(HEAD).where(AuditHead.id == 1).values(seq=seq, hash=digest))


def head(session: Session | Connection) -> tuple[int, str] | None:
    row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
    return None if row is None else (int(row.seq), str(row.hash))


def max_seq(conn: Session | Connection) -> int:
    return int(conn.scalar(select(func.max(AuditEntry.seq))) or 0)


def export_snapshot(conn: Session | Connection) -> str:
    """PostgreSQL: the id of this transaction's snapshot, for other sessions to read the same."""
    return str(conn.scalar(text("SELECT pg_export_snapshot()")))


def import_snapshot(conn: Connection, snapshot: str) -> None:
    """PostgreSQL: read the snapshot another session exported (first statement of a
    ``REPEATABLE READ`` transaction)."""
    if not re.fullmatch(r"[0-9A-Fa-f-]+", snapshot):  # an id as pg_export_snapshot() gives it
        raise ValueError(f"not a snapshot id: {snapshot!r}")
    conn.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))


def count(conn: Session | Connection) -> int:
    return int(conn.scalar(select(func.count()).select_from(AuditEntry)) or 0)
