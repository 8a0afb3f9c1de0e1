"""A short-lived per-process cache of bearer token → principal.

Every API request resolves its token; the lookup (token, user, department path) is one query,
which on intake is a fifth of the work.  A resolved principal is reused for ``TTL_SECONDS``.
What this process changes (a token revoked, a user disabled or moved, a department re-parented)
empties the cache when that transaction commits; a change made by another process takes effect
there within ``TTL_SECONDS``.  A token's own expiry is always checked against the clock.
The entries live in a ``cachetools.TTLCache`` (expiry after ``TTL_SECONDS``, least recently
used entries evicted beyond ``MAX_ENTRIES``), behind a lock since it is not thread-safe.
"""

from __future__ import annotations

import threading
from datetime import datetime
from itertools import chain

from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.orm import Session

from zhizhi.core.principal import Principal
from zhizhi.org.models import ApiToken, Department, User

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_entries: TTLCache[str, tuple[datetime, Principal]] = TTLCache(maxsize=MAX_ENTRIES, ttl=TTL_SECONDS)


def get(digest: str, now: datetime) -> Principal | None:
    with _lock:
        hit = _entries.get(digest)
    if hit is None:
        return None
    expires_at, principal = hit
    return principal if expires_at > now else None


def put(digest: str, expires_at: datetime, principal: Principal) -> None:
    with _lock:
        _entries[digest] = (expires_at, principal)


def clear() -> None:
    with _lock:
        _entries.clear()


_WATCHED = (ApiToken, User, Department)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: object) -> None:
    if any(isinstance(o, _WATCHED) for o in chain(session.dirty, session.deleted)):
        session.info["principals_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction() and session.info.pop("principals_changed", False):
        clear()
