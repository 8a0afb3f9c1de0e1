"""Benchmark the address parser against cpca and jionlp (run: .venv/bin/python bench/bench_address_parser.py).

Measures, in one run on one machine:

* province + city + district accuracy on CCKS 2021 train (gold from the labelled spans, see
  ``gold_divisions``), for this parser, cpca and jionlp;
* element-level strict-span micro-F1 (and per label) of our CRF in 5-fold CV (``--folds 0`` skips);
* addresses/second, single process, one address at a time (median of ``--runs`` runs);
* peak memory (VmHWM of a fresh subprocess that imports the library and parses 1,000 addresses);
* that all 50,000 unlabelled CCKS addresses parse without exception.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "addresses"
sys.path.insert(0, str(ROOT / "bench"))

from zhizhi.addresses.parser import model, parse  # noqa: E402
from zhizhi.addresses.parser.gazetteer import get_gazetteer, level_of  # noqa: E402
from zhizhi.addresses.parser.resolve import resolve  # noqa: E402

LEVELS3 = ("province", "city", "county")
Levels = dict[str, str]


def load_unlabelled() -> list[str]:
    lines = (DATA / "ccks2021_unlabelled_50k.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("\x01", 1)[-1] for line in lines]


def gold_divisions(text: str, tags: list[str]) -> Levels | None:
    """Gold province/city/county codes: the gold prov/city/district spans resolved by the gazetteer.

    Missing levels are inferred upwards (district → city → province) as the gazetteer tree allows;
    a level below the deepest gold mention stays absent.  ``None`` when nothing resolves or the
    gold spans alone are ambiguous (朝阳区 without a city), so such addresses are excluded.
    """
    spans = [(lab, text[s:e]) for lab, s, e in model.spans_of(tags) if lab in ("prov", "city", "district")]
    res = resolve(get_gazetteer(), spans)
    if not res.path or res.alternatives:
        return None
    return {level_of(c): c for c in res.path if level_of(c) in LEVELS3}


def names_to_levels(prov: str | None, city: str | None, county: str | None) -> Levels:
    """Map a peer's names to codes through the same gazetteer (aliases included) for a fair compare."""
    spans = [(lab, n) for lab, n in (("prov", prov), ("city", city), ("district", county)) if n]
    res = resolve(get_gazetteer(), spans)
    return {level_of(c): c for c in res.path if level_of(c) in LEVELS3}


def ours(text: str) -> Levels:
    r = parse(text)
    return {lvl: d.code for lvl, d in r.divisions.items() if lvl in LEVELS3}


def make_cpca() -> Callable[[str], Levels]:
    import cpca

    def run(text: str) -> Levels:
        df = cpca.transform([text])
        row = df.iloc[0]
        return names_to_levels(row["省"] or None, row["市"] or None, row["区"] or None)

    return run


def make_jionlp() -> Callable[[str], Levels]:
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

    def run(text: str) -> Levels:
        d = jionlp.parse_location(text)
        return names_to_levels(d.get("province"), d.get("city"), d.get("county"))

    return run


def accuracy(system: Callable[[str], Levels], items: list[tuple[str, Levels]]) -> dict[str, float]:
    ok = ok_full = n_full = 0
    per_level = dict.fromkeys(LEVELS3, 0)
    per_level_n = dict.fromkeys(LEVELS3, 0)
    for text, gold in items:
        pred = system(text)
        good = {lvl: pred.get(lvl) == code for lvl, code in gold.items()}
        for lvl, g in good.items():
            per_level[lvl] += g
            per_level_n[lvl] += 1
        ok += all(good.values())
        if len(gold) == 3:
            n_full += 1
            ok_full += all(good.values())
    n = len(items)
    return {
        "all_correct": ok / n,
        "all_correct_gold3": ok_full / max(1, n_full),
        "n": n,
        "n_gold3": n_full,
    } | {f"{lvl}_acc": per_level[lvl] / max(1, per_level_n[lvl]) for lvl in LEVELS3}


def speed(fn: Callable[[str], object], texts: list[str], runs: int) -> dict[str, float]:
    """Median addresses/second over ``runs`` runs: wall clock, and CPU time of this process."""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        for t in texts:
            fn(t)
        wall.append(len(texts) / (time.perf_counter() - t0))
        cpu.append(len(texts) / (time.process_time() - c0))
    return {"wall": statistics.median(wall), "cpu": statistics.median(cpu), "n": len(texts), "runs": runs}


