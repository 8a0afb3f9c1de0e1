"""Migration 0018_window goes one step down and up again on both backends: its tables, and the
users' role check that lets ``window_clerk`` in (rewritten in place on SQLite, no table copy)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.scratch_db import scratch_database, table_names
from zhizhi.core.migrate import downgrade, upgrade

TABLES = {
    "service_windows",
    "service_window_clerks",
    "service_window_receptions",
    "service_ratings",
    "service_rectifications",
}
INSERT = (
    "INSERT INTO users (username, display_name, password_hash, role, active, created_at) "
    "VALUES (:u, :u, 'x', :role, true, CURRENT_TIMESTAMP)"
)


def _insert_user(url: str, username: str, role: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(INSERT), {"u": username, "role": role})
    finally:
        engine.dispose()


def _role_of(url: str, username: str) -> tuple[str, bool]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT role, active FROM users WHERE username = :u"), {"u": username}
            ).one()
            return str(row[0]), bool(row[1])
    finally:
        engine.dispose()


def test_migration_0018_window_goes_down_and_up_again(migrated: str) -> None:
    with scratch_database(migrated, "0018w") as url:
        upgrade(url, "0018_window")
        assert table_names(url) >= TABLES
        _insert_user(url, "clerk", "window_clerk")
        with pytest.raises(IntegrityError):
            _insert_user(url, "bogus", "superuser")
        downgrade(url, "-1")
        assert table_names(url) & TABLES == set()
        assert _role_of(url, "clerk") == ("public", False)  # kept, disabled, no staff role left
        with pytest.raises(IntegrityError):
            _insert_user(url, "clerk2", "window_clerk")
        upgrade(url, "0018_window")
        assert table_names(url) >= TABLES
        _insert_user(url, "clerk3", "window_clerk")
