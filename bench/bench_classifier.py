"""Benchmark of the appeal category classifier.

    .venv/bin/python bench/bench_classifier.py [--data-dir ../shared/data/citizen_messages] [--runs 3]
        [--write docs/bench/intelligence-classifier.md]

Measures, on the de-duplicated labelled_messages.csv: leak-safe stratified 5-fold macro-F1
and per-class F1 of the shipped configuration (with and without the tokenised extra data)
and of a char TF-IDF + LinearSVC baseline on the same folds; training time; single-message
latency (median, p95) and batch throughput of the shipped model; model file size; and
resident memory of a fresh process that imports fastapi + sqlalchemy and loads the model.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.svm import LinearSVC

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zhizhi.intelligence.classifier import classify_many, store  # noqa: E402
from zhizhi.intelligence.classifier.data import leak_safe_folds, load_corpus  # noqa: E402
from zhizhi.intelligence.classifier.model import WITH_WORDS, ModelParams, fit_from_counts  # noqa: E402
from zhizhi.intelligence.classifier.train import cross_validate, hash_corpus  # noqa: E402

RSS_SCRIPT = """
import fastapi, sqlalchemy, fastapi.testclient
from zhizhi.intelligence.classifier import classify
classify("小区噪音扰民", "每天晚上施工到凌晨，严重影响休息")
for line in open("/proc/self/status"):
    if line.startswith("VmRSS"):
        print(int(line.split()[1]) // 1024)
"""


def baseline_cv(corpus, n_splits: int = 5, seed: int = 42) -> tuple[float, dict[str, float], float]:  # type: ignore[no-untyped-def]
    """char 1–3-gram TF-IDF + LinearSVC on labelled texts only, same folds."""
    start = time.perf_counter()
    pred = np.empty(len(corpus.texts), dtype=object)
    for fold in leak_safe_folds(corpus, n_splits=n_splits, seed=seed, use_extra=False):
        vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        x = vec.fit_transform([corpus.texts[i] for i in fold.train])
        svm = LinearSVC(C=1.0).fit(x, corpus.labels[fold.train])
        pred[fold.test] = svm.predict(vec.transform([corpus.texts[i] for i in fold.test]))
    classes = sorted(set(corpus.labels))
    per = f1_score(corpus.labels, pred, labels=classes, average=None)
    macro = float(f1_score(corpus.labels, pred, average="macro"))
    return macro, dict(zip(classes, map(float, per), strict=True)), time.perf_counter() - start


def measure_rss(runs: int) -> list[int]:
    out = []
    for _ in range(runs):
        res = subprocess.run([sys.executable, "-c", RSS_SCRIPT], capture_output=True, text=True, check=True)
        out.append(int(res.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "citizen_messages")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args()

    lines: list[str] = []

    def out(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    params = ModelParams()
    corpus = load_corpus(args.data_dir)
    out(
        f"- corpus: {len(corpus.texts)} labelled texts after de-duplication "
        f"({corpus.duplicates_dropped} dropped), "
        f"{len(corpus.extra_texts)} tokenised texts ({corpus.extra_duplicates_dropped} duplicates dropped)"
    )
    t0 = time.perf_counter()
    counts = hash_corpus(corpus, params)
    hash_s = time.perf_counter() - t0

    shipped = cross_validate(corpus, params, counts=counts)
    labelled_only = cross_validate(corpus, WITH_WORDS, counts=hash_corpus(corpus, WITH_WORDS))
    base_macro, base_per, base_s = baseline_cv(corpus)

    out("")
    out("## Accuracy: stratified 5-fold CV (seed 42) on de-duplicated labelled_messages.csv")
    out("")
    out(
        "| category | baseline char TF-IDF + LinearSVC, labelled only "
        "| char + jieba word variant + tokenised (leak-safe) | **shipped**: char + tokenised (leak-safe) |"
    )
    out("|---|---:|---:|---:|")
    for c in shipped.classes:
        out(
            f"| {c} | {base_per[c]:.4f} | {labelled_only.per_class_f1[c]:.4f} "
            f"| {shipped.per_class_f1[c]:.4f} |"
        )
    out(
        f"| **macro-F1** | **{base_macro:.4f}** | **{labelled_only.macro_f1:.4f}** "
        f"| **{shipped.macro_f1:.4f}** |"
    )
    out(
        f"| folds | | {' '.join(f'{f:.3f}' for f in labelled_only.fold_macro_f1)} | "
        f"{' '.join(f'{f:.3f}' for f in shipped.fold_macro_f1)} |"
    )
    out("")
    out(
        "- tokenised items used for training per fold (twins of test items removed): "
        f"{shipped.extra_used_per_fold}"
    )
    out(
        f"- CV wall time: shipped {shipped.seconds:.0f} s (2 jobs), "
        f"char + word variant {labelled_only.seconds:.0f} s (incl. jieba), "
        f"baseline {base_s:.0f} s"
    )

    fits = []
    rows = np.arange(counts[0].shape[0])
    labels = np.concatenate([corpus.labels, corpus.extra_labels])
    for _ in range(args.runs):
        t0 = time.perf_counter()
        fit_from_counts(counts[0][rows], counts[1][rows], labels, params)
        fits.append(time.perf_counter() - t0)
    meta = store.get().metadata
    out("")
    out("## Training time")
    out("")
    out(f"- hashing all {counts[0].shape[0]} texts (shipped config, no jieba): {hash_s:.1f} s (one run)")
    out(
        f"- final fit (idf + LinearSVC on all texts), median of {args.runs}: {statistics.median(fits):.1f} s "
        f"(runs {', '.join(f'{f:.1f}' for f in fits)})"
    )
    out(
        f"- full `zhizhi nlp train` (load, hash, 5-fold CV for calibration, final fit) as recorded in the "
        f"shipped metadata: {meta.get('train_seconds')} s"
    )

    texts = [t for t in corpus.texts]
    classify_many(texts[:5])  # load model + jieba
    medians, p95s, throughputs = [], [], []
    for _ in range(args.runs):
        lat = []
        for t in texts:
            t0 = time.perf_counter()
            classify_many([t])
            lat.append(time.perf_counter() - t0)
        medians.append(statistics.median(lat) * 1000)
        p95s.append(float(np.percentile(lat, 95)) * 1000)
        t0 = time.perf_counter()
        for i in range(0, len(texts), 100):
            classify_many(texts[i : i + 100])
        throughputs.append(len(texts) / (time.perf_counter() - t0))
    out("")
    out("## Prediction (single process, shipped model, all 2,981 labelled texts)")
    out("")
    out(
        f"- latency per message, one at a time: median {statistics.median(medians):.2f} ms, "
        f"p95 {statistics.median(p95s):.2f} ms (median over {args.runs} runs)"
    )
    out(
        f"- throughput in batches of 100: {statistics.median(throughputs):.0f} messages/s "
        f"(median over {args.runs} runs)"
    )
    size = store.MODEL_FILE.stat().st_size
    out(
        f"- model file: {store.MODEL_FILE.relative_to(ROOT)} {size / 1024 / 1024:.2f} MiB "
        f"(version {meta['model_version']})"
    )
    rss = measure_rss(args.runs)
    out(
        f"- RSS of a fresh process after importing fastapi + sqlalchemy and classifying once: "
        f"median {statistics.median(rss)} MiB (runs {rss})"
    )
    out("")
    out(
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}; "
        "other jobs shared the machine during the run, so wall times are upper bounds."
    )

    if args.write:
        header = [
            "# Benchmark: appeal category classifier",
            "",
            f"Command: `.venv/bin/python bench/bench_classifier.py --runs {args.runs} --write {args.write}`",
            f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
            "",
        ]
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
