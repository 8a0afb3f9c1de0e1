"""Test database on SQLite (default) or PostgreSQL (``ZHIZHI_TEST_DB=postgres``), built by the real
Alembic migrations once per run and emptied between tests."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

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
os.environ["ZHIZHI_GC_FREEZE"] = "false"  # test processes start hundreds of apps (core.gcpolicy)
# every test shares the client address "testclient": the public rate limits are counted (the code
# runs) but set high; tests/security sets them low where it tests them
os.environ.setdefault(
    "ZHIZHI_RATE_LIMITS", '{"login": 10000, "intake": 10000, "track": 10000, "lookup": 100000}'
)
# the SM4 data keys of this run (docs/crypto.md): a key file of its own, never the checkout's var/
_KEYS_DIR = Path(tempfile.mkdtemp(prefix="zhizhi-test-keys-"))
os.environ["ZHIZHI_DATA_KEYS_FILE"] = str(_KEYS_DIR / "data-keys.json")
os.environ.pop("ZHIZHI_DATA_KEYS_URL", None)
(_KEYS_DIR / "data-keys.json").write_text(
    f'{{"format": "zhizhi-data-keys/1", "active": 1, "keys": {{"1": {{"key": "{os.urandom(16).hex()}", '
    f'"state": "active"}}}}, "index_key": "{os.urandom(32).hex()}"}}',
    encoding="utf-8",
)
# the audit chain's keys and checkpoints live outside the database (docs/audit.md): a folder per run
AUDIT_DIR = Path(tempfile.mkdtemp(prefix="zhizhi-audit-"))
os.environ["ZHIZHI_AUDIT_KEY_FILE"] = str(AUDIT_DIR / "audit.key")
os.environ["ZHIZHI_AUDIT_ANCHOR_KEY_FILE"] = str(AUDIT_DIR / "audit-anchor.key")
os.environ["ZHIZHI_AUDIT_ANCHOR_FILE"] = str(AUDIT_DIR / "audit-anchors.jsonl")
# attachments of this run (docs/attachments.md): a folder of their own, never the checkout's var/
os.environ["ZHIZHI_ATTACHMENT_DIR"] = tempfile.mkdtemp(prefix="zhizhi-attachments-")
os.environ["ZHIZHI_ATTACHMENT_STORAGE"] = "local"
# the certificates' SM2 key store of this run (wrapped with the data key above): never the
# checkout's var/, which a rotation under another test's key file would leave unreadable
os.environ["ZHIZHI_CERTIFICATE_KEYS_DIR"] = tempfile.mkdtemp(prefix="zhizhi-certificate-keys-")

from sqlalchemy import create_engine, text  # noqa: E402

from zhizhi.core import clock  # noqa: E402
from zhizhi.core.settings import get_settings  # noqa: E402

get_settings.cache_clear()


def _audit_keys() -> None:
    from zhizhi.core import anchor, auditkey

    auditkey.create()
    anchor.create_key()


_audit_keys()

KEEP_TABLES = {"alembic_version", "calendar_days"}
# procrastinate's queue (PostgreSQL; made by migration 0006, not in our metadata)
PROCRASTINATE_TABLES = ["procrastinate_jobs", "procrastinate_periodic_defers", "procrastinate_workers"]
# scripts/mutation.py passes --hypothesis-profile=mutation: the same examples for every mutant and
# every run (a mutant is killed or not, never by chance), and no example database left behind
hypothesis_settings.register_profile("mutation", derandomize=True, database=None)
_IMPORTED_BY = os.getpid()


def _database_for_this_process() -> tuple[str, Path | None]:
    """The test database URL, and a folder to remove afterwards if this process made its own.

    A process forked after this module was imported — the mutation run (scripts/mutation.py)
    runs each mutant's tests in such a fork, two at a time — gets a SQLite file of its own, so
    forks running at once never empty each other's tables."""
    if BACKEND == "postgres" or os.getpid() == _IMPORTED_BY:
        return TEST_URL, None
    folder = Path(tempfile.mkdtemp(prefix="zhizhi-test-fork-"))
    url = f"sqlite:///{folder / 'test.db'}"
    os.environ["ZHIZHI_DATABASE_URL"] = url
    get_settings.cache_clear()
    return url, folder


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

    url, own_folder = _database_for_this_process()
    if BACKEND == "postgres":
        _create_pg_database()
    upgrade(url)
    with unit_of_work(url) as session:
        seed_known_years(session, range(2024, 2027))
    yield url
    dispose_all()
    if own_folder is not None:
        shutil.rmtree(own_folder, ignore_errors=True)


def _truncate(url: str) -> None:
    from zhizhi.core.db import get_engine
    from zhizhi.migrations.models import Base

    engine = get_engine(url)
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in KEEP_TABLES]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            everything = ", ".join(tables + PROCRASTINATE_TABLES)
            conn.execute(text(f"TRUNCATE {everything} RESTART IDENTITY CASCADE"))
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
    from zhizhi.notifications import service as notifications
    from zhizhi.org import department_cache, principal_cache

    _truncate(migrated)
    (AUDIT_DIR / "audit-anchors.jsonl").unlink(missing_ok=True)  # checkpoints of the emptied chain
    # the signing keys of the emptied certificate_keys table: their private halves go with it
    shutil.rmtree(os.environ["ZHIZHI_CERTIFICATE_KEYS_DIR"], ignore_errors=True)
    invalidate_cache()
    catalogue_cache.invalidate()  # truncation is not an ORM change the caches could see
    principal_cache.clear()
    department_cache.clear()
    notifications.forget_wordings()
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


def _leave_out(config: pytest.Config, items: list[pytest.Item], marker: str) -> None:
    dropped = [item for item in items if item.get_closest_marker(marker)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker(marker)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass, run only tests that touch the database (the rest ran on SQLite)
    and leave out ``sqlite_only`` ones; on the SQLite pass, leave out tests of PostgreSQL-only
    machinery (``postgres_only``)."""
    if BACKEND != "postgres":
        _leave_out(config, items, "postgres_only")
        return
    _leave_out(config, items, "sqlite_only")
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


@pytest.fixture
def own_keys(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """A data-key file and a certificate key store of this test's own (a rotation rewrites both);
    the run's shared ones are untouched and back in force afterwards."""
    from zhizhi.core import fieldcrypt

    shared_keys = os.environ["ZHIZHI_DATA_KEYS_FILE"]
    shared_store = os.environ["ZHIZHI_CERTIFICATE_KEYS_DIR"]
    path = tmp_path / "keys.json"
    path.write_bytes(Path(shared_keys).read_bytes())
    store = tmp_path / "certificate-keys"
    if Path(shared_store).is_dir():
        shutil.copytree(shared_store, store)
    monkeypatch.setenv("ZHIZHI_DATA_KEYS_FILE", str(path))
    monkeypatch.setenv("ZHIZHI_CERTIFICATE_KEYS_DIR", str(store))
    get_settings.cache_clear()
    fieldcrypt.reset()
    yield path
    monkeypatch.setenv("ZHIZHI_DATA_KEYS_FILE", shared_keys)
    monkeypatch.setenv("ZHIZHI_CERTIFICATE_KEYS_DIR", shared_store)
    get_settings.cache_clear()
    fieldcrypt.reset()
