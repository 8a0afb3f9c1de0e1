"""Division resolution (行政区划解析): labelled spans → the most consistent division path.

Each province/city/district mention is looked up in the gazetteer (full name, short form, alias).
Every candidate code is scored by how many mentions lie on its ancestor chain, then by depth;
townships and villages are attached below the winning county/city by local lookup.  Remaining
ties (朝阳区 alone: 北京 or 长春) are reported as candidates and lower the confidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhizhi.addresses.parser.features import Match
from zhizhi.addresses.parser.gazetteer import LEVEL_RANK, Gazetteer, level_of

LABEL_LEVEL = {"prov": "province", "city": "city", "district": "county"}
HIGH_LEVELS = frozenset({"province", "city", "county"})


@dataclass(slots=True)
class Resolution:
    """Outcome of resolution: chosen path (province → deepest code) and alternatives."""

    path: list[str] = field(default_factory=list)
    alternatives: list[list[str]] = field(default_factory=list)
    mentions: int = 0
    support: int = 0
    from_dictionary: bool = False
    town_unresolved: bool = False

    @property
    def consistency(self) -> float:
        return self.support / self.mentions if self.mentions else 0.0


def _high_codes(gaz: Gazetteer, label: str, text: str) -> set[str]:
    codes = [c for c in gaz.lookup(text) if level_of(c) in HIGH_LEVELS]
    want = LABEL_LEVEL[label]
    preferred = [c for c in codes if level_of(c) == want]
    return set(preferred or codes)


_ROAD_CHARS = frozenset("路街道巷桥")


def _leading_division(gaz: Gazetteer, text: str) -> set[str]:
    """Division named at the start of a zone name: full names, or short forms of cities/provinces."""
    for j in range(min(len(text) - 1, gaz.max_len), 1, -1):
        head = text[:j]
        if head in gaz.full:
            codes = {c for c in gaz.full[head] if level_of(c) in HIGH_LEVELS}
        else:
            codes = {c for c in gaz.short.get(head, ()) if level_of(c) in ("province", "city")}
        if codes:
            return codes
    return set()


def _attach(gaz: Gazetteer, code: str, text: str, level: str) -> str | None:
    if level_of(code) == "province":
        return None
    found = [c for c in gaz.lookup_local(code, text) if level_of(c) == level]
    return min(found) if found else None


def _extend(gaz: Gazetteer, code: str, towns: list[str], villages: list[str]) -> tuple[str, int]:
    """Deepest code reachable below ``code`` through town/community mentions; count of attachments."""
    attached = 0
    if level_of(code) in ("city", "county"):
        for t in towns:
            sub = _attach(gaz, code, t, "township")
            if sub:
                code, attached = sub, attached + 1
                break
    if level_of(code) in ("county", "township"):
        for v in villages:
            sub = _attach(gaz, code, v, "village")
            if sub:
                code, attached = sub, attached + 1
                break
    return code, attached


def _tie_key(gaz: Gazetteer, code: str) -> tuple[int, str]:
    # Prefer municipalities and capital cities (city code ending 01) among equal candidates.
    return (0 if code[2:4] == "01" else 1, code)


def resolve(
    gaz: Gazetteer, spans: list[tuple[str, str]], text: str = "", matches: list[Match] | None = None
) -> Resolution:
    """Resolve ``(label, text)`` spans (CCKS labels) to a division path.

    ``text``/``matches``: the normalised input and its gazetteer matches, used as a fallback
    when no labelled span names a province, city or county.
    """
    high: list[set[str]] = []
    zones: list[set[str]] = []
    towns: list[str] = []
    villages: list[str] = []
    for label, span in spans:
        if label in LABEL_LEVEL:
            codes = _high_codes(gaz, label, span)
            if codes:
                high.append(codes)
        elif label == "devzone":  # 成都市高新区, 台州经济开发区: a division name leads the zone name
            codes = _leading_division(gaz, span)
            if codes:
                zones.append(codes)
        elif label == "town":
            towns.append(span)
        elif label in ("community", "village_group"):
            villages.append(span)
    res = Resolution()
    if not high:
        high = zones  # weak evidence: used alone only when nothing else names a division
    elif zones:  # …or when it refines a written division (四川省 + 成都市高新区)
        named = set().union(*high)
        for z in zones:
            if any(gaz.is_ancestor_or_self(a, c) for a in named for c in z):
                high.append(z)
    if not high and matches:
        for m in matches:  # dictionary fallback: full names; short forms only at the very start
            short_ok = m.tag in "pcd" and m.start == 0 and text[m.end : m.end + 1] not in _ROAD_CHARS
            if m.tag in "PCD" or short_ok:
                codes = {c for c in gaz.lookup(text[m.start : m.end]) if level_of(c) in HIGH_LEVELS}
                if codes:
                    high.append(codes)
        res.from_dictionary = bool(high)
    if not high:
        return _resolve_towns(gaz, towns, villages, res)
    cands: set[str] = set().union(*high)
    # Written divisions first: support from mentions, then township/village attachment, then depth.
    # Ties go to the candidate supported by the earliest mentions (addresses run large → small).
    # Conflicting mentions (衢州市西区): the earliest written one wins before depth is considered.
    scored: list[tuple[int, int, tuple[int, ...], int, str]] = []
    for c in cands:
        chain = set(gaz.ancestors(c))
        hits = tuple(-i for i, h in enumerate(high) if h & chain)
        deep, attached = _extend(gaz, c, towns, villages)
        scored.append((len(hits), attached, hits, LEVEL_RANK[level_of(deep)], deep))
    best = max(x[:4] for x in scored)
    top = sorted({x[4] for x in scored if x[:4] == best}, key=lambda x: _tie_key(gaz, x))
    res.path = gaz.ancestors(top[0])
    res.alternatives = [gaz.ancestors(c) for c in top[1:6]]
    res.mentions = len(high) + (1 if towns else 0) + (1 if villages else 0)
    res.support = best[0] + best[1]
    res.town_unresolved = bool(towns) and LEVEL_RANK[level_of(top[0])] < LEVEL_RANK["township"]
    return res


def _resolve_towns(gaz: Gazetteer, towns: list[str], villages: list[str], res: Resolution) -> Resolution:
    """No province/city/county mention: try township full names nationally (九堡镇)."""
    for t in towns:
        codes = sorted(c for c in gaz.full.get(t, ()) if level_of(c) == "township")
        if codes:
            res.path = gaz.ancestors(codes[0])
            res.alternatives = [gaz.ancestors(c) for c in codes[1:6]]
            res.mentions = 1 + (1 if villages else 0)
            res.support = 1
            deep, attached = _extend(gaz, codes[0], [], villages)
            if attached:
                res.path = gaz.ancestors(deep)
                res.support += 1
            return res
    return res
