"""Loading the citizen-message corpus, de-duplication and leak-safe cross-validation folds.

De-duplication: rows are keyed on :func:`~.text.model_text` of subject + body (the labelled
file runs subject and body together for rows without a subject, and normalisation drops
the separator, so both forms collide).  The first row of each key is kept.

Leakage between the two copies: ``tokenised_messages.csv`` holds jieba tokens with stop
words removed, so its texts never equal a labelled text exactly.  A tokenised item is a
*twin* of a labelled item when at least :data:`TWIN_CONTAINMENT` of its character 3-grams
(tokens joined) occur in the labelled text.  The containment of true twins is 0.6–0.9, of
unrelated pairs under 0.15, with a clear gap around 0.3.  In cross-validation every
tokenised item that is a twin of any test-fold item is left out of that fold's training,
and so is every labelled training text that is a near-twin of a test-fold text (the same
complaint posted twice with small edits; :func:`labelled_twins`).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.model_selection import StratifiedKFold

from zhizhi.intelligence.classifier.text import model_text

LABELLED_FILE = "labelled_messages.csv"
TOKENISED_FILE = "tokenised_messages.csv"
TWIN_CONTAINMENT = 0.3


@dataclass(slots=True)
class Corpus:
    """De-duplicated labelled texts (normalised) and extra tokenised texts (normalised)."""

    texts: list[str]
    labels: np.ndarray
    extra_texts: list[str] = field(default_factory=list)
    extra_labels: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))
    duplicates_dropped: int = 0
    extra_duplicates_dropped: int = 0


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise FileNotFoundError(f"training data not found: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_corpus(data_dir: Path, *, with_extra: bool = True, limit: int | None = None) -> Corpus:
    """Read and de-duplicate the labelled file (and the tokenised file when ``with_extra``)."""
    rows = _read_csv(data_dir / LABELLED_FILE)
    seen: set[str] = set()
    texts: list[str] = []
    labels: list[str] = []
    dropped = 0
    for row in rows:
        key = model_text((row.get("subject") or "") + (row.get("body") or ""))
        if not key or key in seen:
            dropped += 1
            continue
        seen.add(key)
        texts.append(key)
        labels.append(row["label"].strip())
    if limit is not None:  # a fixed random sample (the file is ordered by label)
        keep = sorted(np.random.default_rng(0).permutation(len(texts))[:limit])
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    corpus = Corpus(texts, np.array(labels, dtype=object), duplicates_dropped=dropped)
    if with_extra and (data_dir / TOKENISED_FILE).exists():
        extra_seen: set[str] = set()
        extra_texts: list[str] = []
        extra_labels: list[str] = []
        extra_dropped = 0
        for row in _read_csv(data_dir / TOKENISED_FILE):
            key = model_text(row.get("tokens") or "")
            if not key or key in extra_seen:
                extra_dropped += 1
                continue
            extra_seen.add(key)
            extra_texts.append(key)
            extra_labels.append(row["label"].strip())
        if limit is not None:
            keep = sorted(np.random.default_rng(1).permutation(len(extra_texts))[: 3 * limit])
            extra_texts, extra_labels = [extra_texts[i] for i in keep], [extra_labels[i] for i in keep]
        corpus.extra_texts = extra_texts
        corpus.extra_labels = np.array(extra_labels, dtype=object)
        corpus.extra_duplicates_dropped = extra_dropped
    return corpus


def twin_matrix(texts: list[str], extra_texts: list[str]) -> sp.csr_matrix:
    """Boolean sparse matrix (extra × labelled): True where the extra item is a twin."""
    if not texts or not extra_texts:
        return sp.csr_matrix((len(extra_texts), len(texts)), dtype=bool)
    vec = HashingVectorizer(
        analyzer="char",
        ngram_range=(3, 3),
        n_features=2**21,
        binary=True,
        norm=None,
        alternate_sign=False,
        lowercase=False,
        dtype=np.float32,
    )
    x_lab = vec.transform(texts)
    x_extra = vec.transform(extra_texts)
    shared = (x_extra @ x_lab.T).tocsr()
    sizes = np.maximum(np.asarray(x_extra.sum(axis=1)).ravel(), 1.0)
    containment = sp.diags(1.0 / sizes) @ shared
    return sp.csr_matrix(containment >= TWIN_CONTAINMENT)


@dataclass(frozen=True, slots=True)
class Fold:
    train: np.ndarray  # indices into corpus.texts (near-twins of test texts removed)
    test: np.ndarray
    extra: np.ndarray  # indices into corpus.extra_texts usable for training
    twins_dropped: int = 0  # labelled training texts dropped as near-twins of a test text


def labelled_twins(texts: list[str]) -> sp.csr_matrix:
    """Symmetric boolean matrix of near-twin pairs among the labelled texts (diagonal empty).

    Exact duplicates are gone after de-duplication, but the same complaint posted twice
    with small edits remains; a pair is a twin when either text's 3-grams are at least
    :data:`TWIN_CONTAINMENT` contained in the other.
    """
    m = twin_matrix(texts, texts)
    m = sp.csr_matrix((m + m.T) > 0)
    m.setdiag(False)
    m.eliminate_zeros()
    return m


def leak_safe_folds(corpus: Corpus, n_splits: int = 5, seed: int = 42, use_extra: bool = True) -> list[Fold]:
    """Stratified folds over the de-duplicated labelled texts, each with its safe extra items.

    No near-twin of a test text is trained on: tokenised items that are twins of a test
    text are left out of that fold's extra items, and labelled training texts that are
    near-twins of a test text (:func:`labelled_twins`) are left out of its training set.
    """
    skf = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    twins = twin_matrix(corpus.texts, corpus.extra_texts) if use_extra else None
    pairs = labelled_twins(corpus.texts)
    folds: list[Fold] = []
    for train, test in skf.split(np.zeros(len(corpus.texts)), corpus.labels):
        in_test = np.zeros(len(corpus.texts), dtype=bool)
        in_test[test] = True
        near_test = np.asarray(pairs[:, in_test].sum(axis=1)).ravel() > 0
        kept = train[~near_test[train]]
        if twins is None or twins.shape[0] == 0:
            extra = np.array([], dtype=int)
        else:
            touched = np.asarray(twins[:, in_test].sum(axis=1)).ravel() > 0
            extra = np.flatnonzero(~touched)
        folds.append(Fold(kept, test, extra, int(len(train) - len(kept))))
    return folds


def tokenised_extra(data_dir: Path, exclude: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The tokenised copy's rows as ``(text, label)`` (:func:`.relabel.tokenised_text`),
    de-duplicated, without the twins of any ``exclude`` text (held-out texts a caller must not
    train on; a small set: the product is rows × exclude). Twins of the labelled corpus are
    left out later, by the relabelling, among the few texts it keeps (:func:`twin_rows`).
    Empty when the file is absent."""
    from zhizhi.intelligence.classifier.relabel import tokenised_text

    path = data_dir / TOKENISED_FILE
    if not path.is_file():
        return []
    seen: set[str] = set()
    rows: list[tuple[str, str]] = []
    for row in _read_csv(path):
        text = tokenised_text(row.get("tokens") or "")
        key = model_text(text)
        if key and key not in seen:
            seen.add(key)
            rows.append((text, (row.get("label") or "").strip()))
    if not rows or not exclude:
        return rows
    drop = twin_rows([t for t, _ in rows], exclude)
    return [r for r, d in zip(rows, drop, strict=True) if not d]


def twin_rows(texts: Sequence[str], others: Sequence[str]) -> np.ndarray:
    """For each of ``texts``: whether it is a twin of one of ``others`` (3-gram containment of
    either in the other at least :data:`TWIN_CONTAINMENT`)."""
    if not texts or not others:
        return np.zeros(len(texts), dtype=bool)
    a = [model_text(t) for t in texts]
    b = [model_text(t) for t in others]
    a_in_b = twin_matrix(b, a)  # texts × others: a text contained in another
    b_in_a = twin_matrix(a, b)  # others × texts: another contained in a text
    return np.asarray(
        (np.asarray(a_in_b.sum(axis=1)).ravel() > 0) | (np.asarray(b_in_a.sum(axis=0)).ravel() > 0)
    )
