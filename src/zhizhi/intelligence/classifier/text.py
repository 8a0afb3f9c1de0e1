"""Text preparation shared by training and prediction.

* :func:`join_appeal` joins subject and body the way the labelled corpus does for rows
  without a subject (subject and body run together).
* :func:`model_text` is the model's view of a text: NFKC, lower case, only CJK ideographs,
  ASCII letters and digits (punctuation, spaces, emoji and symbols dropped), capped at
  :data:`MAX_MODEL_CHARS` characters.  The same function is the de-duplication key.
"""

from __future__ import annotations

import re
import threading
import unicodedata

import numpy as np

#: Raw input is cut to this many characters before anything else (documented cap).
MAX_INPUT_CHARS = 20_000
#: Normalised text seen by the model is cut to this many characters.  The longest
#: labelled message is about 3,700 characters; the tail of longer texts adds little.
MAX_MODEL_CHARS = 4_000

_KEEP = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")


def join_appeal(subject: str | None, body: str | None) -> str:
    """Join subject and body with a newline (either may be empty or ``None``)."""
    parts = [p.strip() for p in (subject or "", body or "") if p and p.strip()]
    return "\n".join(parts)


def clip(text: str) -> str:
    """Cut raw input to :data:`MAX_INPUT_CHARS` characters."""
    return text[:MAX_INPUT_CHARS]


def _slow_model_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).lower()
    return _KEEP.sub("", folded)[:MAX_MODEL_CHARS]


_table_lock = threading.Lock()
_table: np.ndarray | None = None


def _composes_after() -> set[int]:
    """Characters that can join the character before them under canonical composition
    (the second half of a canonical pair: the Unicode ``NFC_QC=Maybe`` set, or more)."""
    seconds: set[int] = set()
    for cp in range(0x110000):
        parts = unicodedata.decomposition(chr(cp)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(int(parts[1], 16))
    return seconds


def _char_table() -> np.ndarray:
    """Per BMP code point: the kept character it normalises to, 0 (dropped) or -1 (slow path).

    A character is on the fast path when it cannot interact with its neighbours under
    NFKC: it is not a combining mark, cannot compose with the character before it, its
    decomposition does not start with such a character, and it normalises to at most one
    kept character.  For a text made only of such characters, NFKC + lower + filter is the
    concatenation of the per-character results (nothing kept can be absorbed into a
    composition, and reordering moves only combining marks, which are dropped).
    """
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                seconds = _composes_after()
                table = np.full(0x10000, -1, dtype=np.int32)
                for cp in range(0x10000):
                    ch = chr(cp)
                    if 0xD800 <= cp <= 0xDFFF or unicodedata.combining(ch) or cp in seconds:
                        continue
                    first = unicodedata.normalize("NFKD", ch)[:1]
                    if first and (unicodedata.combining(first) or ord(first) in seconds):
                        continue
                    kept = _KEEP.sub("", unicodedata.normalize("NFKC", ch).lower())
                    if len(kept) <= 1:
                        table[cp] = ord(kept) if kept else 0
                _table = table
    return _table


def model_text(text: str) -> str:
    """Model view of ``text``: NFKC, lower case, CJK + ASCII alphanumerics only, capped.

    Fast path (a per-character table, about 10x quicker on long letters) for texts whose
    characters are all in the Basic Multilingual Plane and marked safe by
    :func:`_char_table`; anything else goes through :func:`unicodedata.normalize`.  Both
    give the same result (the tests compare them on the corpus and on random text).
    """
    text = clip(text)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if points.size and int(points.max()) < 0x10000:
        mapped = _char_table()[points]
        if int(mapped.min()) >= 0:
            kept = mapped[mapped > 0][:MAX_MODEL_CHARS].astype(np.uint32)
            return kept.tobytes().decode("utf-32-le")
    return _slow_model_text(text)
