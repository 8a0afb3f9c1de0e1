"""A scratch database of the backend under test, for migration tests that go down and up: a
database of its own on PostgreSQL (beside the test database), a file on SQLite; dropped after."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from zhizhi.core.db import get_engine


@contextmanager
def scratch_database(migrated: str, tag: str) -> Iterator[str]:
    """The URL of an empty database named after ``migrated`` and ``tag``; removed on exit."""
    admin = None
    if migrated.startswith("postgresql"):
        base = migrated.rsplit("/", 1)[0]
        name = f"{Path(migrated).name}_{tag}"
        admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{base}/{name}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix=f'zhizhi-{tag}-')}/m.db"
    try:
        yield url
    finally:
        get_engine(url).dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
