"""Test database on SQLite (default) or PostgreSQL (``ZHIZHI_TEST_DB=postgres``), built by the real
Alembic migrations once per run and emptied between tests."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

BACKEND = os.environ.get("ZHIZHI_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get("ZHIZHI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

if BACKEND == "postgres":
    # one database per checkout and xdist worker, so several checkouts can test at once
    _checkout = hashlib.sha1(
        str(Path(__file__).resolve().parents[1]).encode(), usedforsecurity=False
    ).hexdigest()[:6]
    _db_name = f"zhizhi_test_{_checkout}_{_worker}"
    TEST_URL = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{_db_name}"
else:
    _tmp = Path(tempfile.mkdtemp(prefix="zhizhi-test-"))
    TEST_URL = f"sqlite:///{_tmp / 'test.db'}"

os.environ["ZHIZHI_DATABASE_URL"] = TEST_URL
os.environ.setdefault("ZHIZHI_MAX_BODY_BYTES", "1000000")
os.environ["ZHIZHI_JOBS_INLINE"] = "true"  # post-commit jobs run before the response in tests
os.environ["ZHIZHI_AI_MODE"] = "inline"

from sqlalchemy import create_engine, text  # noqa: E402

from zhizhi.core import clock  # noqa: E402
from zhizhi.core.settings import get_settings  # noqa: E402

get_settings.cache_clear()

KEEP_TABLES = {"alembic_version", "calendar_days"}


def _create_pg_database() -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{_db_name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{_db_name}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated() -> Iterator[str]:
    from zhizhi.core.calendar_store import seed_known_years
    from zhizhi.core.db import dispose_all, unit_of_work
    from zhizhi.core.migrate import upgrade

    if BACKEND == "postgres":
        _create_pg_database()
    upgrade(TEST_URL)
    with unit_of_work(TEST_URL) as session:
        seed_known_years(session, range(2024, 2027))
    yield TEST_URL
    dispose_all()


def _truncate(url: str) -> None:
    from zhizhi.core.db import get_engine
    from zhizhi.migrations.models import Base

    engine = get_engine(url)
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))
        conn.execute(text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64})
        # the calendar is kept between tests, but only the seeded years (a test may import another)
        conn.execute(text("DELETE FROM calendar_days WHERE day < '2024-01-01' OR day > '2026-12-31'"))


@pytest.fixture
def db(migrated: str) -> Iterator[str]:
    """An empty database (calendar kept), unfrozen clock afterwards."""
    from zhizhi.catalogue import cache as catalogue_cache
    from zhizhi.core.calendar_store import invalidate_cache
    from zhizhi.org import principal_cache

    _truncate(migrated)
    invalidate_cache()
    catalogue_cache.invalidate()  # truncation is not an ORM change the caches could see
    principal_cache.clear()
    yield migrated
    clock.freeze(None)


@pytest.fixture
def session(db: str) -> Iterator[object]:
    from zhizhi.core.db import session_factory

    s = session_factory(db)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture
def app(db: str) -> object:
    from zhizhi.web.app import create_app

    return create_app()


@pytest.fixture
def client(app: object) -> Iterator[object]:
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:  # type: ignore[arg-type]
        yield c


@pytest.fixture
def world(client: object) -> object:
    from tests.builders import World

    return World.build(client)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, run only tests that touch the database (the rest ran on SQLite);
    on the SQLite pass, leave out tests of PostgreSQL-only machinery (``postgres_only``)."""
    if BACKEND != "postgres":
        only_pg = [item for item in items if item.get_closest_marker("postgres_only")]
        if only_pg:
            config.hook.pytest_deselected(items=only_pg)
            items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]
        return
    db_fixtures = {"db", "session", "app", "client", "world", "migrated"}
    selected, deselected = [], []
    for item in items:
        uses_db = bool(db_fixtures & set(getattr(item, "fixturenames", ()))) or item.get_closest_marker(
            "postgres"
        )
        (selected if uses_db else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
