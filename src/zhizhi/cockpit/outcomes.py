"""Outcomes, not traces: how often a closed problem comes back (复发率).

A closed case *recurs within N days* when a new appeal registered after its closure, at most N
days later, describes the same problem at the same place.  "Same problem, same place" is the
duplicate model's judgement (:mod:`zhizhi.intelligence.duplicates`, the one that proposes 并单):
its score reaches :data:`~zhizhi.intelligence.duplicates.DEFAULT_THRESHOLD` *and* its place
component reaches :data:`PLACE_MIN` (the same coordinates within a few hundred metres, the same
grid, or the same named road, community or building).  Text alone, or place alone, never makes a
recurrence.

The rate over a period is ``closed cases that recurred within N days / closed cases`` for
N = 30 and 90, over the cases registered in the period and closed (the denominator of the other
rates' period).  A window still running counts what has come back so far: the figure can only
grow as time passes, never shrink.  A unit is flagged (满意率高但问题复发) when its satisfaction rate
is at least :data:`HIGH_SATISFACTION` % while at least :data:`HIGH_RECURRENCE` % of its closed
cases came back within 90 days, over at least :data:`MIN_CLOSED` closed cases.  Documented in
docs/cockpit.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from zhizhi.intelligence.duplicates import DEFAULT_THRESHOLD, Appeal, DuplicateIndex

WINDOWS = (30, 90)
PLACE_MIN = 0.5
HIGH_SATISFACTION = 90
HIGH_RECURRENCE = 20
MIN_CLOSED = 3


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A closed case and the first appeal that brought its problem back (``None``: none yet)."""

    number: str
    unit: str | None
    returned_by: str | None
    days: float | None  # from closure to the returning appeal

    def within(self, window: int) -> bool:
        return self.days is not None and self.days <= window


def appeal_of(row: Any) -> Appeal:
    return Appeal(
        subject=row.subject or "",
        body=row.content or "",
        created_at=row.created_at,
        id=row.number,
        address=row.address,
        division_code=row.division_code,
        grid_code=row.grid_code,
        lat=row.latitude,
        lon=row.longitude,
    )


def find_recurrences(closed: Sequence[Any], later: Sequence[Any], *, horizon: int = 90) -> list[Recurrence]:
    """For each closed row (``closed_at``, ``unit`` and the place columns) the first later row
    (an appeal registered after the closure, within ``horizon`` days) on the same problem at the
    same place."""
    appeals = [appeal_of(r) for r in later]
    created: dict[str, datetime] = {r.number: r.created_at for r in later}
    index = DuplicateIndex(appeals) if appeals else None
    out: list[Recurrence] = []
    for row in closed:
        first: tuple[float, str] | None = None
        if index is not None:
            for m in index.score_all(appeal_of(row)):
                if m.id == row.number or m.score < DEFAULT_THRESHOLD or m.place < PLACE_MIN:
                    continue
                days = (created[m.id] - row.closed_at).total_seconds() / 86400
                if 0 < days <= horizon and (first is None or (days, m.id) < first):
                    first = (days, m.id)
        out.append(
            Recurrence(
                row.number,
                row.unit,
                first[1] if first else None,
                round(first[0], 2) if first else None,
            )
        )
    return out


def _rate(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def summarise(found: Iterable[Recurrence]) -> dict[str, Any]:
    """``closed``, ``recurred_30``/``_90`` counts and ``rate_30``/``_90`` (% or None)."""
    items = list(found)
    out: dict[str, Any] = {"closed": len(items)}
    for w in WINDOWS:
        n = sum(1 for r in items if r.within(w))
        out[f"recurred_{w}"] = n
        out[f"rate_{w}"] = _rate(n, len(items))
    out["examples"] = [(r.number, r.returned_by, r.days) for r in items if r.returned_by][:10]
    return out


def by_unit(found: Iterable[Recurrence]) -> dict[str, dict[str, Any]]:
    units: dict[str, list[Recurrence]] = {}
    for r in found:
        if r.unit is not None:
            units.setdefault(r.unit, []).append(r)
    return {u: summarise(rs) for u, rs in units.items()}


def flagged(satisfaction: float | None, outcome: dict[str, Any] | None) -> bool:
    """High satisfaction while problems come back (see the module docstring)."""
    if satisfaction is None or not outcome or outcome["closed"] < MIN_CLOSED:
        return False
    rate = outcome["rate_90"]
    return satisfaction >= HIGH_SATISFACTION and rate is not None and rate >= HIGH_RECURRENCE
