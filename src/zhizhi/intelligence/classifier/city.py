"""The city's classifier: the same model (``model.py``) trained on the city's own category tree.

Pure: no database.  The caller (routing's training task) hands over

* ``confirmed``: the city's confirmed cases ``(text, category code, confirmed_at order)``, oldest
  first; the newest :data:`HOLDOUT_SHARE` (at least :data:`MIN_HOLDOUT`) are held back for the
  accuracy figure and not trained on;
* ``base``: the base corpus already mapped into the city tree ``(text, category code)``;
* ``parents``: code → parent code of the tree.

A label with fewer than ``min_samples`` training texts is rolled up into its nearest ancestor;
a first-level category still below it is left out of the model and reported as lacking
samples (暂无足够样本) instead of being guessed.  A prediction is correct when it names the
confirmed category or one of its ancestors (the model may stop at a coarser level).
"""

from __future__ import annotations

import io
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from zhizhi.intelligence.classifier.model import (
    CategoryModel,
    ModelParams,
    fit_model,
    fit_temperature,
    softmax,
)
from zhizhi.intelligence.classifier.relabel import relabel
from zhizhi.intelligence.classifier.text import model_text

HOLDOUT_SHARE = 0.2
MIN_HOLDOUT = 10
MIN_SAMPLES = 5
CONFIRMED_WEIGHT = 3.0  # a city confirmation weighs as much as this many base-corpus texts
DEFAULT_TEMPERATURE = 0.25  # the base model's (fitted on its out-of-fold scores)
#: The city's model is regularised more than the base model (C 0.5, the base's 4): a city's
#: confirmations repeat their problems in near-identical words (the same template, another
#: address), which a hard margin learns by heart — street and road names included — instead of
#: the words the problem is put in. Chosen on the development set ``VENDING_DEV`` and the base
#: corpus's held-back texts, never on a held-out set (docs/benchmarks.md, fourth pass).
CITY_PARAMS = ModelParams(svm_c=0.5)


@dataclass(slots=True)
class CityTraining:
    model: CategoryModel
    metadata: dict[str, Any]
    insufficient: list[str] = field(default_factory=list)  # codes with too few samples


def lineage(code: str, parents: dict[str, str | None]) -> list[str]:
    out, seen = [], set()
    node: str | None = code
    while node is not None and node not in seen:
        seen.add(node)
        out.append(node)
        node = parents.get(node)
    return out


def roll_up(labels: Sequence[str], parents: dict[str, str | None], min_samples: int) -> dict[str, str | None]:
    """Each label → the label it is trained as (itself or the nearest ancestor with enough
    samples), or ``None`` when even its first-level category has too few."""
    counts = Counter(labels)
    mapping: dict[str, str | None] = {c: c for c in counts}
    changed = True
    while changed:
        changed = False
        trained = Counter(mapping[c] for c in labels if mapping[c] is not None)
        for c in counts:
            target = mapping[c]
            if target is not None and trained[target] < min_samples:
                parent = parents.get(target)
                mapping[c] = parent
                changed = True
    return mapping


def _accuracy(
    model: CategoryModel, texts: list[str], labels: list[str], parents: dict[str, str | None]
) -> dict[str, Any]:
    if not texts:
        return {"n": 0, "accuracy": None, "first_level_accuracy": None}
    tops = first_levels(model.classes, parents)
    scores = model.decision(texts)
    predicted = [
        model.classes[rank(softmax(row / model.temperature), model.classes, tops)[0]] for row in scores
    ]
    return score_predictions(predicted, labels, parents)


def score_predictions(
    predicted: Sequence[str | None], labels: Sequence[str], parents: dict[str, str | None]
) -> dict[str, Any]:
    """Share of predictions naming the confirmed category or an ancestor, and of predictions in
    the confirmed category's first-level category."""
    right = top = 0
    for p, y in zip(predicted, labels, strict=True):
        chain = lineage(y, parents)
        right += p is not None and p in chain
        top += p is not None and lineage(p, parents)[-1] == chain[-1]
    n = len(labels)
    return {
        "n": n,
        "accuracy": round(right / n, 4) if n else None,
        "first_level_accuracy": round(top / n, 4) if n else None,
    }


