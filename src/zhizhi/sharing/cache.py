"""Per-process caches of the exchange's hot path: bearer token → consumer, and resource code →
its snapshot (columns and field views).  Each entry lives ``TTL_SECONDS``; what this process
changes (a resource or its fields saved, a client written, a token issued) empties them when
that transaction commits; another process's change takes effect here within ``TTL_SECONDS``.
Grants are never cached: a revocation takes effect on the next call everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhizhi.core.proccache import ProcessCache
from zhizhi.sharing.models import AccessToken, Client, Resource, ResourceField

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000

_WATCHED = (Resource, ResourceField, Client, AccessToken)
_consumers: ProcessCache[Any] = ProcessCache(
    "sharing.consumers", ttl=TTL_SECONDS, maxsize=MAX_ENTRIES, watched=_WATCHED
)
_resources: ProcessCache[ResourceSnapshot] = ProcessCache(
    "sharing.resources", ttl=TTL_SECONDS, maxsize=MAX_ENTRIES, watched=_WATCHED
)


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
    return _consumers.get(digest, now)


def put_consumer(digest: str, expires_at: datetime, value: Any) -> None:
    _consumers.put(digest, value, expires_at)


def resource(code: str) -> ResourceSnapshot | None:
    return _resources.get(code)


def put_resource(snapshot: ResourceSnapshot) -> None:
    _resources.put(snapshot.code, snapshot)


def clear() -> None:
    _consumers.clear()
    _resources.clear()
