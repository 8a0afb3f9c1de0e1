"""Geocoder (地址匹配): free text → standard address node → grid, community, department.

1. The parser (:func:`_parse`, the only coupling to ``zhizhi.addresses.parser``) resolves the
   divisions and labels the elements below them (road, roadno, poi, houseno, cellno, …).
2. The active address nodes inside the deepest resolved division are loaded; a top-level node
   (road, compound, POI) matches an element exactly by name, or appears verbatim in the text,
   or — fuzzy — shares most of its characters with an element (``difflib`` ratio ≥ 0.7).
3. From there the walk descends the node tree while the next element matches a child (numbers
   compared as values, so 三栋 matches 3栋), and the deepest node reached wins.

Confidence = ½ parser confidence + ½ match quality (1.0 exact, 0.7 fuzzy); with no node
matched, the division alone is returned at 0.6 × parser confidence.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.addresses import divisions as division_service
from zhizhi.addresses import repository as repo
from zhizhi.addresses.models import AddressNode

MAX_CANDIDATES = 20_000
_ROOT_KINDS = ("road", "compound", "poi")
_LABEL_KINDS = {
    "road": ("road",),
    "poi": ("compound", "poi"),
    "subpoi": ("building", "poi", "compound"),
    "roadno": ("house_number",),
    "houseno": ("building", "house_number"),
    "cellno": ("unit",),
    "floorno": ("floor",),
    "roomno": ("room",),
}
_DIGITS = re.compile(r"\d+")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}


@dataclass(frozen=True, slots=True)
class Parsed:
    divisions: dict[str, str]  # level → 12-digit code
    elements: list[tuple[str, str, str | None]]  # (label, text, numeric value)
    confidence: float

    @property
    def deepest(self) -> str | None:
        for level in reversed(division_service.LEVELS):
            if level in self.divisions:
                return self.divisions[level]
        return None


def _parse(text: str) -> Parsed:
    """Adapter over the parser's documented API (``parse(text)`` → divisions, elements, confidence)."""
    from zhizhi.addresses.parser import ModelUnavailable, parse

    try:
        result = parse(text)
    except ModelUnavailable:  # no CRF model in this build: match names against the raw text
        return Parsed(divisions={}, elements=[("poi", text, None)], confidence=0.0)
    return Parsed(
        divisions={level: d.code for level, d in result.divisions.items()},
        elements=[(e.label, e.text, getattr(e, "value", None)) for e in result.elements],
        confidence=float(result.confidence),
    )


def _cn_number(text: str) -> str:
    """一二三 / 十 / 二十三 → digits (enough for building, unit, floor, room numbers)."""

    def conv(m: re.Match[str]) -> str:
        s = m.group(0)
        if "十" not in s:
            return "".join(str(_CN_DIGITS[c]) for c in s)
        tens, _, ones = s.partition("十")
        return str((_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0))

    return re.sub(r"[零〇一二两三四五六七八九十]+(?=[号栋幢座单元层楼室户])", conv, text)


def fold_address(text: str) -> str:
    """An address or name as compared here: NFKC, Chinese numerals before 号/栋/单元/层/室 … as
    digits (三栋二单元 → 3栋2单元), no spaces."""
    return _cn_number(unicodedata.normalize("NFKC", text)).replace(" ", "").strip()


def _number(text: str | None) -> str | None:
    if not text:
        return None
    m = _DIGITS.search(fold_address(text))
    return m.group(0).lstrip("0") or "0" if m else None


@dataclass(slots=True)
class Match:
    node: AddressNode
    path: list[AddressNode]
    quality: float


@dataclass(slots=True)
class GeocodeResult:
    parsed_divisions: dict[str, str] = field(default_factory=dict)
    division_code: str | None = None
    node: AddressNode | None = None
    path: list[AddressNode] = field(default_factory=list)
    match: str = "none"  # exact | fuzzy | division | none
    confidence: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        node = self.node
        return {
            "match": self.match,
            "confidence": self.confidence,
            "division_code": self.division_code,
            "divisions": self.parsed_divisions,
            "address": None
            if node is None
            else {
                "code": node.code,
                "name": "".join(n.name for n in self.path),
                "kind": node.kind,
                "latitude": node.latitude,
                "longitude": node.longitude,
                "grid_code": node.grid_code,
            },
        }


