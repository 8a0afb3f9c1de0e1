"""Database: engine per URL, declarative base, UTC datetime type, one session per unit of work.

Services only ``flush``; the unit of work (request dependency, CLI command, job) commits or
rolls back.  On SQLite every transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers
queue instead of failing on a stale snapshot; on PostgreSQL row locks and version counters
decide races.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, MetaData, create_engine, event, exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from zhizhi.core.settings import get_settings

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(postgresql.JSONB(), "postgresql")

_engines: dict[str, Engine] = {}
_factories: dict[str, sessionmaker[Session]] = {}
_lock = threading.Lock()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # a connection marked ``read_only`` (e.g. a parallel ``audit verify`` range) takes no
        # write lock: in WAL mode it reads beside a writer instead of queueing behind it
        readonly = conn.get_execution_options().get("read_only", False)
        conn.exec_driver_sql("BEGIN DEFERRED" if readonly else "BEGIN IMMEDIATE")


#: A pooled PostgreSQL connection idle for at least this long is pinged before use (see
#: :func:`_ping_when_idle`); a busy pool skips the ping.
PING_AFTER_IDLE_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling, but only for connections that sat idle in the pool.

    SQLAlchemy's ``pool_pre_ping`` costs a ``SELECT 1`` round trip on every checkout (3 % of a
    case creation's CPU and one more network wait).  A connection returned to the pool moments
    ago is almost certainly alive; one idle for :data:`PING_AFTER_IDLE_SECONDS` is pinged and
    replaced if dead (raising ``DisconnectionError`` makes the pool retry with a new one).  If
    the server drops connections that were in use moments ago (a restart under load), the
    request on such a connection fails with a 503 (``http.deps``), SQLAlchemy invalidates the
    whole pool, and the client's retry (idempotent with an ``Idempotency-Key``) gets a fresh one.
    """

    @event.listens_for(engine, "connect")
    def _connected(_dbapi_conn: Any, record: Any) -> None:
        record.info["zz_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["zz_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("zz_idle_since")
        if since is not None and time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as err:  # any failure means the connection is unusable
            raise exc.DisconnectionError(str(err)) from err


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            from pathlib import Path

            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    # JIT compilation pays off for long analytic queries, not for an OLTP application: on the
    # row-scoped queue queries it spent 200–400 ms compiling 24 ms of work (docs/bench/cockpit.md).
    kwargs.setdefault("connect_args", {"options": "-c jit=off"})
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    url = url or get_settings().database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url, echo=get_settings().sql_echo)
            _engines[url] = engine
        return engine


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    url = url or get_settings().database_url
    with _lock:
        factory = _factories.get(url)
    if factory is None:
        factory = sessionmaker(bind=get_engine(url), expire_on_commit=False, autoflush=False)
        with _lock:
            _factories[url] = factory
    return factory


def dispose_all() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _factories.clear()


# ``session.info`` keys under which hooks queue work until the real commit (audit entries, jobs);
# the modules that own them register here, so a SAVEPOINT can restore them on rollback.
PENDING_KEYS: list[str] = []


def register_pending(key: str) -> None:
    if key not in PENDING_KEYS:
        PENDING_KEYS.append(key)


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """A SAVEPOINT whose rollback also forgets the audit entries and jobs queued inside it."""
    saved = {k: list(session.info.get(k, [])) for k in PENDING_KEYS}
    try:
        with session.begin_nested():
            yield
    except BaseException:
        for key, items in saved.items():
            session.info[key] = items
        raise


@contextmanager
def unit_of_work(url: str | None = None) -> Iterator[Session]:
    """One session, one transaction: commit on success, roll back on any exception."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
