"""Per-process caches of the exchange's hot path: bearer token → consumer, and resource code →
its snapshot (columns and field views).  Each entry lives ``TTL_SECONDS``; what this process
changes (a resource or its fields saved, a client written, a token issued) empties them when
that transaction commits; another process's change takes effect here within ``TTL_SECONDS``.
Grants are never cached: a revocation takes effect on the next call everywhere."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.orm import Session

from zhizhi.sharing.models import AccessToken, Client, Resource, ResourceField

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_consumers: TTLCache[str, tuple[datetime, Any]] = TTLCache(maxsize=MAX_ENTRIES, ttl=TTL_SECONDS)
_resources: TTLCache[str, Any] = TTLCache(maxsize=MAX_ENTRIES, ttl=TTL_SECONDS)


@dataclass(frozen=True, slots=True)
class ResourceSnapshot:
    """What the exchange reads of a resource (the adapters take it as they take the row)."""

    id: int
    code: str
    owner_department_id: int
    adapter: str
    adapter_target: str
    key_field: str
    subject_field: str | None
    fields: dict[str, Any]  # name → policy.FieldView, in the catalogue's order


def consumer(digest: str, now: datetime) -> Any | None:
    with _lock:
        hit = _consumers.get(digest)
    if hit is None:
        return None
    expires_at, value = hit
    return value if expires_at > now else None


def put_consumer(digest: str, expires_at: datetime, value: Any) -> None:
    with _lock:
        _consumers[digest] = (expires_at, value)


def resource(code: str) -> ResourceSnapshot | None:
    with _lock:
        return _resources.get(code)


def put_resource(snapshot: ResourceSnapshot) -> None:
    with _lock:
        _resources[snapshot.code] = snapshot


def clear() -> None:
    with _lock:
        _consumers.clear()
        _resources.clear()


_WATCHED = (Resource, ResourceField, Client, AccessToken)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: object) -> None:
    if any(isinstance(o, _WATCHED) for o in chain(session.new, session.dirty, session.deleted)):
        session.info["sharing_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction() and session.info.pop("sharing_changed", False):
        clear()
