"""A per-process snapshot of the categories and time limits that every case creation reads.

Reference data changes a few times a year and is read on every intake, so each process keeps it
in memory instead of querying twice per case.  The snapshot is dropped when a transaction of
this process that changed a category or time limit commits, and rebuilt at most
``TTL_SECONDS`` after a change made by another process (another web worker, the CLI).  An
unknown category code triggers one rebuild before it is refused, so a category created
elsewhere is usable at once.  The snapshot is the one entry of a ``cachetools.TTLCache``;
a generation counter keeps a snapshot read while another thread invalidated from being stored.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from itertools import chain

from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.orm import Session

from zhizhi.catalogue import repository as repo
from zhizhi.catalogue.models import Category, CategoryChange, TimeLimit

TTL_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    id: int
    code: str
    name: str
    name_en: str | None
    active: bool
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    by_id: dict[int, CategoryInfo]
    active_by_key: dict[str, CategoryInfo]  # code, then a name no other active category has
    limits: dict[tuple[int | None, str], tuple[int, str, float | None]]  # (category, urgency) →


_lock = threading.Lock()
_cache: TTLCache[str, Snapshot] = TTLCache(maxsize=1, ttl=TTL_SECONDS)
_generation = 0


def invalidate() -> None:
    global _generation
    with _lock:
        _cache.clear()
        _generation += 1


def snapshot(session: Session, *, fresh: bool = False) -> Snapshot:
    with _lock:
        current, generation = _cache.get("snapshot"), _generation
    if current is not None and not fresh:
        return current
    cats = [
        CategoryInfo(r.id, r.code, r.name, r.name_en, r.active, r.parent_id)
        for r in repo.category_rows(session)
    ]
    names = Counter(c.name for c in cats if c.active)  # 其他 occurs under many parents: not a key
    by_key: dict[str, CategoryInfo] = {c.name: c for c in cats if c.active and names[c.name] == 1}
    by_key.update({c.code: c for c in cats if c.active})  # a code wins over an equal name
    limits = {
        (r.category_id, r.urgency): (r.amount, r.unit, r.warning_ratio) for r in repo.limit_rows(session)
    }
    built = Snapshot({c.id: c for c in cats}, by_key, limits)
    with _lock:
        if _generation == generation:  # nobody invalidated while we were reading
            _cache["snapshot"] = built
    return built


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: object) -> None:
    if any(
        isinstance(o, (Category, CategoryChange, TimeLimit))
        for o in chain(session.new, session.dirty, session.deleted)
    ):
        session.info["catalogue_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction() and session.info.pop("catalogue_changed", False):
        invalidate()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    if session.info.get("catalogue_changed"):  # kept for the outer commit if this was a SAVEPOINT
        invalidate()  # uncommitted rows may have been read into a snapshot meanwhile
