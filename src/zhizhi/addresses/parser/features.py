"""CRF features (特征): masked character windows plus gazetteer dictionary matches.

Feature set chosen by 5-fold measurement on CCKS 2021 (see ``docs/addresses.md``): characters
in a ±2 window, bigrams around the current character, and a BIE tag of the longest gazetteer
match covering the character (division level, full name vs short form).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from zhizhi.addresses.parser.gazetteer import Gazetteer, get_gazetteer, level_of
from zhizhi.addresses.parser.normalise import mask

_LEVEL_TAG = {"province": "P", "city": "C", "county": "D", "township": "T", "village": "V"}


@dataclass(frozen=True, slots=True)
class Match:
    """A gazetteer name found in the text: ``[start, end)`` and its level tag (P/C/D/T, lower = short)."""

    start: int
    end: int
    tag: str


class GazetteerMatcher:
    """Leftmost-longest dictionary matching of division names and short forms."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.tags: dict[str, str] = {}
        for name, codes in gaz.short.items():
            if len(name) >= 2:
                self.tags[name] = _LEVEL_TAG[min((level_of(c) for c in codes), key=_rank)].lower()
        for name, codes in gaz.full.items():
            if len(name) >= 2:
                self.tags[name] = _LEVEL_TAG[min((level_of(c) for c in codes), key=_rank)]
        self.prefixes: set[str] = set()
        for name in self.tags:
            for i in range(1, len(name) + 1):
                self.prefixes.add(name[:i])

    def matches(self, text: str) -> list[Match]:
        out: list[Match] = []
        n = len(text)
        i = 0
        tags, prefixes = self.tags, self.prefixes
        while i < n:
            best = 0
            best_tag = ""
            j = i + 1
            while j <= n and text[i:j] in prefixes:
                tag = tags.get(text[i:j])
                if tag is not None and j - i >= 2:
                    best, best_tag = j, tag
                j += 1
            if best:
                out.append(Match(i, best, best_tag))
                i = best
            else:
                i += 1
        return out


def _rank(level: str) -> int:
    return ("province", "city", "county", "township", "village").index(level)


_LOCK = threading.Lock()
_MATCHER: list[GazetteerMatcher] = []


def get_matcher() -> GazetteerMatcher:
    """The process-wide matcher over the bundled gazetteer (lazy, thread-safe)."""
    if _MATCHER:
        return _MATCHER[0]
    with _LOCK:
        if not _MATCHER:
            _MATCHER.append(GazetteerMatcher(get_gazetteer()))
    return _MATCHER[0]


def gazetteer_tags(n: int, matches: list[Match]) -> list[str]:
    """Per-character tag: ``B``/``I``/``E`` + level letter, ``O`` outside any match."""
    tags = ["O"] * n
    for m in matches:
        tags[m.start] = "B" + m.tag
        for k in range(m.start + 1, m.end - 1):
            tags[k] = "I" + m.tag
        tags[m.end - 1] = "E" + m.tag
    return tags


def sequence_features(text: str, matches: list[Match]) -> list[list[str]]:
    """Feature strings for each character of a half-width text."""
    m = mask(text)
    n = len(m)
    g = gazetteer_tags(n, matches)
    p = ["^", "^", *m, "$", "$"]
    feats: list[list[str]] = []
    for i in range(n):
        p1, c, n1 = p[i + 1], p[i + 2], p[i + 3]
        gi = g[i]
        feats.append(
            [
                "c=" + c,
                "p=" + p1,
                "n=" + n1,
                "pp=" + p[i],
                "nn=" + p[i + 4],
                "pc=" + p1 + c,
                "cn=" + c + n1,
                "pn=" + p1 + n1,
                "g=" + gi,
                "gc=" + gi + c,
            ]
        )
    return feats