_MEM_SNIPPET = """
import sys, contextlib, io
def hwm():  # peak resident set of this process (VmHWM, reset at exec unlike ru_maxrss)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
sys.path.insert(0, {bench!r})
texts = [l.split("\\x01", 1)[-1] for l in open({path!r}, encoding="utf-8").read().splitlines()[:1000]]
base = hwm()
with contextlib.redirect_stdout(io.StringIO()):
    {setup}
for t in texts:
    {call}
print(base, hwm())
"""
_MEM_CASES = {
    "zhizhi": ("from zhizhi.addresses.parser import parse", "parse(t)"),
    "cpca": ("import cpca", "cpca.transform([t])"),
    "jionlp": ("import jionlp", "jionlp.parse_location(t)"),
}


def peak_memory_mb(name: str) -> tuple[float, float]:
    setup, call = _MEM_CASES[name]
    code = _MEM_SNIPPET.format(
        bench=str(ROOT / "bench"), path=str(DATA / "ccks2021_unlabelled_50k.txt"), setup=setup, call=call
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    base, peak = (int(x) for x in out.split()[-2:])
    return base / 1024, peak / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5, help="CV folds to run (0 = skip CV)")
    ap.add_argument("--peer-sample", type=int, default=0, help="limit peers' accuracy set (0 = all)")
    ap.add_argument("--jionlp-speed-sample", type=int, default=2000)
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args()
    out: dict[str, object] = {}

    data = model.read_conll(DATA / "ccks2021_train.conll")
    gold = [gold_divisions(t, tags) for t, tags in data]
    items = [(t, g) for (t, _), g in zip(data, gold, strict=True) if g]
    out["gold"] = {"addresses": len(data), "with_gold": len(items), "excluded": len(data) - len(items)}
    print("gold:", out["gold"], flush=True)

    systems: dict[str, Callable[[str], Levels]] = {
        "zhizhi": ours,
        "cpca": make_cpca(),
        "jionlp": make_jionlp(),
    }
    acc: dict[str, object] = {}
    for name, fn in systems.items():
        subset = items if name == "zhizhi" or not args.peer_sample else items[: args.peer_sample]
        acc[name + (" (shipped model, seen in training)" if name == "zhizhi" else "")] = accuracy(fn, subset)
        print(name, acc[next(reversed(acc))], flush=True)

    if args.folds:
        from _address_cv import cross_validate

        held_out: list[tuple[str, Levels]] = []
        held_pred: list[Levels] = []

        def on_fold(path: Path, test_idx: list[int]) -> None:
            for i in test_idx:
                g = gold[i]
                if g:
                    r = parse(data[i][0], model_path=path)
                    held_out.append((data[i][0], g))
                    held_pred.append({lvl: d.code for lvl, d in r.divisions.items() if lvl in LEVELS3})

        cv = cross_validate(k=5, limit_folds=args.folds, on_fold=on_fold)
        preds = dict(zip((t for t, _ in held_out), held_pred, strict=False))
        acc["zhizhi (5-fold CV, held-out)"] = accuracy(lambda t: preds[t], held_out)
        out["cv"] = cv
        print(f"CV micro P/R/F1: {cv['micro']} ({cv['seconds']:.0f} s)")
        print("| label | P | R | F1 | gold spans |")
        for lab, (p, r, f, n) in sorted(cv["per_label"].items(), key=lambda kv: -kv[1][3]):
            print(f"| {lab} | {p:.4f} | {r:.4f} | {f:.4f} | {n} |")
    out["accuracy"] = acc
    for name, a in acc.items():
        print(f"accuracy {name}: {a}", flush=True)

    texts = load_unlabelled()
    failures = 0
    for t in texts:
        try:
            parse(t)
        except Exception:  # the robustness claim: count, never crash the benchmark
            failures += 1
    out["unlabelled"] = {"lines": len(texts), "exceptions": failures}
    print("unlabelled:", out["unlabelled"], flush=True)

    sample = texts[:10_000]
    out["speed"] = {
        "zhizhi": speed(parse, texts, args.runs),
        "cpca": speed(systems["cpca"], sample, args.runs),
        "jionlp": speed(systems["jionlp"], texts[: args.jionlp_speed_sample], args.runs),
    }
    print("speed (addresses/s, one at a time):", out["speed"], flush=True)
    out["memory_mb"] = {name: peak_memory_mb(name) for name in _MEM_CASES}
    print("memory (baseline MB, peak MB):", out["memory_mb"], flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