def _temperature(
    model: CategoryModel, texts: list[str], labels: list[str], parents: dict[str, str | None]
) -> float:
    """Fitted on the held-back cases when they contain mistakes to learn from (at least
    :data:`MIN_HOLDOUT` cases, at least one wrong, kept within 0.1–1); else the base model's.
    Only the stated confidence depends on it, never the proposed category."""
    y = [
        next((model.classes.index(a) for a in lineage(c, parents) if a in model.classes), -1) for c in labels
    ]
    rows = [i for i, v in enumerate(y) if v >= 0]
    if len(rows) < MIN_HOLDOUT:
        return DEFAULT_TEMPERATURE
    scores = model.decision([texts[i] for i in rows])
    target = np.array([y[i] for i in rows])
    if bool((scores.argmax(axis=1) == target).all()):
        return DEFAULT_TEMPERATURE
    return min(1.0, max(0.1, fit_temperature(scores, target)))


def split_holdout(n: int) -> int:
    """How many of ``n`` confirmed cases (the newest) are held back."""
    if n < 2 * MIN_HOLDOUT:
        return 0
    return max(MIN_HOLDOUT, round(n * HOLDOUT_SHARE))


def train_city(
    confirmed: Sequence[tuple[str, str]],
    base: Sequence[tuple[str, str]],
    parents: dict[str, str | None],
    *,
    min_samples: int = MIN_SAMPLES,
    params: ModelParams | None = None,
    version_prefix: str = "city",
    names: dict[str, str] | None = None,
    confirmed_weight: float = CONFIRMED_WEIGHT,
    extra: Sequence[tuple[str, str]] = (),
) -> CityTraining:
    """Fit on ``base`` (relabelled into the city's own split when ``names`` is given, see
    :mod:`.relabel`, which also adds the ``extra`` texts that speak of the city's own split) + the
    older confirmed cases (each weighing ``confirmed_weight``); measure on the newest held back."""
    start = time.perf_counter()
    params = params or CITY_PARAMS
    held = split_holdout(len(confirmed))
    train_part, holdout = list(confirmed[: len(confirmed) - held]), list(confirmed[len(confirmed) - held :])
    moved: dict[str, dict[str, int]] = {}
    added: dict[str, dict[str, int]] = {}
    if names is not None:  # anchors: the training part only, never the held-back cases
        relabelled = relabel(base, train_part, parents, names, extra=extra)
        base, moved, added = relabelled.pairs, relabelled.moved, relabelled.added
    texts = [model_text(t) for t, _ in base] + [model_text(t) for t, _ in train_part]
    raw = [c for _, c in base] + [c for _, c in train_part]
    weight = [1.0] * len(base) + [confirmed_weight] * len(train_part)
    keep = [i for i, t in enumerate(texts) if t]
    texts, raw, weight = [texts[i] for i in keep], [raw[i] for i in keep], [weight[i] for i in keep]
    mapping = roll_up(raw, parents, min_samples)
    rows = [i for i, c in enumerate(raw) if mapping[c] is not None]
    pairs = [(texts[i], mapping[raw[i]]) for i in rows]
    classes = sorted({c for _, c in pairs if c is not None})
    if len(classes) < 2:
        raise ValueError("at least two categories need enough samples to train a classifier")
    model = fit_model(
        [t for t, _ in pairs],
        np.array([c for _, c in pairs], dtype=object),
        params,
        np.array([weight[i] for i in rows], dtype=np.float64),
    )
    if len(model.classes) == 2 and model.coef.shape[1] == 1:  # a binary SVM has one score column
        model.coef = np.hstack([-model.coef, model.coef])
        model.intercept = np.concatenate([-model.intercept, model.intercept])
    hold_texts = [model_text(t) for t, _ in holdout]
    hold_labels = [c for _, c in holdout]
    model.temperature = _temperature(model, hold_texts, hold_labels, parents)
    counts = Counter(c for _, c in pairs)
    raw_counts = Counter(raw)
    insufficient = sorted(c for c, target in mapping.items() if target != c)
    covered = {lineage(c, parents)[-1] for c in model.classes}
    uncovered = sorted(c for c, parent in parents.items() if parent is None and c not in covered)
    now = datetime.now(UTC)
    metadata: dict[str, Any] = {
        "model_version": f"{version_prefix}-{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}",  # unique
        "trained_at": now.isoformat(timespec="seconds"),
        "classes": model.classes,
        "first_level": first_levels(model.classes, parents),  # for ``rank`` (gaps11b)
        "samples": dict(sorted(counts.items())),
        "raw_samples": dict(sorted(raw_counts.items())),
        "rolled_up": {c: t for c, t in sorted(mapping.items()) if t != c},
        "uncovered_first_level": uncovered,  # first-level categories without a trained sample
        "min_samples": min_samples,
        "n_base": len(base),
        "n_confirmed": len(train_part),
        "confirmed_weight": confirmed_weight,
        "relabelled": moved,  # target category → {base label: texts moved into it}
        "added": added,  # target category → {base label: extra (tokenised) texts added to it}
        "holdout": _accuracy(model, hold_texts, hold_labels, parents),
        "temperature": model.temperature,
        "train_seconds": round(time.perf_counter() - start, 2),
        "params": params.as_dict(),
    }
    return CityTraining(model, metadata, insufficient)


