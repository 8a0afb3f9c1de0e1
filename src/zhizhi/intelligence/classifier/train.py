"""Training and evaluation: leak-safe stratified cross-validation, calibration, final fit.

``train`` = 5-fold leak-safe CV on the de-duplicated labelled texts (training folds plus
the safe tokenised items) → out-of-fold scores → temperature and review threshold → final
fit on everything → artifact.  ``evaluate`` = the same CV, reported.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score

from zhizhi.intelligence.classifier.data import TWIN_CONTAINMENT, Corpus, Fold, leak_safe_folds, load_corpus
from zhizhi.intelligence.classifier.model import (
    PAYLOAD_FORMAT,
    CategoryModel,
    ModelParams,
    count_texts,
    fit_from_counts,
    fit_temperature,
    softmax,
)
from zhizhi.intelligence.classifier.text import MAX_INPUT_CHARS, MAX_MODEL_CHARS

#: The review threshold is the lowest confidence at which the out-of-fold predictions at
#: or above it are at least this accurate (see :func:`choose_threshold`); below it a
#: prediction has ``needs_review=True``.  The fallback applies to tiny training sets.
TARGET_ACCEPTED_ACCURACY = 0.95
DEFAULT_REVIEW_THRESHOLD = 0.6


@dataclass(slots=True)
class CVResult:
    classes: list[str]
    y_true: np.ndarray
    y_pred: np.ndarray
    scores: np.ndarray  # out-of-fold decision scores
    macro_f1: float
    fold_macro_f1: list[float]
    per_class_f1: dict[str, float]
    seconds: float
    extra_used_per_fold: list[int] = field(default_factory=list)
    twins_dropped_per_fold: list[int] = field(default_factory=list)
    seed: int = 42


def _rows(corpus: Corpus, train: np.ndarray, extra: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row indices into the stacked (labelled + extra) count matrices, and their labels."""
    rows = np.concatenate([train, len(corpus.texts) + extra]).astype(int)
    labels = (
        np.concatenate([corpus.labels[train], corpus.extra_labels[extra]])
        if len(extra)
        else corpus.labels[train]
    )
    return rows, labels


def _fit_fold(
    corpus: Corpus, counts: sp.csr_matrix, fold: Fold, params: ModelParams
) -> tuple[list[str], np.ndarray]:
    rows, labels = _rows(corpus, fold.train, fold.extra)
    model = fit_from_counts(counts[rows], labels, params)
    return model.classes, model.decision([corpus.texts[i] for i in fold.test])


def hash_corpus(corpus: Corpus, params: ModelParams) -> sp.csr_matrix:
    """Counts for labelled texts followed by extra texts (hashing is data-independent)."""
    return count_texts(corpus.texts + corpus.extra_texts, params)


def cross_validate(
    corpus: Corpus,
    params: ModelParams,
    *,
    use_extra: bool = True,
    n_splits: int = 5,
    seed: int = 42,
    n_jobs: int = 1,
    counts: sp.csr_matrix | None = None,
) -> CVResult:
    """Leak-safe stratified CV; returns out-of-fold predictions and scores."""
    from joblib import Parallel, delayed

    start = time.perf_counter()
    if not use_extra:
        corpus = Corpus(corpus.texts, corpus.labels, duplicates_dropped=corpus.duplicates_dropped)
        counts = None
    counts = counts if counts is not None else hash_corpus(corpus, params)
    folds = leak_safe_folds(corpus, n_splits=n_splits, seed=seed, use_extra=use_extra)
    outs = Parallel(n_jobs=n_jobs)(delayed(_fit_fold)(corpus, counts, f, params) for f in folds)
    classes = sorted({str(c) for c in corpus.labels})
    scores = np.zeros((len(corpus.texts), len(classes)), dtype=np.float64)
    for fold, (fold_classes, fold_scores) in zip(folds, outs, strict=True):
        for j, c in enumerate(fold_classes):
            scores[fold.test, classes.index(c)] = fold_scores[:, j]
    y_pred = np.array(classes, dtype=object)[scores.argmax(axis=1)]
    y_true = corpus.labels
    fold_f1 = [float(f1_score(y_true[f.test], y_pred[f.test], average="macro")) for f in folds]
    per_class = f1_score(y_true, y_pred, labels=classes, average=None)
    return CVResult(
        classes=classes,
        y_true=y_true,
        y_pred=y_pred,
        scores=scores,
        macro_f1=float(f1_score(y_true, y_pred, average="macro")),
        fold_macro_f1=fold_f1,
        per_class_f1={c: float(v) for c, v in zip(classes, per_class, strict=True)},
        seconds=time.perf_counter() - start,
        extra_used_per_fold=[len(f.extra) for f in folds],
        twins_dropped_per_fold=[f.twins_dropped for f in folds],
        seed=seed,
    )


