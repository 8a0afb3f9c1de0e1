"""Benchmark: duplicates (并单), hotspots (热点) and reply quality on the citizen-message data.

Run from the project root::

    .venv/bin/python bench/bench_intelligence_analysis.py [--runs 3] \
        [--out docs/bench/intelligence-analysis.md]

Needs ``../shared/data/citizen_messages``; timings are medians of ``--runs`` runs (≥ 3).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ZHIZHI_SHARED_DATA", ROOT.parent / "shared" / "data")) / "citizen_messages"
PAIRS = ROOT / "tests" / "intelligence" / "data" / "duplicate_pairs.csv"
LABELS = ROOT / "tests" / "intelligence" / "data" / "reply_quality_eval.csv"


CPU: dict[str, float] = {}  # median process CPU time per measured label (robust to other jobs)


def median_time(fn: Callable[[], Any], runs: int, label: str = "") -> tuple[float, Any]:
    times, cpu, result = [], [], None
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    if label:
        CPU[label] = statistics.median(cpu)
    return statistics.median(times), result


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def bench_duplicates(runs: int) -> list[str]:
    from zhizhi.intelligence.duplicates import DEFAULT_THRESHOLD, DuplicateIndex, find_duplicates
    from zhizhi.intelligence.duplicates.evaluation import evaluate, load_appeals, read_pairs

    rows = load_appeals(DATA / "hotspot_messages.csv")
    res = evaluate(rows, read_pairs(PAIRS))
    out = ["## Duplicates (并单)", ""]
    out.append(
        f"Pair set `tests/intelligence/data/duplicate_pairs.csv`: {res['pairs']} pairs, "
        f"{res['positives']} positive (construction in docs/intelligence-analysis.md). "
        f"Threshold {DEFAULT_THRESHOLD:.2f} (fixed before evaluating)."
    )
    out += [
        "",
        "| subset | threshold | precision | recall | F1 | tp | fp | fn |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    named: list[tuple[str, Any]] = [("all pairs", res["all"]), ("hand-labelled (120)", res["hand"])]
    named += [
        (f"hand, 2-fold: threshold fit on the other half ({i + 1})", f)
        for i, f in enumerate(res["two_fold_hand"])
    ]
    for name, m in named:
        out.append(
            f"| {name} | {m['threshold']:.2f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
            f"| {m['tp']} | {m['fp']} | {m['fn']} |"
        )
    out += [
        "",
        f"Average precision: all pairs {res['ap_all']:.3f}; hand-labelled {res['ap_hand']:.3f}. "
        f"Ablation — text similarity alone as the score: hand-labelled AP {res['ap_hand_text_only']:.3f}.",
        "",
    ]
    out += [
        "PR curve on the hand-labelled pairs:",
        "",
        "| threshold | precision | recall | F1 |",
        "|---:|---:|---:|---:|",
    ]
    for m in res["curve_hand"]:
        out.append(f"| {m['threshold']:.2f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    out += [
        "",
        "Accuracy at the threshold by pair source:",
        "",
        "| source | pairs | accuracy |",
        "|---|---:|---:|",
    ]
    for src, v in res["by_source"].items():
        out.append(f"| {src} | {v['n']} | {v['accuracy']:.3f} |")

    from zhizhi.intelligence import textsim

    appeals = [a for a, _ in rows]
    cands, queries = appeals[:1000], appeals[1000:1020]

    def cold_build() -> DuplicateIndex:
        textsim._ROW_CACHE.clear()
        return DuplicateIndex(cands)

    build, index = median_time(cold_build, runs, "build")
    per_query, per_query_cpu = [], []
    for _ in range(runs):
        for q in queries:
            wall, cpu = timed(lambda q=q: index.query(q))
            per_query.append(wall)
            per_query_cpu.append(cpu)

    def cold_stateless() -> object:
        textsim._ROW_CACHE.clear()
        return find_duplicates(queries[0], cands)

    stateless_cold, _ = median_time(cold_stateless, runs, "stateless_cold")
    warm, warm_cpu = [], []
    for q in queries:  # the row cache is warm now: the same open cases, new appeals
        wall, cpu = timed(lambda q=q: find_duplicates(q, cands))
        warm.append(wall)
        warm_cpu.append(cpu)
    p95 = sorted(per_query)[int(0.95 * len(per_query)) - 1]
    out += [
        "",
        "Latency, 1,000 candidates (hotspot_messages rows 1–1000), queries = rows 1001–1020:",
        "",
        "| operation | median wall | median CPU |",
        "|---|---:|---:|",
        "| build `DuplicateIndex` over 1,000 open cases, cold row cache (once, then kept) "
        f"| {build * 1000:.0f} ms | {CPU['build'] * 1000:.0f} ms |",
        f"| `index.query(appeal)` against the 1,000 | {statistics.median(per_query) * 1000:.1f} ms "
        f"| {statistics.median(per_query_cpu) * 1000:.1f} ms |",
        f"| p95 of `index.query` | {p95 * 1000:.1f} ms | |",
        f"| stateless `find_duplicates(appeal, 1,000)`, cold row cache | {stateless_cold * 1000:.0f} ms "
        f"| {CPU['stateless_cold'] * 1000:.0f} ms |",
        "| stateless `find_duplicates(appeal, 1,000)`, warm row cache (same open cases, 20 new appeals) "
        f"| {statistics.median(warm) * 1000:.0f} ms | {statistics.median(warm_cpu) * 1000:.0f} ms |",
    ]
    return out


def bench_hotspots(runs: int) -> list[str]:
    from zhizhi.intelligence.hotspots import find_hotspots, load_messages_csv

    messages = load_messages_csv(str(DATA / "hotspot_messages.csv"))
    find_hotspots(messages[:50])  # load the word segmenter's dictionary outside the timing
    seconds, spots = median_time(lambda: find_hotspots(messages, top=10), runs, "hotspots")
    big = []
    for k in range(4):
        big += [
            replace(m, id=f"{k}-{m.id}", created_at=m.created_at - timedelta(days=400 * k)) for m in messages
        ]
    big_seconds, _ = median_time(lambda: find_hotspots(big, top=10), 1, "hotspots_big")
    out = ["", "## Hotspots (热点发现)", ""]
    out.append(
        f"`find_hotspots` on hotspot_messages.csv ({len(messages)} messages, no window, top 10): "
        f"median {seconds:.1f} s wall, {CPU['hotspots']:.1f} s CPU over {runs} runs "
        "(segmenter dictionary loaded; the first call in a process adds about 0.15 s). "
        f"Four shifted copies ({len(big)} messages, sparse mutual-kNN path): {big_seconds:.1f} s wall, "
        f"{CPU['hotspots_big']:.1f} s CPU (1 run)."
    )
    out += [
        "",
        "| # | score | title (medoid subject) | place | topic words | msgs | people | likes | first – last |",
        "|---:|---:|---|---|---|---:|---:|---:|---|",
    ]
    for h in spots:
        out.append(
            f"| {h.rank} | {h.score:.2f} | {h.title} | {h.place} | {h.topic} | {h.count} | {h.people} "
            f"| {h.likes} | {h.first_at:%Y-%m-%d} – {h.last_at:%Y-%m-%d} |"
        )
    return out


def bench_reply(runs: int) -> list[str]:
    from zhizhi.intelligence.reply_quality.evaluation import evaluate, load_replied, read_labels

    msgs = load_replied(DATA / "replied_messages.csv")
    labels = read_labels(LABELS)
    results = [evaluate(msgs, labels) for _ in range(runs)]
    res = results[0]
    rate = statistics.median(r["per_second"] for r in results)
    rate_cpu = statistics.median(r["per_cpu_second"] for r in results)
    q = res["overall_quantiles"]
    d = res["dimension_means"]
    return [
        "",
        "## Reply quality (答复质量)",
        "",
        f"All {res['messages']} replies of replied_messages.csv: overall score quantiles "
        + ", ".join(f"p{int(k * 100)} {v:.2f}" for k, v in q.items())
        + f"; dimension means relevance {d['relevance']:.2f}, completeness {d['completeness']:.2f}, "
        f"explainability {d['explainability']:.2f}, timeliness {d['timeliness']:.2f}; median working days "
        f"{res['working_days_median']:.0f}. Flagged for supervision: {res['flagged_share']:.1%} "
        f"(content reasons only: {res['content_flagged_share']:.1%}).",
        "",
        f"Agreement with the hand-labelled sample ({res['labelled']} replies, {res['labelled_poor']} poor):",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| ROC AUC of `overall` (poor vs good) | {res['auc_overall']:.3f} |",
        f"| content flag accuracy | {res['flag_accuracy']:.3f} |",
        f"| Cohen's kappa (flag vs label) | {res['flag_kappa']:.3f} |",
        f"| precision of the flag for 'poor' | {res['flag_precision_poor']:.3f} |",
        f"| recall of the flag for 'poor' | {res['flag_recall_poor']:.3f} |",
        f"| throughput (one process, median of {runs}): wall / CPU | {rate:.0f} / {rate_cpu:.0f} replies/s |",
        "",
        "The flag thresholds (overall < 0.30, relevance < 0.15) were set on this same sample, so flag "
        "accuracy/kappa are optimistic; the AUC does not depend on a threshold.",
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "bench" / "intelligence-analysis.md")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    runs = max(3, args.runs)
    if not DATA.exists():
        raise SystemExit(f"reference data not found: {DATA}")
    t0 = time.perf_counter()
    lines = [
        "# Benchmark: duplicates, hotspots, reply quality",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}; "
        f"other engineers' jobs were running (load average {os.getloadavg()[0]:.1f} at start), so wall "
        "times are pessimistic; process CPU times are given beside them. Command: "
        "`.venv/bin/python bench/bench_intelligence_analysis.py` (timings: median of "
        f"{runs} runs). Method and evaluation construction: docs/intelligence-analysis.md.",
        "",
    ]
    lines += bench_duplicates(runs)
    lines += bench_hotspots(runs)
    lines += bench_reply(runs)
    lines += ["", f"Total benchmark wall time: {time.perf_counter() - t0:.0f} s.", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
