"""Evaluation of the duplicate scorer on hotspot_messages.csv with a fixed, stored pair set.

The pair set (``tests/intelligence/data/duplicate_pairs.csv``: ``id_a, id_b, label, source``)
was built once with :func:`build_auto_pairs` plus 120 hand-labelled pairs; sources:

* ``hand_same_user`` (60) — one random pair per user among posts of the same user ≤ 180 days
  apart with different subjects, labelled by reading (1 = same concrete matter, would be merged);
* ``hand_shared_place`` (60) — one random pair per extracted named place (≥ 4 chars), different
  users, ≤ 30 days apart, labelled by reading;
* ``auto_same_subject`` — same user, identical normalised subject, ≤ 180 days (label 1);
* ``auto_cross_subject`` — identical normalised subject posted by different users (label 1);
* ``auto_random_negative`` — random pairs of different users ≤ 30 days apart, same pseudonymised
  district (or both without one), no shared named place, different subjects (label 0, assumed).
"""

from __future__ import annotations

import csv
import itertools
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zhizhi.intelligence.duplicates import DEFAULT_THRESHOLD, Appeal, DuplicateIndex
from zhizhi.intelligence.textsim import compact, extract_places, parse_datetime

SEED = 20261122


@dataclass(frozen=True, slots=True)
class LabelledPair:
    id_a: str
    id_b: str
    label: int
    source: str


