"""The CRF sequence model (序列标注模型): corpus reading, training, lazy thread-safe loading."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pycrfsuite

from zhizhi.addresses.parser.features import get_matcher, sequence_features
from zhizhi.addresses.parser.normalise import to_halfwidth

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MODEL_FILE = DATA_DIR / "address_crf.crfsuite"
REBUILD_HINT = "zhizhi addresses train"

# Tuned by 5-fold CV on CCKS 2021 (docs/addresses.md).
DEFAULT_PARAMS: dict[str, Any] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
}

Example = tuple[str, list[str]]  # (text, BIOES tags)


class ModelUnavailable(RuntimeError):
    """The shipped CRF model file is missing or unreadable."""


def read_conll(path: Path) -> list[Example]:
    """Read a one-character-per-line BIOES corpus (blank line between addresses)."""
    out: list[Example] = []
    chars: list[str] = []
    tags: list[str] = []
    with Path(path).open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if not line.strip():
                if chars:
                    out.append(("".join(chars), tags))
                chars, tags = [], []
                continue
            ch, _, tag = line.rpartition(" ")
            if len(ch) != 1:  # a space character itself, e.g. "  O"
                ch = " "
            chars.append(ch)
            tags.append(tag or "O")
    if chars:
        out.append(("".join(chars), tags))
    return out


def spans_of(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` spans of a BIOES (or BIO) tag sequence; lenient on broken chains."""
    spans: list[tuple[str, int, int]] = []
    start, label = -1, ""
    for i, tag in enumerate(tags):
        prefix, _, lab = tag.partition("-")
        if prefix == "O" or not lab:
            if start >= 0:
                spans.append((label, start, i))
            start, label = -1, ""
            continue
        if prefix in ("B", "S") or lab != label or start < 0:
            if start >= 0:
                spans.append((label, start, i))
            start, label = i, lab
        if prefix in ("E", "S"):
            spans.append((label, start, i + 1))
            start, label = -1, ""
    if start >= 0:
        spans.append((label, start, len(tags)))
    return spans


def featurise(text: str) -> list[list[str]]:
    norm = to_halfwidth(text)
    return sequence_features(norm, get_matcher().matches(norm))


def train(
    output_path: Path | str = MODEL_FILE,
    examples: Iterable[Example] | None = None,
    *,
    corpus_path: Path | str | None = None,
    params: dict[str, Any] | None = None,
    verbose: bool = False,
) -> Path:
    """Train the CRF on ``examples`` (or a CoNLL ``corpus_path``) and write ``output_path``.

    Deterministic: L-BFGS with fixed parameters and the corpus order as given (no sampling).
    """
    if examples is None:
        if corpus_path is None:
            raise ValueError("give examples or corpus_path")
        examples = read_conll(Path(corpus_path))
    trainer = pycrfsuite.Trainer(verbose=verbose)
    count = 0
    for text, tags in examples:
        if text:
            trainer.append(featurise(text), list(tags))
            count += 1
    if count == 0:
        raise ValueError("no training examples")
    trainer.set_params(DEFAULT_PARAMS | (params or {}))
    out = Path(output_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    trainer.train(str(tmp))
    tmp.replace(out)
    reset_tagger(out)
    return out


_LOCK = threading.Lock()
_TAGGERS: dict[Path, tuple[pycrfsuite.Tagger, threading.Lock]] = {}


def _open(path: Path) -> pycrfsuite.Tagger:
    if not path.is_file():
        raise ModelUnavailable(
            f"address model file missing: {path}; rebuild it with `{REBUILD_HINT}` (needs ../shared/data)"
        )
    tagger = pycrfsuite.Tagger()
    try:
        tagger.open(str(path))
        tagger.labels()
    except Exception as exc:  # crfsuite raises a bare ValueError/OSError on a corrupt file
        raise ModelUnavailable(
            f"address model file unreadable or corrupt: {path} ({exc}); rebuild it with `{REBUILD_HINT}`"
        ) from exc
    return tagger


def get_tagger(path: Path = MODEL_FILE) -> tuple[pycrfsuite.Tagger, threading.Lock]:
    """The process-wide tagger for ``path`` and the lock serialising its use (taggers are stateful)."""
    entry = _TAGGERS.get(path)
    if entry is not None:
        return entry
    with _LOCK:
        entry = _TAGGERS.get(path)
        if entry is None:
            entry = (_open(path), threading.Lock())
            _TAGGERS[path] = entry
    return entry


def reset_tagger(path: Path = MODEL_FILE) -> None:
    """Forget a cached tagger (after retraining or in tests)."""
    with _LOCK:
        _TAGGERS.pop(Path(path), None)


def tag(text: str, path: Path = MODEL_FILE) -> tuple[list[str], float]:
    """BIOES tags for ``text`` and the model's probability of that sequence."""
    if not text:
        return [], 1.0
    xseq = featurise(text)
    tagger, lock = get_tagger(path)
    with lock:
        tagger.set(xseq)
        yseq = tagger.tag()
        prob = tagger.probability(yseq)
    return yseq, prob
