"""Rule layer (规则补充) for detail numbers the corpus does not label.

The public CCKS 2021 training set has no ``roomno`` spans (room numbers are tagged ``O``), so the
CRF never predicts them.  Characters left outside every element are scanned for room / floor /
unit / building patterns (1202室, 12层, 2单元, 3栋) and for a bare number right after a unit or
floor element (…2单元1202 → room 1202).
"""

from __future__ import annotations

import re

_NUM = r"(?:[0-9]+(?:-[0-9]+)?|[A-Za-z][0-9]*|[一二三四五六七八九十零〇两百]+)"
_PATTERNS = [
    ("roomno", re.compile(rf"{_NUM}(?:室|房|户)")),
    ("floorno", re.compile(rf"{_NUM}(?:层|楼(?!道|梯))")),
    ("cellno", re.compile(rf"{_NUM}单元")),
    ("houseno", re.compile(rf"{_NUM}(?:栋|幢|号楼|座)")),
]
_BARE_ROOM = re.compile(r"[0-9]{3,5}(?:-[0-9]+)?")
_AFTER_FOR_BARE = frozenset({"cellno", "floorno", "houseno"})


def add_rule_spans(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Add rule-detected spans inside the gaps between CRF spans; result sorted by start."""
    out = list(spans)
    gaps: list[tuple[int, int, str | None]] = []
    prev_end, prev_label = 0, None
    for label, s, e in sorted(spans, key=lambda x: x[1]):
        if s > prev_end:
            gaps.append((prev_end, s, prev_label))
        prev_end, prev_label = max(prev_end, e), label
    if prev_end < len(text):
        gaps.append((prev_end, len(text), prev_label))
    for g_start, g_end, before in gaps:
        piece = text[g_start:g_end]
        taken: list[tuple[int, int]] = []
        for label, rx in _PATTERNS:
            for m in rx.finditer(piece):
                s, e = g_start + m.start(), g_start + m.end()
                if any(s < te and ts < e for ts, te in taken):
                    continue
                taken.append((s, e))
                out.append((label, s, e))
        if not taken and before in _AFTER_FOR_BARE:
            bare = _BARE_ROOM.match(piece)
            if bare and (bare.end() == len(piece) or not piece[bare.end()].isalnum()):
                out.append(("roomno", g_start, g_start + bare.end()))
    out.sort(key=lambda x: x[1])
    return out