def load_appeals(path: Path) -> list[tuple[Appeal, str]]:
    """Read hotspot_messages.csv as ``(Appeal, user)`` tuples."""
    out: list[tuple[Appeal, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            a = Appeal(
                subject=r.get("subject") or "",
                body=r.get("body") or "",
                created_at=parse_datetime(r.get("created_at")),
                id=str(r.get("message_id") or ""),
            )
            out.append((a, r.get("user") or ""))
    return out


def _days(a: Appeal, b: Appeal) -> float:
    if a.created_at is None or b.created_at is None:
        return 1e9
    return abs((a.created_at - b.created_at).total_seconds()) / 86400


def build_auto_pairs(rows: Sequence[tuple[Appeal, str]], *, n_negative: int = 300) -> list[LabelledPair]:
    """Rule-labelled pairs (see the module docstring); deterministic for a given input."""
    rnd = random.Random(SEED)
    out: list[LabelledPair] = []
    by_user: dict[str, list[Appeal]] = defaultdict(list)
    by_subject: dict[str, list[tuple[Appeal, str]]] = defaultdict(list)
    for a, user in rows:
        by_user[user].append(a)
        by_subject[compact(a.subject)].append((a, user))
    for user in sorted(by_user):
        for a, b in itertools.combinations(by_user[user], 2):
            if compact(a.subject) == compact(b.subject) and a.subject and _days(a, b) <= 180:
                out.append(LabelledPair(a.id, b.id, 1, "auto_same_subject"))
    for subject in sorted(by_subject):
        group = by_subject[subject]
        if len(subject) < 6:
            continue
        pairs = [(a, b) for (a, ua), (b, ub) in itertools.combinations(group, 2) if ua != ub]
        if pairs:
            a, b = rnd.choice(pairs)
            out.append(LabelledPair(a.id, b.id, 1, "auto_cross_subject"))
    places = {a.id: extract_places(f"{a.subject} {a.body[:300]}") for a, _ in rows}
    seen: set[tuple[str, str]] = set()
    tries = 0
    while sum(p.source == "auto_random_negative" for p in out) < n_negative and tries < 200_000:
        tries += 1
        (a, ua), (b, ub) = rnd.sample(list(rows), 2)
        pa, pb = places[a.id], places[b.id]
        if ua == ub or _days(a, b) > 30 or compact(a.subject) == compact(b.subject):
            continue
        if pa.divisions != pb.divisions or pa.named & pb.named:
            continue
        key = (min(a.id, b.id), max(a.id, b.id))
        if key in seen:
            continue
        seen.add(key)
        out.append(LabelledPair(a.id, b.id, 0, "auto_random_negative"))
    return out


def read_pairs(path: Path) -> list[LabelledPair]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [LabelledPair(r["id_a"], r["id_b"], int(r["label"]), r["source"]) for r in csv.DictReader(fh)]


def write_pairs(path: Path, pairs: Iterable[LabelledPair]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id_a", "id_b", "label", "source"])
        for p in pairs:
            w.writerow([p.id_a, p.id_b, p.label, p.source])


def score_pairs(
    rows: Sequence[tuple[Appeal, str]], pairs: Sequence[LabelledPair]
) -> tuple[np.ndarray, np.ndarray]:
    """(combined score, text similarity) per pair, from an index over all messages (production-like IDF)."""
    index = DuplicateIndex([a for a, _ in rows])
    pos = {a.id: i for i, (a, _) in enumerate(rows)}
    matches = [index.pair(pos[p.id_a], pos[p.id_b]) for p in pairs]
    return np.array([m.score for m in matches]), np.array([m.text for m in matches])


def prf(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, float]:
    pred = scores >= threshold
    tp = int(np.sum(pred & (labels == 1)))
    fp = int(np.sum(pred & (labels == 0)))
    fn = int(np.sum(~pred & (labels == 1)))
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"threshold": threshold, "precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn}


def average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    order = np.argsort(-scores, kind="stable")
    hits = labels[order] == 1
    if not hits.any():
        return 0.0
    precision_at = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(np.sum(precision_at[hits]) / hits.sum())


def pr_curve(scores: np.ndarray, labels: np.ndarray, thresholds: Sequence[float]) -> list[dict[str, float]]:
    return [prf(scores, labels, t) for t in thresholds]


def best_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    grid = np.round(np.arange(0.20, 0.81, 0.01), 2)
    return float(max(grid, key=lambda t: (prf(scores, labels, float(t))["f1"], -t)))


def evaluate(
    rows: Sequence[tuple[Appeal, str]], pairs: Sequence[LabelledPair], threshold: float = DEFAULT_THRESHOLD
) -> dict[str, object]:
    """P/R/F1 at ``threshold`` overall and per subset, average precision, PR points, 2-fold check."""
    known = {a.id for a, _ in rows}
    pairs = [p for p in pairs if p.id_a in known and p.id_b in known]
    scores, text_only = score_pairs(rows, pairs)
    labels = np.array([p.label for p in pairs])
    hand = np.array([p.source.startswith("hand") for p in pairs])
    result: dict[str, object] = {
        "pairs": len(pairs),
        "positives": int(labels.sum()),
        "all": prf(scores, labels, threshold),
        "hand": prf(scores[hand], labels[hand], threshold),
        "ap_all": average_precision(scores, labels),
        "ap_hand": average_precision(scores[hand], labels[hand]),
        "ap_hand_text_only": average_precision(text_only[hand], labels[hand]),
        "curve_hand": pr_curve(scores[hand], labels[hand], [0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7]),
        "by_source": {
            s: {"n": int(np.sum(m)), "accuracy": float(np.mean((scores[m] >= threshold) == (labels[m] == 1)))}
            for s in sorted({p.source for p in pairs})
            for m in [np.array([p.source == s for p in pairs])]
        },
    }
    # 2-fold: pick the best-F1 threshold on one half of the hand pairs, report on the other half
    idx = np.flatnonzero(hand)
    rnd = np.random.default_rng(SEED)
    rnd.shuffle(idx)
    halves = (idx[: len(idx) // 2], idx[len(idx) // 2 :])
    folds = []
    for fit, test in (halves, halves[::-1]):
        t = best_threshold(scores[fit], labels[fit])
        folds.append(prf(scores[test], labels[test], t))
    result["two_fold_hand"] = folds
    return result
