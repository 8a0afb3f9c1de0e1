"""A short-lived per-process cache of bearer token → principal.

Every API request resolves its token; the lookup (token, user, department path) is one query,
which on intake is a fifth of the work.  A resolved principal is reused for ``TTL_SECONDS``.
What this process changes (a token revoked, a user disabled or moved, a department re-parented)
empties the cache when that transaction commits; a change made by another process takes effect
there within ``TTL_SECONDS``.  A token's own expiry is always checked against the clock.
The entries live in a :class:`zhizhi.core.proccache.ProcessCache` (expiry after ``TTL_SECONDS``,
least recently used entries evicted beyond ``MAX_ENTRIES``).
"""

from __future__ import annotations

from datetime import datetime

from zhizhi.core.principal import Principal
from zhizhi.core.proccache import ProcessCache
from zhizhi.org.models import ApiToken, Department, User

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000

# a new token or user changes no principal already resolved: only updates and deletions count
_entries: ProcessCache[Principal] = ProcessCache(
    "principals", ttl=TTL_SECONDS, maxsize=MAX_ENTRIES, watched=(ApiToken, User, Department), inserts=False
)


def get(digest: str, now: datetime) -> Principal | None:
    return _entries.get(digest, now)


def put(digest: str, expires_at: datetime, principal: Principal) -> None:
    _entries.put(digest, principal, expires_at)


def clear() -> None:
    _entries.clear()
