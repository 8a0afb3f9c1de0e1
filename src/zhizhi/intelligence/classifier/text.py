"""Text preparation shared by training and prediction.

* :func:`join_appeal` joins subject and body the way the labelled corpus does for rows
  without a subject (subject and body run together).
* :func:`normalise` is the model's view of a text: NFKC, lower case, only CJK ideographs,
  ASCII letters and digits (punctuation, spaces, emoji and symbols dropped), capped at
  :data:`MAX_MODEL_CHARS` characters.  The same function is the de-duplication key.
* :func:`words` segments normalised text with jieba (no HMM, for speed and determinism).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable

#: Raw input is cut to this many characters before anything else (documented cap).
MAX_INPUT_CHARS = 20_000
#: Normalised text seen by the model is cut to this many characters.  The longest
#: labelled message is about 3,700 characters; the tail of longer texts adds little.
MAX_MODEL_CHARS = 4_000

_KEEP = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")

_jieba_lock = threading.Lock()
_jieba_tokenizer: object | None = None


def join_appeal(subject: str | None, body: str | None) -> str:
    """Join subject and body with a newline (either may be empty or ``None``)."""
    parts = [p.strip() for p in (subject or "", body or "") if p and p.strip()]
    return "\n".join(parts)


def clip(text: str) -> str:
    """Cut raw input to :data:`MAX_INPUT_CHARS` characters."""
    return text[:MAX_INPUT_CHARS]


def normalise(text: str) -> str:
    """Model view of ``text``: NFKC, lower case, CJK + ASCII alphanumerics only, capped."""
    folded = unicodedata.normalize("NFKC", clip(text)).lower()
    return _KEEP.sub("", folded)[:MAX_MODEL_CHARS]


def _tokenizer() -> object:
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                _jieba_tokenizer = tok
    return _jieba_tokenizer


def words(normalised: str) -> str:
    """Space-joined jieba words of an already normalised text."""
    if not normalised:
        return ""
    tok = _tokenizer()
    return " ".join(tok.cut(normalised, HMM=False))  # type: ignore[attr-defined]


def words_many(texts: Iterable[str]) -> list[str]:
    return [words(t) for t in texts]
