"""5-fold cross-validation of the address CRF on CCKS 2021 (helper for the benchmark)."""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from zhizhi.addresses.parser import model

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "addresses" / "ccks2021_train.conll"


def folds(n: int, k: int = 5) -> list[list[int]]:
    """Deterministic interleaved folds: item i goes to fold i % k."""
    return [[i for i in range(n) if i % k == f] for f in range(k)]


def evaluate(gold: list[list[str]], pred: list[list[str]]) -> tuple[Counter[str], Counter[str], Counter[str]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(model.spans_of(g)), set(model.spans_of(p))
        for s in gs & ps:
            tp[s[0]] += 1
        for s in ps - gs:
            fp[s[0]] += 1
        for s in gs - ps:
            fn[s[0]] += 1
    return tp, fp, fn


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cross_validate(
    k: int = 5,
    params: dict | None = None,
    limit_folds: int | None = None,
    on_fold: Callable[[Path, list[int]], None] | None = None,
) -> dict:
    """Train on k-1 folds, test on the held-out one; ``on_fold(model_path, test_indexes)`` sees each model."""
    data = model.read_conll(CORPUS)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for f, test_idx in enumerate(folds(len(data), k)[: limit_folds or k]):
            test = set(test_idx)
            train = [data[i] for i in range(len(data)) if i not in test]
            path = Path(tmp) / f"fold{f}.crfsuite"
            model.train(path, train, params=params)
            pred = [model.tag(data[i][0], path)[0] for i in test_idx]
            a, b, c = evaluate([data[i][1] for i in test_idx], pred)
            tp += a
            fp += b
            fn += c
            if on_fold is not None:
                on_fold(path, test_idx)
            model.reset_tagger(path)
            f1 = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))[2]
            print(f"fold {f}: micro-F1 so far {f1:.4f}", file=sys.stderr)
    labels = sorted(set(tp) | set(fp) | set(fn))
    per_label = {lab: (*prf(tp[lab], fp[lab], fn[lab]), tp[lab] + fn[lab]) for lab in labels}
    micro = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"micro": micro, "per_label": per_label, "seconds": time.perf_counter() - t0}


if __name__ == "__main__":
    res = cross_validate(limit_folds=int(sys.argv[1]) if len(sys.argv) > 1 else None)
    print(res["micro"], round(res["seconds"], 1))
