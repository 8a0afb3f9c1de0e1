"""Throttling shared by every process through the database (``throttle_counters``): login
lockouts per account and per source address, and fixed-window rate limits on public endpoints.

Counters are rows updated by one atomic upsert (PostgreSQL and SQLite alike), so several web
processes and a restart see the same counts; the SQLite demo needs no other server.
See docs/security.md.  The package re-exports these functions (``throttle.check_login`` …); the
rules live in this module so that mutation testing can name them (docs/mutation.md).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from zhizhi.core import clock
from zhizhi.core.errors import TooManyRequests
from zhizhi.core.settings import get_settings
from zhizhi.core.throttle import repository as repo

_LOCAL_FORMAT = "%Y-%m-%d %H:%M:%S"


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def account_key(username: str) -> str:
    return f"login:user:{username.strip().lower()[:80]}"


def address_key(address: str) -> str:
    return f"login:addr:{address[:64]}"


def locked(until: datetime, now: datetime) -> TooManyRequests:
    local = clock.to_local(until).strftime(_LOCAL_FORMAT)
    return TooManyRequests(
        f"登录失败次数过多，已暂时锁定，请于 {local}（北京时间）后再试",
        f"too many failed logins: locked until {local} (Beijing time); try again then",
        field="username",
        retry_after=_seconds_until(until, now),
        until=until.isoformat(),
    )


def check_login(session: Session, username: str, address: str) -> None:
    """Raise 429 when the account or the source address is locked out."""
    now = clock.now()
    until = repo.locked_until(session, [account_key(username), address_key(address)], now)
    if until is not None:
        raise locked(until, now)


def login_failed(session: Session, username: str, address: str) -> list[tuple[str, int]]:
    """Count a failed login for the account and the address; lock those that reach their limit.
    Returns the keys locked now with their failure counts (for one audit entry each)."""
    settings = get_settings()
    now = clock.now()
    window = timedelta(minutes=settings.login_window_minutes)
    until = now + timedelta(minutes=settings.login_lockout_minutes)
    newly_locked = []
    for key, limit in (
        (account_key(username), settings.login_max_failures),
        (address_key(address), settings.login_address_max_failures),
    ):
        hits, _ = repo.hit(session, key, now, now - window)
        if hits >= limit:
            repo.lock(session, key, until, now)
            newly_locked.append((key, hits))
    return newly_locked


def login_succeeded(session: Session, username: str) -> None:
    """A successful login forgets the account's failures (the address keeps its count)."""
    repo.clear(session, account_key(username))


def unlock(session: Session, key: str) -> None:
    """Forget ``key``'s failures and lock (an administrator's ``zhizhi users unlock``)."""
    repo.clear(session, key)


def limit(session: Session, group: str, address: str, *, window_seconds: int = 60) -> None:
    """Count one request of ``group`` from ``address``; 429 beyond the group's limit per window
    (``ZHIZHI_RATE_LIMITS``; a group without a limit is never counted)."""
    allowed = get_settings().rate_limits.get(group, 0)
    if allowed <= 0:
        return
    now = clock.now()
    key = f"rate:{group}:{address[:64]}"
    hits, start = repo.hit(session, key, now, now - timedelta(seconds=window_seconds))
    if hits > allowed:
        retry = _seconds_until(start + timedelta(seconds=window_seconds), now)
        raise TooManyRequests(
            f"请求过于频繁，请 {retry} 秒后再试",
            f"too many requests; retry in {retry} seconds",
            retry_after=retry,
        )


def purge(session: Session, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete stale counters (run daily by the job queue)."""
    now = clock.now()
    return repo.purge(session, now - older_than, now)