def dumps(model: CategoryModel, metadata: dict[str, Any]) -> bytes:
    """The artifact as bytes (the same joblib payload as the shipped base model's file)."""
    import joblib

    out = io.BytesIO()
    joblib.dump({"metadata": metadata, "model": model.to_payload()}, out, compress=("zlib", 3))  # fast
    return out.getvalue()


def loads(data: bytes) -> tuple[CategoryModel, dict[str, Any]]:
    import joblib

    payload = joblib.load(io.BytesIO(data))
    return CategoryModel.from_payload(payload["model"]), dict(payload.get("metadata") or {})


def first_levels(classes: Sequence[str], parents: dict[str, str | None]) -> dict[str, str]:
    """Each class → its first-level category (stored with the model: ``metadata["first_level"]``)."""
    return {c: lineage(c, parents)[-1] for c in classes}


def rank(p: np.ndarray, classes: Sequence[str], first_level: dict[str, str] | None) -> list[int]:
    """Class indices best first. With ``first_level``: the first-level category whose classes
    hold the most probability together comes first, its classes by probability, then the rest
    (gaps11b). A city splits a problem over several children (市容环境: 垃圾清运, 占道经营,
    露天烧烤…) where the base corpus has one undivided category (城乡建设): compared leaf by
    leaf, the undivided one wins whenever the children share the evidence between them."""
    order = [int(i) for i in np.argsort(-p, kind="stable")]
    if not first_level:
        return order
    mass: dict[str, float] = {}
    for i, c in enumerate(classes):
        top = first_level.get(c, c)
        mass[top] = mass.get(top, 0.0) + float(p[i])
    best = max(mass, key=lambda k: (mass[k], k))
    return [i for i in order if first_level.get(classes[i], classes[i]) == best] + [
        i for i in order if first_level.get(classes[i], classes[i]) != best
    ]


def predict(
    model: CategoryModel, text: str, first_level: dict[str, str] | None = None
) -> tuple[list[tuple[str, float]], list[str]]:
    """Probabilities (best first, see :func:`rank`) and the best category's strongest character
    n-grams."""
    normalised = model_text(text)
    scores, vector = model.decision_one(normalised)
    p = softmax(scores / model.temperature)
    order = rank(p, model.classes, first_level)
    terms = model.top_terms(normalised, vector, order[0]) if normalised else []
    return [(model.classes[i], float(p[i])) for i in order], terms


def predict_codes(
    model: CategoryModel, texts: Sequence[str], first_level: dict[str, str] | None = None
) -> list[str]:
    """The best category of each text (no reasons: for evaluations); ``first_level`` as in
    :func:`rank` (without it: the class of highest score)."""
    if not texts:
        return []
    scores = model.decision([model_text(t) for t in texts])
    if not first_level:
        return [model.classes[i] for i in scores.argmax(axis=1)]
    return [
        model.classes[rank(softmax(row / model.temperature), model.classes, first_level)[0]] for row in scores
    ]
