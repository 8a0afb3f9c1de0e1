"""Request-scoped unit of work: one session, committed before the response is sent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from zhizhi.core.db import session_factory
from zhizhi.core.errors import Conflict, ServiceUnavailable


@contextmanager
def request_transaction() -> Iterator[Session]:
    """One request's unit of work: commit at the end, roll back on any error, and turn database
    races (stale version, duplicate key, lock timeout) into 409/503 problems."""
    session = session_factory()()
    try:
        yield session
        session.commit()
    except StaleDataError as exc:
        session.rollback()
        raise Conflict(
            "该记录已被他人修改，请刷新后重试", "the record was changed by someone else; reload and retry"
        ) from exc
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            "数据冲突（重复或引用无效），未做任何修改",
            "conflicting data (duplicate or invalid reference); nothing was changed",
        ) from exc
    except OperationalError as exc:
        session.rollback()
        if "locked" in str(exc).lower() or "deadlock" in str(exc).lower():
            raise ServiceUnavailable("数据库繁忙，请稍后重试", "database busy; retry shortly") from exc
        if exc.connection_invalidated:  # the server dropped the connection (restart, failover)
            raise ServiceUnavailable(
                "数据库连接中断，未做任何修改，请重试", "database connection lost; nothing was changed, retry"
            ) from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def db_session() -> Iterator[Session]:
    """Commit when the endpoint returns, roll back when it raises.

    Declared with ``scope="function"`` so the commit happens *before* the response is sent:
    a commit that fails becomes an error response, never a 2xx for lost work.
    """
    with request_transaction() as session:
        yield session


DbSession = Annotated[Session, Depends(db_session, scope="function")]


def client_address(request: Request) -> str:
    """The caller's address as the server saw it (behind a proxy, run uvicorn with
    ``--proxy-headers --forwarded-allow-ips`` so this is the client's, docs/security.md)."""
    return request.client.host if request.client else "unknown"
