"""The category model: hashed char + word TF-IDF features, a linear SVM, temperature scaling.

Features are two blocks over the normalised text (:func:`~.text.normalise`): character
1–3-grams and jieba word 1–2-grams.  Each block is hashed (no vocabulary to store or hold
in memory), weighted ``1 + log(tf) × idf`` with the idf fitted on the training texts (only
the ``max_*_features`` most frequent hashed columns with ``min_df ≤ df ≤ max_df`` kept, the
rest get idf 0) and L2-normalised; the word block is scaled by ``word_weight``.  A
one-vs-rest :class:`~sklearn.svm.LinearSVC` gives a score per category; probabilities are
``softmax(scores / temperature)`` with the temperature fitted on leak-safe out-of-fold
scores, so they are calibrated-ish and sum to 1.

Only numpy arrays are stored (see :meth:`CategoryModel.to_payload`), never sklearn objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize_scalar
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.svm import LinearSVC
from sklearn.utils import murmurhash3_32


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Hyper-parameters (part of the model version hash).

    The shipped default is char n-grams only (``word_weight=0``): :data:`WITH_WORDS` adds the
    jieba word block, +0.007 macro-F1 but about 3× the latency and 100 MB more memory.
    """

    char_ngrams: tuple[int, int] = (1, 3)
    word_ngrams: tuple[int, int] = (1, 2)
    char_hash_bits: int = 19
    word_hash_bits: int = 8
    min_df: int = 2
    max_df: float = 0.9
    max_char_features: int = 150_000
    max_word_features: int = 60_000
    word_weight: float = 0.0
    svm_c: float = 0.5

    @property
    def uses_words(self) -> bool:
        """False when the word block is switched off (``word_weight == 0``: no jieba at all)."""
        return self.word_weight > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "char_ngrams": list(self.char_ngrams),
            "word_ngrams": list(self.word_ngrams),
            "char_hash_bits": self.char_hash_bits,
            "word_hash_bits": self.word_hash_bits,
            "min_df": self.min_df,
            "max_df": self.max_df,
            "max_char_features": self.max_char_features,
            "max_word_features": self.max_word_features,
            "word_weight": self.word_weight,
            "svm_c": self.svm_c,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelParams:
        values = dict(data)
        values["char_ngrams"] = tuple(values["char_ngrams"])
        values["word_ngrams"] = tuple(values["word_ngrams"])
        return cls(**values)


#: The char + word variant (``zhizhi nlp train --words``).
WITH_WORDS = ModelParams(word_hash_bits=18, word_weight=1.0)


