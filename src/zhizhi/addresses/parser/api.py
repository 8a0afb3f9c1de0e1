"""Public parsing API (地址解析接口): :func:`parse`, :func:`parse_many`, :class:`ParsedAddress`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zhizhi.addresses.parser import model
from zhizhi.addresses.parser.features import get_matcher, sequence_features
from zhizhi.addresses.parser.gazetteer import LEVELS, Gazetteer, get_gazetteer, level_of
from zhizhi.addresses.parser.normalise import number_value, to_halfwidth
from zhizhi.addresses.parser.resolve import Resolution, resolve
from zhizhi.addresses.parser.rules import add_rule_spans

LABELS: tuple[str, ...] = (
    "prov", "city", "district", "devzone", "town", "community", "village_group", "road", "roadno",
    "poi", "subpoi", "houseno", "cellno", "floorno", "roomno", "detail", "assist", "distance",
    "intersection", "redundant", "others",
)  # fmt: skip
NUMBERED_LABELS = frozenset({"roadno", "houseno", "cellno", "floorno", "roomno"})
_DEPTH_SCORE = {"province": 0.6, "city": 0.75, "county": 0.88, "township": 0.95, "village": 0.97}


@dataclass(frozen=True, slots=True)
class Element:
    """One address element: CCKS label, original text, offsets into the input, normalised value."""

    label: str
    text: str
    start: int
    end: int
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "value": self.value,
        }


@dataclass(frozen=True, slots=True)
class Division:
    """A resolved division: 12-digit statistical code and name."""

    code: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name}


@dataclass(slots=True)
class ParsedAddress:
    """Result of :func:`parse` (JSON shape via :meth:`as_dict`)."""

    text: str
    elements: list[Element] = field(default_factory=list)
    divisions: dict[str, Division] = field(default_factory=dict)
    confidence: float = 0.0
    candidates: list[dict[str, Division]] = field(default_factory=list)

    @property
    def code(self) -> str | None:
        """Code of the deepest resolved division."""
        for level in reversed(LEVELS):
            if level in self.divisions:
                return self.divisions[level].code
        return None

    def as_dict(self) -> dict[str, Any]:
        return {
            "elements": [e.as_dict() for e in self.elements],
            "divisions": {lvl: d.as_dict() for lvl, d in self.divisions.items()},
            "confidence": self.confidence,
            "candidates": [{lvl: d.as_dict() for lvl, d in c.items()} for c in self.candidates],
        }


_DIVISIONS: dict[str, Division] = {}


def _path_divisions(gaz: Gazetteer, path: list[str]) -> dict[str, Division]:
    out: dict[str, Division] = {}
    for code in path:
        div = _DIVISIONS.get(code)
        if div is None:
            div = _DIVISIONS[code] = Division(code, gaz.nodes[code].display)
        out[level_of(code)] = div
    return out


def _confidence(res: Resolution, has_elements: bool) -> float:
    """Heuristic confidence from the resolution: depth reached, agreement of mentions, ambiguity."""
    if not res.path:
        return 0.1 if has_elements else 0.0
    conf = _DEPTH_SCORE[level_of(res.path[-1])]
    conf *= 0.5 + 0.5 * min(1.0, res.consistency)
    if res.alternatives:
        conf *= 0.55
    if res.from_dictionary:
        conf *= 0.8
    if res.town_unresolved:
        conf *= 0.9
    return round(max(0.0, min(1.0, conf)), 4)


def parse(text: str, *, model_path: Path | None = None) -> ParsedAddress:
    """Parse one free-text Chinese address into elements, divisions and a confidence.

    ``model_path`` selects another CRF model file (evaluation); default: the shipped model.
    """
    if not isinstance(text, str):
        raise TypeError(f"address must be str, not {type(text).__name__}")
    if not text.strip():
        return ParsedAddress(text)
    gaz = get_gazetteer()
    norm = to_halfwidth(text)
    matches = get_matcher().matches(norm)
    tagger, lock = model.get_tagger(model_path or model.MODEL_FILE)
    xseq = sequence_features(norm, matches)
    with lock:
        tags = tagger.tag(xseq)
    elements: list[Element] = []
    spans: list[tuple[str, str]] = []
    roads: list[tuple[int, int]] = []
    for label, start, end in add_rule_spans(norm, model.spans_of(tags)):
        if label in ("road", "roadno", "intersection"):
            roads.append((start, end))
        piece = text[start:end]
        if not piece.strip():
            continue
        value = number_value(piece) if label in NUMBERED_LABELS else None
        elements.append(Element(label, piece, start, end, value))
        spans.append((label, norm[start:end].strip()))
    # dictionary fallback never reads division names inside road names (新兴西路, 中山路)
    fallback = [m for m in matches if not any(m.start < e and s < m.end for s, e in roads)]
    res = resolve(gaz, spans, norm, fallback)
    return ParsedAddress(
        text=text,
        elements=elements,
        divisions=_path_divisions(gaz, res.path),
        confidence=_confidence(res, bool(elements)),
        candidates=[_path_divisions(gaz, alt) for alt in res.alternatives],
    )


def parse_many(texts: Iterable[str]) -> list[ParsedAddress]:
    """Parse several addresses, results in input order."""
    return [parse(t) for t in texts]
