"""A short-lived per-process cache of department id → ``DepartmentRef``.

Every case action reads its units (the lead unit's subtree for the object policy, the lead and
co-units' names for the answer): without this, two queries of an action's five or six. A
department read is reused for ``TTL_SECONDS``. What this process changes (a department renamed,
re-parented, retired) empties the cache when that transaction commits; a change made by another
process takes effect there within ``TTL_SECONDS`` — the same bound as ``principal_cache``, whose
principals carry department paths. Entries live in a ``cachetools.TTLCache`` behind a lock.
"""

from __future__ import annotations

import threading
from itertools import chain

from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.orm import Session

from zhizhi.org.models import Department
from zhizhi.org.schemas import DepartmentRef

TTL_SECONDS = 5.0
MAX_ENTRIES = 20_000

_lock = threading.Lock()
_entries: TTLCache[int, DepartmentRef] = TTLCache(maxsize=MAX_ENTRIES, ttl=TTL_SECONDS)
_generation = 0  # bumped by clear(): a read that raced an invalidation is not stored


def get_many(ids: list[int]) -> tuple[dict[int, DepartmentRef], list[int], int]:
    """(the cached refs, the ids not cached, the generation to hand back to :func:`put_many`)."""
    found: dict[int, DepartmentRef] = {}
    missing: list[int] = []
    with _lock:
        for i in ids:
            ref = _entries.get(i)
            if ref is None:
                missing.append(i)
            else:
                found[i] = ref
        return found, missing, _generation


def put_many(refs: list[DepartmentRef], generation: int) -> None:
    with _lock:
        if generation == _generation:
            for ref in refs:
                _entries[ref.id] = ref


def clear() -> None:
    global _generation
    with _lock:
        _entries.clear()
        _generation += 1


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _ctx: object) -> None:
    if any(isinstance(o, Department) for o in chain(session.new, session.dirty, session.deleted)):
        session.info["departments_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not session.in_nested_transaction() and session.info.pop("departments_changed", False):
        clear()
