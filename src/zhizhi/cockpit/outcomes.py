"""Outcomes, not traces: how often a closed problem comes back (复发率).

A closed case *recurs within N days* when a new appeal registered after its closure, at most N
days later, describes the same problem at the same place.  "Same problem, same place" is the
duplicate model's judgement (:mod:`zhizhi.intelligence.duplicates`, the one that proposes 并单):
its score reaches :data:`~zhizhi.intelligence.duplicates.DEFAULT_THRESHOLD`, its place
component reaches :data:`PLACE_MIN` (coordinates within about 500 m, the same grid or street, or
the same named road, community or building) and nothing about the two places conflicts (another
district, grid or division, or more than 2 km apart; two house-number addresses on different
roads, :func:`road_of`).  Text alone, or place alone, never makes a recurrence.

The rate over a period is ``closed cases that recurred within N days / closed cases`` for
N = 30 and 90, over the cases registered in the period and closed (the denominator of the other
rates' period).  A window still running counts what has come back so far: the figure can only
grow as time passes, never shrink.  A unit is flagged (满意率高但问题复发) when its satisfaction rate
is at least :data:`HIGH_SATISFACTION` % while at least :data:`HIGH_RECURRENCE` % of its closed
cases came back within 90 days, over at least :data:`MIN_CLOSED` closed cases.  Documented in
docs/cockpit.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zhizhi.intelligence.duplicates import DEFAULT_THRESHOLD, Appeal, DuplicateIndex, place_similarity
from zhizhi.intelligence.textsim import Places, extract_places

WINDOWS = (30, 90)
PLACE_MIN = 0.6
HIGH_SATISFACTION = 90
HIGH_RECURRENCE = 20
MIN_CLOSED = 5
_BATCH = 100  # closed cases scored per sparse product (bounds the dense text-score block)
SAMPLE = 1_000  # closed cases scored per period at most (an evenly spaced sample beyond)
TOP = 10  # later appeals of highest text similarity examined per closed case


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


_ROAD = re.compile(r"([^省市区县镇乡道\s]{2,12}?(?:路|街|大道|巷|环))\s*\d+\s*号")


def road_of(address: str | None) -> str | None:
    """The road of a house-number address (``…街道劳动西路971号`` → ``劳动西路``), if it names one."""
    m = _ROAD.search(address or "")
    return m.group(1) if m else None


def _same_road(a: str | None, b: str | None) -> bool:
    ra, rb = road_of(a), road_of(b)
    return ra is None or rb is None or ra == rb


def _places(a: Appeal) -> Places:
    return extract_places(f"{a.subject} {a.address or ''} {a.body[:300]}")


def _county(a: Appeal) -> str | None:
    code = a.division_code or ""
    return code[:6] if len(code) >= 6 else None


def _score_by_county(mine: Sequence[Appeal], later: Sequence[Appeal]) -> list[list[Any]]:
    """The duplicate model's matches of each closed case among the later appeals of its county
    (and those whose county is unknown); a closed case of unknown county is compared with all.
    Another county is a conflicting place, never a recurrence, so this only saves work — and it
    is how the model is used for 并单 (candidates of the case's county, their own IDF)."""
    counties: dict[str | None, list[int]] = {}
    for i, a in enumerate(later):
        counties.setdefault(_county(a), []).append(i)
    groups: dict[str | None, list[int]] = {}
    for k, a in enumerate(mine):
        groups.setdefault(_county(a), []).append(k)
    out: list[list[Any]] = [[] for _ in mine]
    for county, members in groups.items():
        pool = (
            list(range(len(later))) if county is None else counties.get(county, []) + counties.get(None, [])
        )
        if not pool:
            continue
        index = DuplicateIndex([later[i] for i in pool])
        for start in range(0, len(members), _BATCH):
            batch = members[start : start + _BATCH]
            for k, matches in zip(batch, index.score_many([mine[k] for k in batch], top=TOP), strict=True):
                out[k] = matches
    return out


def find_recurrences(closed: Sequence[Any], later: Sequence[Any], *, horizon: int = 90) -> list[Recurrence]:
    """For each closed row (``closed_at``, ``unit`` and the place columns) the first later row
    (an appeal registered after the closure, within ``horizon`` days) on the same problem at the
    same place."""
    appeals = [appeal_of(r) for r in later]
    by_number = {a.id: (i, r.created_at) for i, (a, r) in enumerate(zip(appeals, later, strict=True))}
    mine_all = [appeal_of(r) for r in closed]
    scored = _score_by_county(mine_all, appeals)
    out: list[Recurrence] = []
    for row, mine, matches in zip(closed, mine_all, scored, strict=True):
        first: tuple[float, str] | None = None
        here = _places(mine)
        for m in matches:
            if m.id == row.number or m.score < DEFAULT_THRESHOLD or m.place < PLACE_MIN:
                continue
            i, created = by_number[m.id]
            days = (created - row.closed_at).total_seconds() / 86400
            if not 0 < days <= horizon or (first is not None and (days, m.id) >= first):
                continue
            place, conflict, _ = place_similarity(mine, appeals[i], here, _places(appeals[i]))
            if place >= PLACE_MIN and not conflict and _same_road(row.address, appeals[i].address):
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


def rate(n: int, d: int) -> float | None:
    return round(100.0 * n / d, 1) if d else None


def summarise(found: Iterable[Recurrence]) -> dict[str, Any]:
    """``closed``, ``recurred_30``/``_90`` counts and ``rate_30``/``_90`` (% or None)."""
    items = list(found)
    out: dict[str, Any] = {"closed": len(items)}
    for w in WINDOWS:
        n = sum(1 for r in items if r.within(w))
        out[f"recurred_{w}"] = n
        out[f"rate_{w}"] = rate(n, len(items))
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
