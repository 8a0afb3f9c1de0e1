"""The kind of a case by its number, remembered per process (the action path's first question).

An action's body is read by the lifecycle of the case's kind before the case is read under its
lock (a 422 comes first), so each action used to ask the database for the kind. A case's kind
never changes once created, so the answer is remembered here (a
:class:`~zhizhi.core.proccache.ProcessCache`: the least recently used beyond :data:`MAX`
numbers are forgotten). Where a database is built afresh (tests truncate it) a number can come
back as another kind: :func:`zhizhi.cases.service.perform_once` compares the remembered kind
with the locked row's and raises :class:`StaleKind` before anything is written; the caller
reads the body again by the right lifecycle (``cases.endpoints``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhizhi.cases import repository as repo
from zhizhi.core.proccache import ProcessCache

MAX = 200_000
_KINDS: ProcessCache[str] = ProcessCache("case_kinds", ttl=86_400, maxsize=MAX)


class StaleKind(Exception):
    """The body was read by another kind's lifecycle than the locked case's (``kind``)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def kind_of(session: Session, number: str, *, fresh: bool = False) -> str | None:
    """The kind of case ``number`` (``None``: no such case), unscoped: it only picks the lifecycle
    that reads an action's body, before the caller's scope is checked (``fresh``: ask the
    database again)."""
    kind = None if fresh else _KINDS.get(number)
    if kind is None:
        kind = repo.kind_of(session, number)
        if kind is not None:
            remember(number, kind)
    return kind


def remember(number: str, kind: str) -> None:
    _KINDS.put(number, kind)
