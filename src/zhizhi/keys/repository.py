"""SQL of the key records (data_keys, key_rotations)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, TableClause, Text, and_, bindparam, func, or_, select, update
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.orm import Session

from zhizhi.keys.models import DataKey, KeyRotation


def data_keys(session: Session) -> list[DataKey]:
    return list(session.scalars(select(DataKey).order_by(DataKey.purpose, DataKey.version)))


def add(session: Session, row: DataKey | KeyRotation) -> None:
    session.add(row)
    session.flush()


def rotation(session: Session, to_version: int, target: str) -> KeyRotation | None:
    stmt = select(KeyRotation).where(KeyRotation.to_version == to_version, KeyRotation.target == target)
    return session.scalar(stmt)


INDEX_PREFIX = "index:"  # progress rows of a blind-index rotation: target "index:<table>"


def unfinished_rotations(session: Session, *, index: bool = False) -> list[KeyRotation]:
    """Unfinished progress rows of a data key rotation, or (``index``) of an index rotation."""
    kind = KeyRotation.target.like(f"{INDEX_PREFIX}%")
    stmt = (
        select(KeyRotation)
        .where(KeyRotation.finished_at.is_(None), kind if index else ~kind)
        .order_by(KeyRotation.id)
    )
    return list(session.scalars(stmt))


# ---- re-encryption of other domains' encrypted columns ----------------------------------------
# The domains name their encrypted columns (``cases.service.ENCRYPTED_COLUMNS`` …); these
# statements read and write them as raw text (envelopes), never through the models' types.


def _raw(table: str, columns: Sequence[str]) -> TableClause:
    return sa_table(table, sa_column("id", Integer), *(sa_column(c, Text) for c in columns))


def raw_batch(session: Session, table: str, columns: Sequence[str], after_id: int, limit: int) -> list[Any]:
    """The next ``limit`` rows after ``after_id`` (id order): id and the envelopes."""
    t = _raw(table, columns)
    stmt = select(t.c.id, *(t.c[c] for c in columns)).where(t.c.id > after_id).order_by(t.c.id).limit(limit)
    return list(session.execute(stmt).all())


def swap_envelopes(session: Session, table: str, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
    """Write each row's new envelopes (``new_<column>``) where its columns still hold the old
    ones (``old_<column>``): a value changed meanwhile by the platform is left as it is."""
    if not rows:
        return
    t = _raw(table, columns)
    stmt = (
        update(t)
        .where(
            t.c.id == bindparam("row_id"),
            *(t.c[c].is_not_distinct_from(bindparam(f"old_{c}")) for c in columns),
        )
        .values({c: bindparam(f"new_{c}") for c in columns})
    )
    session.execute(stmt, rows)


def count_not_under(session: Session, table: str, columns: Sequence[str], version: int) -> int:
    """Rows with a value in ``columns`` that is not an envelope of key ``version``."""
    t = _raw(table, columns)
    prefix = f"sm4g:{version}:%"
    stale = or_(*(and_(t.c[c].is_not(None), t.c[c].not_like(prefix)) for c in columns))
    return int(session.scalar(select(func.count()).select_from(t).where(stale)) or 0)


def swap_indexes(
    session: Session, table: str, source: str, indexes: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """Write each row's new blind indexes (``new_<column>``) where its ``source`` column still
    holds the envelope they were computed from (``old_source``): a phone changed meanwhile keeps
    the index its writer computed."""
    if not rows:
        return
    t = _raw(table, [source, *indexes])
    stmt = (
        update(t)
        .where(t.c.id == bindparam("row_id"), t.c[source].is_not_distinct_from(bindparam("old_source")))
        .values({c: bindparam(f"new_{c}") for c in indexes})
    )
    session.execute(stmt, rows)