def _candidates(session: Session, division_code: str | None) -> list[AddressNode]:
    prefix = None
    if division_code:
        level = division_service.level_of(division_code)
        keep = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}[level]
        prefix = division_code[:keep]
    return repo.active_nodes(session, prefix, MAX_CANDIDATES)


def _root_quality(name: str, text: str, elements: list[tuple[str, str, str | None]]) -> float:
    n = fold_address(name)
    if not n:
        return 0.0
    if any(fold_address(t) == n for _, t, _ in elements) or n in text:
        return 1.0
    best = max(
        (difflib.SequenceMatcher(None, n, fold_address(t)).ratio() for _, t, _ in elements), default=0.0
    )
    return 0.7 if best >= 0.7 else 0.0


def _child_matches(child: AddressNode, label: str, etext: str, value: str | None) -> bool:
    if child.kind not in _LABEL_KINDS.get(label, ()):
        return False
    if fold_address(child.name) == fold_address(etext):
        return True
    return value is not None and _number(child.name) == _number(value)


def match_nodes(
    nodes: list[AddressNode], text: str, elements: list[tuple[str, str, str | None]]
) -> Match | None:
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[AddressNode]] = {}
    for n in nodes:
        if n.parent_id is not None and n.parent_id in by_id:
            children.setdefault(n.parent_id, []).append(n)
    roots = [n for n in nodes if n.kind in _ROOT_KINDS and (n.parent_id is None or n.parent_id not in by_id)]
    norm_text = fold_address(text)
    best: Match | None = None
    for root in roots:
        quality = _root_quality(root.name, norm_text, elements)
        if quality == 0.0:
            continue
        path = [root]
        for label, etext, value in elements:
            kids = children.get(path[-1].id, [])
            hit = next((k for k in kids if _child_matches(k, label, etext, value)), None)
            if hit is not None:
                path.append(hit)
        key = (quality, len(path), len(root.name))
        if best is None or key > (best.quality, len(best.path), len(best.path[0].name)):
            best = Match(path[-1], path, quality)
    return best


def geocode(session: Session, address: str) -> GeocodeResult:
    """Best standard address for a free-text address (never raises for odd text)."""
    if not isinstance(address, str) or not address.strip():
        return GeocodeResult()
    parsed = _parse(address[:500])
    division_code = parsed.deepest
    result = GeocodeResult(parsed_divisions=parsed.divisions, division_code=division_code)
    nodes = _candidates(session, division_code) if division_code or parsed.elements else []
    found = match_nodes(nodes, address, parsed.elements) if nodes else None
    if found is not None:
        result.node, result.path = found.node, found.path
        result.match = "exact" if found.quality == 1.0 else "fuzzy"
        result.division_code = found.node.division_code
        result.confidence = round(0.5 * parsed.confidence + 0.5 * found.quality, 4)
    elif division_code:
        result.match = "division"
        result.confidence = round(0.6 * parsed.confidence, 4)
    return result


def autocomplete(session: Session, q: str, *, limit: int = 10) -> list[dict[str, Any]]:
    """Divisions and address nodes whose name starts with (then contains) ``q``."""
    q = q.strip()
    if not q:
        return []
    out: list[dict[str, Any]] = [
        {"type": "division", "code": d.code, "name": d.name, "level": d.level, "full_name": d.full_name}
        for d in division_service.search(session, q, limit=limit)
    ]
    like = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    nodes = repo.active_nodes_named(session, like, limit)
    names = {d.code: d.full_name for d in repo.divisions(session, list({n.division_code for n in nodes}))}
    out.extend(
        {
            "type": "address",
            "code": n.code,
            "name": n.name,
            "level": n.kind,
            "full_name": names.get(n.division_code, "") + n.name,
        }
        for n in nodes
    )
    out.sort(key=lambda r: (not str(r["name"]).startswith(q), len(str(r["name"]))))
    return out[:limit]
