"""The category model: hashed character n-gram TF-IDF blocks, a linear SVM, temperature scaling.

Features (:mod:`.features`): character 1–3-grams of the whole normalised text and, as a
second block, of its first ``head_chars`` characters (the subject).  Each block is weighted
``(1 + log tf) × idf`` with the idf fitted on the training texts (only the ``max_*`` most
frequent hashed columns with ``min_df ≤ df ≤ max_df`` kept), L2-normalised and scaled by
its weight.  A one-vs-rest :class:`~sklearn.svm.LinearSVC` (classes weighted inversely to
their frequency) gives a score per category; probabilities are ``softmax(scores / T)``
with the temperature fitted on leak-safe out-of-fold scores.

Prediction needs numpy only: the sorted kept hashed columns (a binary search maps a hashed
column to its compact index: 1.6 MB instead of a 21 MB dense table), their idf and weights.
Only numpy arrays are stored (:meth:`CategoryModel.to_payload`), never sklearn objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from zhizhi.intelligence.classifier.features import (
    Layout,
    codepoints,
    count_matrix,
    fit_idf,
    hashed,
    packed,
    text_ids,
    weigh,
)

#: Version of the stored payload and of the feature hashing; an artifact with another
#: format is refused with a clear message (rebuild with ``zhizhi nlp train``).
PAYLOAD_FORMAT = 2


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Hyper-parameters (part of the model version hash), fixed before the final evaluation."""

    char_ngrams: tuple[int, int] = (1, 3)
    hash_bits: int = 22
    max_features: int = 150_000
    head_chars: int = 25
    head_ngrams: tuple[int, int] = (1, 3)
    head_hash_bits: int = 20
    head_max_features: int = 50_000
    head_weight: float = 0.5
    min_df: int = 2
    max_df: float = 0.9
    svm_c: float = 4.0
    balanced: bool = True

    def layout(self) -> Layout:
        lo, hi = self.char_ngrams
        hlo, hhi = self.head_ngrams
        return Layout(
            orders=tuple(range(lo, hi + 1)),
            bits=self.hash_bits,
            head_orders=tuple(range(hlo, hhi + 1)),
            head_chars=self.head_chars if self.head_weight > 0 else 0,
            head_bits=self.head_hash_bits,
        )

    def block_specs(self) -> list[tuple[int, int, int, float]]:
        """``(first column, end column, max_features, weight)`` of each block."""
        limits = {"body": (self.max_features, 1.0), "head": (self.head_max_features, self.head_weight)}
        return [(lo, hi, *limits[name]) for name, lo, hi in self.layout().block_ranges()]

    def as_dict(self) -> dict[str, Any]:
        return {
            "char_ngrams": list(self.char_ngrams),
            "hash_bits": self.hash_bits,
            "max_features": self.max_features,
            "head_chars": self.head_chars,
            "head_ngrams": list(self.head_ngrams),
            "head_hash_bits": self.head_hash_bits,
            "head_max_features": self.head_max_features,
            "head_weight": self.head_weight,
            "min_df": self.min_df,
            "max_df": self.max_df,
            "svm_c": self.svm_c,
            "balanced": self.balanced,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelParams:
        values = dict(data)
        values["char_ngrams"] = tuple(values["char_ngrams"])
        values["head_ngrams"] = tuple(values["head_ngrams"])
        return cls(**values)


def count_texts(texts: list[str], params: ModelParams) -> sp.csr_matrix:
    """Hashed term counts of normalised ``texts`` (both blocks, ``layout().width`` columns)."""
    return count_matrix(texts, params.layout())


@dataclass
class CategoryModel:
    """Kept hashed columns (both blocks), their idf and class weights; numpy only at prediction.

    ``columns`` is ascending, so the body block's kept columns come first (``n_body`` of
    them) and the head block's after.
    """

    params: ModelParams
    classes: list[str]
    columns: np.ndarray  # (n_kept,) hashed column ids, ascending
    idf: np.ndarray  # (n_kept,) float32
    coef: np.ndarray  # (n_kept, n_classes) float32
    intercept: np.ndarray  # (n_classes,) float32
    temperature: float = 1.0
    layout: Layout = field(init=False, repr=False)
    n_body: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.layout = self.params.layout()
        self.columns = np.asarray(self.columns, dtype=np.int64)
        if len(self.columns) and (
            np.any(np.diff(self.columns) <= 0) or self.columns[-1] >= self.layout.width
        ):
            raise ValueError("kept columns must be ascending and inside the layout")
        self.idf = np.ascontiguousarray(self.idf, dtype=np.float32)
        self.coef = np.ascontiguousarray(self.coef, dtype=np.float32)
        self.intercept = np.asarray(self.intercept, dtype=np.float32)
        if self.idf.shape != self.columns.shape or self.coef.shape != (len(self.columns), len(self.classes)):
            raise ValueError("inconsistent shapes of columns, idf and weights")
        self.n_body = int(np.searchsorted(self.columns, self.layout.body_width))
        self._scales = (1.0, self.params.head_weight)

    def compact(self, hashed_ids: np.ndarray) -> np.ndarray:
        """Compact column of each hashed column id, -1 where the column was not kept."""
        if self.columns.size == 0:
            return np.full(hashed_ids.shape, -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(self.columns, hashed_ids), self.columns.size - 1)
        return np.where(self.columns[pos] == hashed_ids, pos, -1)

    def vector(self, normalised: str) -> tuple[np.ndarray, np.ndarray]:
        """Compact columns (ascending) and feature values of one normalised text."""
        # sorted queries keep the binary search cache-friendly, and the result stays sorted
        cols = self.compact(np.sort(text_ids(codepoints(normalised), self.layout)))
        cols = cols[cols >= 0]
        if cols.size == 0:
            return cols, np.empty(0, dtype=np.float32)
        starts = np.flatnonzero(np.concatenate(([True], cols[1:] != cols[:-1])))
        counts = np.diff(np.append(starts, cols.size)).astype(np.float32)
        unique = cols[starts]
        w = (1.0 + np.log(counts)) * self.idf[unique]
        split = int(np.searchsorted(unique, self.n_body))
        for part, scale in ((w[:split], self._scales[0]), (w[split:], self._scales[1])):
            norm = float(np.sqrt(np.dot(part, part)))
            if norm > 0:
                part *= np.float32(scale / norm)
        return unique, w

    def decision_one(self, normalised: str) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Scores of one normalised text, and its (columns, values) for :meth:`top_terms`."""
        cols, w = self.vector(normalised)
        scores = self.intercept.astype(np.float64)
        if cols.size:
            scores = scores + w @ self.coef[cols]
        return scores, (cols, w)

    def decision(self, normalised: list[str]) -> np.ndarray:
        """Scores (texts × classes)."""
        out = np.empty((len(normalised), len(self.classes)), dtype=np.float64)
        for i, text in enumerate(normalised):
            out[i] = self.decision_one(text)[0]
        return out

    def top_terms(
        self, normalised: str, vector: tuple[np.ndarray, np.ndarray], class_index: int, k: int = 3
    ) -> list[str]:
        """Character 2–3-grams of the first 200 characters contributing most to ``class_index``."""
        cols, w = vector
        orders = [n for n in (2, 3) if n in self.layout.orders]
        if cols.size == 0 or not orders:
            return []
        head = normalised[:200]
        grams = packed(codepoints(head), max(orders))
        values: list[np.ndarray] = []
        for n in orders:
            compact = self.compact(hashed(grams, (n,), 0, self.layout.bits, None))
            pos = np.minimum(np.searchsorted(cols, compact), len(cols) - 1)
            present = (compact >= 0) & (cols[pos] == compact)
            value = np.zeros(len(compact), dtype=np.float32)
            value[present] = w[pos[present]] * self.coef[compact[present], class_index]
            values.append(value)
        flat = np.concatenate(values)
        chosen: list[str] = []
        for j in np.argsort(-flat, kind="stable")[: 8 * k]:
            if flat[j] <= 0:
                break
            start, block = int(j), 0
            while start >= len(values[block]):
                start -= len(values[block])
                block += 1
            term = head[start : start + orders[block]]
            if not any(term in c or c in term for c in chosen):
                chosen.append(term)
            if len(chosen) == k:
                break
        return chosen

    # -- storage: plain numpy arrays, compact (float16 on disk, float32 in memory) ------
    def to_payload(self) -> dict[str, Any]:
        return {
            "format": PAYLOAD_FORMAT,
            "params": self.params.as_dict(),
            "classes": list(self.classes),
            "columns": self.columns.astype(np.int32),
            "idf": self.idf.astype(np.float16),
            "coef": self.coef.astype(np.float16),  # half precision: 2x smaller file
            "intercept": self.intercept.astype(np.float32),
            "temperature": float(self.temperature),
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> CategoryModel:
        return cls(
            params=ModelParams.from_dict(payload["params"]),
            classes=[str(c) for c in payload["classes"]],
            columns=np.asarray(payload["columns"], dtype=np.int64),
            idf=np.asarray(payload["idf"], dtype=np.float32),
            coef=np.asarray(payload["coef"], dtype=np.float32),
            intercept=np.asarray(payload["intercept"], dtype=np.float32),
            temperature=float(payload["temperature"]),
        )


def softmax(scores: np.ndarray) -> np.ndarray:
    z = scores - scores.max(axis=-1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return out


def fit_temperature(scores: np.ndarray, y_index: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of ``softmax(scores / t)``."""
    rows = np.arange(len(y_index))

    def nll(log_t: float) -> float:
        p = softmax(scores / np.exp(log_t))
        return float(-np.mean(np.log(np.clip(p[rows, y_index], 1e-12, None))))

    from scipy.optimize import minimize_scalar  # training only: keeps ~60 MB out of web processes

    res = minimize_scalar(nll, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    return float(np.exp(res.x))


def fit_from_counts(
    counts: sp.csr_matrix, labels: np.ndarray, params: ModelParams, weights: np.ndarray | None = None
) -> CategoryModel:
    """Fit the idf of each block and the SVM on pre-hashed counts (temperature left at 1)."""
    blocks = [
        (*fit_idf(counts, lo, hi, params.min_df, params.max_df, limit), scale)
        for lo, hi, limit, scale in params.block_specs()
    ]
    x = sp.hstack(
        [weigh(counts, cols, idf, scale) for cols, idf, scale in blocks], format="csr", dtype=np.float32
    )
    from sklearn.svm import LinearSVC  # training only (see fit_temperature)

    svm = LinearSVC(C=params.svm_c, class_weight="balanced" if params.balanced else None, random_state=0)
    svm.fit(x, labels, sample_weight=weights)
    return CategoryModel(
        params=params,
        classes=[str(c) for c in svm.classes_],
        columns=np.concatenate([cols for cols, _, _ in blocks]),
        idf=np.concatenate([idf for _, idf, _ in blocks]),
        coef=svm.coef_.T.astype(np.float32),
        intercept=svm.intercept_.astype(np.float32),
    )


def fit_model(
    normalised: list[str], labels: np.ndarray, params: ModelParams, weights: np.ndarray | None = None
) -> CategoryModel:
    """Hash and fit in one go (see :func:`fit_from_counts`; ``weights``: per-sample weights)."""
    return fit_from_counts(count_texts(normalised, params), labels, params, weights)
