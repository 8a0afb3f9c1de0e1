"""Rewriting a SQLite table's stored definition in place, for a change that leaves every stored
row valid (a CHECK widened or narrowed): SQLite cannot alter a check, and a batch copy would drop
the table under every foreign key pointing at it (for ``cases``: its timeline events). This is
SQLite's documented procedure (https://sqlite.org/lang_altertable.html#otheralter): the schema
cookie is bumped so that every connection reloads the definition. Used by the migrations only."""

from __future__ import annotations

from typing import Any


def table_sql(bind: Any, table: str) -> str:
    """The ``CREATE TABLE`` text SQLite keeps for ``table``."""
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    if not isinstance(sql, str):
        raise RuntimeError(f"table {table} not found")
    return sql


def replace_table_sql(bind: Any, table: str, sql: str) -> None:
    """Store ``sql`` as the definition of ``table`` and bump the schema cookie."""
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version or 0) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