def choose_threshold(
    proba: np.ndarray, correct: np.ndarray, target: float = TARGET_ACCEPTED_ACCURACY
) -> float:
    """Smallest confidence threshold whose accepted predictions reach ``target`` accuracy."""
    conf = proba.max(axis=1)
    for t in np.arange(0.30, 0.96, 0.01):
        accepted = conf >= t
        if accepted.sum() >= 20 and correct[accepted].mean() >= target:
            return round(float(t), 2)
    return DEFAULT_REVIEW_THRESHOLD


def calibration_report(
    proba: np.ndarray, correct: np.ndarray, threshold: float, bins: int = 10
) -> dict[str, float]:
    """Expected calibration error, review rate and accepted accuracy."""
    conf = proba.max(axis=1)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lo, hi in itertools.pairwise(edges):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            ece += m.mean() * abs(conf[m].mean() - correct[m].mean())
    accepted = conf >= threshold
    return {
        "ece": float(ece),
        "review_rate": float(1.0 - accepted.mean()),
        "accepted_accuracy": float(correct[accepted].mean()) if accepted.any() else 0.0,
        "accuracy": float(correct.mean()),
    }


def data_fingerprint(data_dir: Path, params: ModelParams) -> str:
    h = hashlib.sha256()
    for name in ("labelled_messages.csv", "tokenised_messages.csv"):
        path = data_dir / name
        if path.exists():
            h.update(name.encode())
            h.update(path.read_bytes())
    h.update(json.dumps(params.as_dict(), sort_keys=True).encode())
    h.update(f"{MAX_INPUT_CHARS}:{MAX_MODEL_CHARS}:{TWIN_CONTAINMENT}:{PAYLOAD_FORMAT}".encode())
    return h.hexdigest()[:8]


@dataclass(slots=True)
class TrainResult:
    model: CategoryModel
    cv: CVResult
    threshold: float
    calibration: dict[str, float]
    metadata: dict[str, Any]


def train(
    data_dir: Path,
    params: ModelParams | None = None,
    *,
    use_extra: bool = True,
    limit: int | None = None,
    n_jobs: int = 1,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Full training run; returns the fitted model with metadata (nothing written)."""
    import sklearn

    say = progress or (lambda _msg: None)
    params = params or ModelParams()
    start = time.perf_counter()
    corpus = load_corpus(data_dir, with_extra=use_extra, limit=limit)
    say(
        f"{len(corpus.texts)} labelled texts after de-duplication ({corpus.duplicates_dropped} dropped), "
        f"{len(corpus.extra_texts)} tokenised texts"
    )
    counts = hash_corpus(corpus, params)
    say("cross-validating (leak-safe, 5 folds)")
    cv = cross_validate(corpus, params, use_extra=use_extra, n_jobs=n_jobs, counts=counts)
    y_index = np.array([cv.classes.index(str(c)) for c in cv.y_true])
    temperature = fit_temperature(cv.scores, y_index)
    proba = softmax(cv.scores / temperature)
    correct = proba.argmax(axis=1) == y_index
    threshold = choose_threshold(proba, correct)
    calibration = calibration_report(proba, correct, threshold)
    say("fitting the final model on all texts")
    rows, labels = _rows(corpus, np.arange(len(corpus.texts)), np.arange(len(corpus.extra_texts)))
    model = fit_from_counts(counts[rows], labels, params)
    model.temperature = temperature
    fingerprint = data_fingerprint(data_dir, params)
    today = datetime.now(UTC).strftime("%Y%m%d")
    metadata: dict[str, Any] = {
        "model_version": f"cat-{today}-{fingerprint}",
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sklearn_version": sklearn.__version__,
        "numpy_version": np.__version__,
        "classes": model.classes,
        "params": params.as_dict(),
        "temperature": temperature,
        "review_threshold": threshold,
        "n_labelled": len(corpus.texts),
        "n_extra": len(corpus.extra_texts),
        "duplicates_dropped": corpus.duplicates_dropped,
        "cv_macro_f1": cv.macro_f1,
        "cv_fold_macro_f1": cv.fold_macro_f1,
        "cv_per_class_f1": cv.per_class_f1,
        "cv_protocol": {
            "folds": len(cv.fold_macro_f1),
            "seed": cv.seed,
            "tokenised_used_per_fold": cv.extra_used_per_fold,
            "labelled_twins_dropped_per_fold": cv.twins_dropped_per_fold,
        },
        "calibration": calibration,
        "train_seconds": round(time.perf_counter() - start, 1),
    }
    return TrainResult(model, cv, threshold, calibration, metadata)
