"""A lifecycle as data: a table of transitions checked before any write."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from zhizhi.core.errors import Conflict
from zhizhi.core.permissions import Permission

STAY = "__stay__"  # the action records an event without changing status
PREVIOUS = "__previous__"  # back to the status saved when the object was suspended


@dataclass(frozen=True, slots=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    permission: Permission
    zh: str  # label shown in timelines, e.g. 派单
    en: str
    # the one other status the action's handler may choose instead of ``target`` (a bad rating
    # sends a case to review instead of leaving it where it is); ``None``: always ``target``
    branch: str | None = None


class TransitionTable:
    def __init__(self, transitions: Iterable[Transition]) -> None:
        self._by_action: dict[str, Transition] = {}
        for t in transitions:
            if t.action in self._by_action:
                raise ValueError(f"duplicate action {t.action}")
            self._by_action[t.action] = t

    def __contains__(self, action: object) -> bool:
        return action in self._by_action

    def __iter__(self) -> Iterator[Transition]:
        return iter(self._by_action.values())

    def get(self, action: str) -> Transition:
        return self._by_action[action]

    def actions(self) -> list[str]:
        return list(self._by_action)

    def available(self, status: str) -> list[Transition]:
        return [t for t in self._by_action.values() if status in t.sources]

    def check(self, action: str, status: StrEnum | str, status_label: tuple[str, str]) -> Transition:
        """The transition for ``action`` from ``status`` or a 409 naming why not."""
        t = self._by_action[action]
        if str(status) not in t.sources:
            zh_status, en_status = status_label
            raise Conflict(
                f"当前状态为「{zh_status}」，不能执行「{t.zh}」",
                f"cannot {t.en} a case whose status is {en_status}",
                action=action,
                current_status=str(status),
            )
        return t