class Hasher:
    """Stateless term counting for both blocks (same hashing at training and prediction)."""

    def __init__(self, params: ModelParams) -> None:
        self.params = params
        self.char = HashingVectorizer(
            analyzer="char",
            ngram_range=params.char_ngrams,
            n_features=2**params.char_hash_bits,
            alternate_sign=False,
            norm=None,
            lowercase=False,
            dtype=np.float32,
        )
        self.word = HashingVectorizer(
            analyzer="word",
            token_pattern=r"(?u)\S+",  # noqa: S106 - a regex, not a password
            ngram_range=params.word_ngrams,
            n_features=2**params.word_hash_bits,
            alternate_sign=False,
            norm=None,
            lowercase=False,
            dtype=np.float32,
        )

    def counts(self, normalised: list[str], words: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        char_counts = self.char.transform(normalised)
        if not self.params.uses_words:  # the word block is switched off: skip hashing it
            return char_counts, sp.csr_matrix(
                (len(normalised), 2**self.params.word_hash_bits), dtype=np.float32
            )
        return char_counts, self.word.transform(words)

    def word_index(self, term: str) -> int:
        return abs(murmurhash3_32(term, seed=0)) % (2**self.params.word_hash_bits)

    def char_index(self, term: str) -> int:
        return abs(murmurhash3_32(term, seed=0)) % (2**self.params.char_hash_bits)


def fit_idf(counts: sp.csr_matrix, min_df: int, max_df: float, max_features: int) -> np.ndarray:
    """Smoothed idf per hashed column; 0 for columns outside the df window or the top-k."""
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    keep = (df >= min_df) & (df <= max_df * n_docs)
    if keep.sum() > max_features:
        cutoff = np.sort(df[keep])[-max_features]
        keep &= df >= cutoff
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    return (idf * keep).astype(np.float32)


def weight(counts: sp.csr_matrix, idf: np.ndarray, scale: float = 1.0) -> sp.csr_matrix:
    """``(1 + log tf) × idf``, L2-normalised per row, times ``scale`` (numpy only, fast)."""
    x = sp.csr_matrix(counts, dtype=np.float32, copy=True)
    data = (1.0 + np.log(x.data)) * idf[x.indices]
    lengths = np.diff(x.indptr)
    squares = np.zeros(x.shape[0], dtype=np.float64)
    filled = lengths > 0
    if filled.any():
        squares[filled] = np.add.reduceat(data.astype(np.float64) ** 2, x.indptr[:-1][filled])
    norms = np.sqrt(squares)
    norms[norms == 0.0] = 1.0
    x.data = (data * np.repeat(scale / norms, lengths)).astype(np.float32)
    return x


@dataclass
class CategoryModel:
    """Idf vectors and linear weights; numpy/scipy only at prediction time."""

    params: ModelParams
    classes: list[str]
    char_idf: np.ndarray
    word_idf: np.ndarray
    coef: np.ndarray  # (n_classes, n_char + n_word) float32
    intercept: np.ndarray  # (n_classes,) float32
    temperature: float = 1.0

    def __post_init__(self) -> None:
        self._hasher = Hasher(self.params)
        # Contiguous (n_features, n_classes) copy: sparse @ dense without a per-call copy.
        self._coef_t = np.ascontiguousarray(self.coef.T, dtype=np.float32)
        self._n_char = int(self.char_idf.shape[0])

    @property
    def hasher(self) -> Hasher:
        return self._hasher

    def features_from_counts(
        self, char_counts: sp.csr_matrix, word_counts: sp.csr_matrix
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The two weighted blocks (char, word) for :meth:`decision`."""
        return weight(char_counts, self.char_idf), weight(word_counts, self.word_idf, self.params.word_weight)

    def features(self, normalised: list[str], words: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        return self.features_from_counts(*self._hasher.counts(normalised, words))

    def decision(self, blocks: tuple[sp.csr_matrix, sp.csr_matrix]) -> np.ndarray:
        x_char, x_word = blocks
        scores = x_char @ self._coef_t[: self._n_char] + x_word @ self._coef_t[self._n_char :]
        return np.asarray(scores) + self.intercept

    def top_terms(
        self,
        blocks: tuple[sp.csr_matrix, sp.csr_matrix],
        row: int,
        text: str,
        words: str,
        class_index: int,
        k: int = 3,
    ) -> list[str]:
        """Terms of the text contributing most to ``class_index``: words, or char 2–3-grams."""
        block = 1 if self.params.uses_words else 0
        x = blocks[block]
        start, end = x.indptr[row], x.indptr[row + 1]
        values = dict(zip(x.indices[start:end].tolist(), x.data[start:end].tolist(), strict=True))
        if block == 1:
            weights = self._coef_t[self._n_char :, class_index]
            candidates = set(words.split())
            index = self._hasher.word_index
        else:
            weights = self._coef_t[: self._n_char, class_index]
            head = text[:200]
            candidates = {head[i : i + n] for n in (2, 3) for i in range(len(head) - n + 1)}
            index = self._hasher.char_index
        scored: list[tuple[float, str]] = []
        for term in candidates:
            col = index(term)
            value = values.get(col)
            if value is None:
                continue
            contribution = value * float(weights[col])
            if contribution > 0:
                scored.append((contribution, term))
        chosen: list[str] = []
        for _, term in sorted(scored, reverse=True):
            if not any(term in c or c in term for c in chosen):
                chosen.append(term)
            if len(chosen) == k:
                break
        return chosen

    # -- storage: plain numpy arrays, compact (float16 on disk, float32 in memory) ------
    def to_payload(self) -> dict[str, Any]:
        used = np.flatnonzero(np.concatenate([self.char_idf, self.word_idf]))
        return {
            "params": self.params.as_dict(),
            "classes": list(self.classes),
            "char_idf_index": np.flatnonzero(self.char_idf).astype(np.int32),
            "char_idf_value": self.char_idf[self.char_idf != 0].astype(np.float16),
            "word_idf_index": np.flatnonzero(self.word_idf).astype(np.int32),
            "word_idf_value": self.word_idf[self.word_idf != 0].astype(np.float16),
            "coef_columns": used.astype(np.int32),
            "coef_values": self.coef[:, used].astype(np.float16),  # half precision: 2x smaller file
            "intercept": self.intercept.astype(np.float32),
            "temperature": float(self.temperature),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CategoryModel:
        params = ModelParams.from_dict(payload["params"])
        n_char, n_word = 2**params.char_hash_bits, 2**params.word_hash_bits
        char_idf = np.zeros(n_char, dtype=np.float32)
        char_idf[payload["char_idf_index"]] = payload["char_idf_value"]
        word_idf = np.zeros(n_word, dtype=np.float32)
        word_idf[payload["word_idf_index"]] = payload["word_idf_value"]
        classes = [str(c) for c in payload["classes"]]
        coef = np.zeros((len(classes), n_char + n_word), dtype=np.float32)
        coef[:, payload["coef_columns"]] = payload["coef_values"]
        return cls(
            params=params,
            classes=classes,
            char_idf=char_idf,
            word_idf=word_idf,
            coef=coef,
            intercept=np.asarray(payload["intercept"], dtype=np.float32),
            temperature=float(payload["temperature"]),
        )


def softmax(scores: np.ndarray) -> np.ndarray:
    z = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of ``softmax(scores / t)``."""
    rows = np.arange(len(y_index))

    def nll(log_t: float) -> float:
        p = softmax(scores / np.exp(log_t))
        return float(-np.mean(np.log(np.clip(p[rows, y_index], 1e-12, None))))

    res = minimize_scalar(nll, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(res.x))


def fit_from_counts(
    char_counts: sp.csr_matrix, word_counts: sp.csr_matrix, labels: np.ndarray, params: ModelParams
) -> CategoryModel:
    """Fit idf and the SVM on pre-hashed counts (temperature left at 1)."""
    char_idf = fit_idf(char_counts, params.min_df, params.max_df, params.max_char_features)
    word_idf = fit_idf(word_counts, params.min_df, params.max_df, params.max_word_features)
    x = sp.hstack(
        [weight(char_counts, char_idf), weight(word_counts, word_idf, params.word_weight)],
        format="csr",
        dtype=np.float32,
    )
    svm = LinearSVC(C=params.svm_c, random_state=0)
    svm.fit(x, labels)
    return CategoryModel(
        params=params,
        classes=[str(c) for c in svm.classes_],
        char_idf=char_idf,
        word_idf=word_idf,
        coef=svm.coef_.astype(np.float32),
        intercept=svm.intercept_.astype(np.float32),
    )


def fit_model(
    normalised: list[str], words: list[str], labels: np.ndarray, params: ModelParams
) -> CategoryModel:
    """Hash and fit in one go (see :func:`fit_from_counts`)."""
    char_counts, word_counts = Hasher(params).counts(normalised, words)
    return fit_from_counts(char_counts, word_counts, labels, params)
