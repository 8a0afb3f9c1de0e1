"""The top navigation, built from the capabilities' :class:`~zhizhi.http.capability.NavEntry`s."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zhizhi.core.principal import Principal
from zhizhi.http.capability import NavEntry

_entries: list[NavEntry] = []


@dataclass(frozen=True, slots=True)
class Link:
    label: str  # message key
    url: str
    current: bool


def use_entries(entries: Iterable[NavEntry]) -> None:
    _entries[:] = sorted(entries, key=lambda e: e.order)


def _matches(entry: NavEntry, path: str) -> bool:
    if entry.match == "exact":
        return path == entry.url
    if entry.match == "prefix":
        return path.startswith(entry.url)
    return False


def links(principal: Principal | None, path: str) -> list[Link]:
    """The links ``principal`` sees (staff links when signed in, public ones otherwise).  Of the
    area's entries matching ``path`` the one with the longest URL is the current page, shown or
    not (``/work/intake`` is not the workbench even for a role without the intake link)."""
    area = [e for e in _entries if e.area == ("staff" if principal is not None else "public")]
    matching = [e for e in area if _matches(e, path)]
    current = max(matching, key=lambda e: len(e.url)) if matching else None
    return [
        Link(e.label, e.url, e is current)
        for e in area
        if e.permission is None or (principal is not None and principal.can(e.permission))
    ]


WORKBENCH = "/work"


def landing(principal: Principal) -> str:
    """Where ``principal`` lands after signing in: the staff page whose entry names its role as
    ``landing`` (and which it may open), else the workbench."""
    for e in _entries:
        allowed = e.permission is None or principal.can(e.permission)
        if e.area == "staff" and principal.role.value in e.landing and allowed:
            return e.url
    return WORKBENCH
