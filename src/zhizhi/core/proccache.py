"""A short-lived per-process cache that forgets what this process changes.

Entries live at most ``ttl`` seconds (``cachetools.TTLCache``, least recently used entries
evicted beyond ``maxsize``), behind a lock since ``TTLCache`` is not thread-safe; an entry put
with an ``expires_at`` (a bearer token's own expiry) is never handed out after it.  When a
transaction of this process that wrote one of the ``watched`` models commits, the cache is
emptied; another process's change takes effect here within ``ttl``.  Used by the hot paths that
resolve a bearer token (``org.principal_cache``, ``sharing.cache``).
"""

from __future__ import annotations

import threading
from datetime import datetime
from itertools import chain
from typing import Any, Generic, TypeVar

from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.orm import Session

V = TypeVar("V")


class ProcessCache(Generic[V]):
    def __init__(
        self, name: str, *, ttl: float, maxsize: int, watched: tuple[type, ...] = (), inserts: bool = True
    ) -> None:
        """``inserts``: whether a new row of a watched model empties the cache too (a new token
        changes nothing already resolved; a new resource field does)."""
        self._lock = threading.Lock()
        self._entries: TTLCache[Any, tuple[datetime | None, V]] = TTLCache(maxsize=maxsize, ttl=ttl)
        if watched:
            flag = f"cache_changed:{name}"

            def after_flush(session: Session, _ctx: object) -> None:
                rows = chain(session.new if inserts else (), session.dirty, session.deleted)
                if any(isinstance(o, watched) for o in rows):
                    session.info[flag] = True

            def after_commit(session: Session) -> None:
                if not session.in_nested_transaction() and session.info.pop(flag, False):
                    self.clear()

            event.listen(Session, "after_flush", after_flush)
            event.listen(Session, "after_commit", after_commit)

    def get(self, key: Any, now: datetime | None = None) -> V | None:
        with self._lock:
            hit = self._entries.get(key)
        if hit is None:
            return None
        expires_at, value = hit
        return value if expires_at is None or (now is not None and expires_at > now) else None

    def put(self, key: Any, value: V, expires_at: datetime | None = None) -> None:
        with self._lock:
            self._entries[key] = (expires_at, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
