"""Lifecycle actions over HTTP against the floor of the same database work, in the same run.

    .venv/bin/python bench/bench_actions.py [--backends postgres] [--runs 3] [--seconds 8]
        [--cases 300] [--rate 300] [--conns 16] [--gc-log DIR] [--sweep 150,200,250,300 [--slo-ms 50]]

Starts real uvicorn servers (2 worker processes, as many as the machine has cores) on one fresh
database with the demo organisation (``bench_cases.prepare``): this code and the floor
(``floor_app.py``: lock a row, update it, insert an event row — what an action must at least
do). ``--cases`` cases are registered and dispatched to 长沙市住建局 and signed for; then, in
interleaved runs:

* saturation (closed loop, ``--conns`` connections, like ``wrk``): ``handle`` (办理, a
  stay-in-place action: every check of ``cases.service.perform``, an event, an audit entry and
  the case's JSON back) by the unit's handler, round-robin over the cases, against the floor's
  action on as many rows;
* a fixed offered rate (``openloop.py``, ``--rate`` per second): latency of the same action;
* the full lifecycle (``bench_cases.lifecycle``: create → dispatch → sign → reply → rate → close
  with 8 client threads);
* with ``--sweep``, after those: each offered rate once for this code and then the floor, and the
  highest rate at which each keeps p95 under ``--slo-ms`` — the latency target as a fraction of
  what the machine's floor manages in the same minutes, which a fixed rate on a machine whose
  speed drifts cannot say.

Prints Markdown tables of medians over the runs; traffic stays on loopback, every loop bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cases
import openloop

BODY = {"action": "handle", "note": "已联系维保单位，约定明日上门"}


def _cases(base: str, n: int) -> list[str]:
    tok = {u: bench_cases.token(base, u) for u in ("agent", "dispatcher", "handler_cxjs")}
    hdr = {u: {"Authorization": f"Bearer {t}"} for u, t in tok.items()}
    numbers = []
    with httpx.Client(base_url=base, timeout=30) as c:
        for _ in range(n):
            r = c.post(
                "/api/v1/cases",
                json={"content": "麓山南路小区电梯故障", "category": "CXJS"},
                headers=hdr["agent"],
            )
            number = r.json()["number"]
            for user, body in (
                ("dispatcher", {"action": "dispatch", "lead_department": "CS-ZJ"}),
                ("handler_cxjs", {"action": "sign"}),
            ):
                c.post(f"/api/v1/cases/{number}/actions", json=body, headers=hdr[user]).raise_for_status()
            numbers.append(number)
    return numbers


def bench_backend(backend: str, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    url = bench_cases.prepare(backend, args.db_name, args.src)
    env = {"ZHIZHI_AI_MODE": "off", "ZHIZHI_JOBS_RUNNER_IN_WEB": "false"}
    if args.gc_log:  # every full collection of the web processes, logged (gcwatch_app.py)
        Path(args.gc_log).mkdir(parents=True, exist_ok=True)
        env["ZHIZHI_BENCH_GC_LOG"] = str(Path(args.gc_log).resolve())
    target = "gcwatch_app:create_app" if args.gc_log else "zhizhi.web.app:create_app"
    app = bench_cases.Server(url, target, workers=args.workers, env=env, src=args.src)
    sealer = [bench_cases.Worker(url, "--queue", "bench-idle", src=args.src)] if backend == "postgres" else []
    floor = bench_cases.Server(url, "floor_app:app", workers=args.workers)
    runs: dict[str, list[dict[str, float]]] = {"action": [], "floor": [], "fixed": [], "floor_fixed": []}
    for rate in args.sweep:
        runs[f"sweep {rate:g}"], runs[f"floor sweep {rate:g}"] = [], []
    life: list[dict[str, float]] = []
    try:
        base, floor_base = f"http://127.0.0.1:{app.port}", f"http://127.0.0.1:{floor.port}"
        numbers = _cases(base, args.cases)
        os.environ["ZHIZHI_DATABASE_URL"] = url
        import floor_app

        ids = floor_app.seed(args.cases)
        floor_app.engine.dispose()
        handler = bench_cases.token(base, "handler_cxjs")
        action_urls = [f"{base}/api/v1/cases/{n}/actions" for n in numbers]
        floor_urls = [f"{floor_base}/floor/actions/{i}" for i in ids]

        def keep(kind: str, result: dict[str, float]) -> None:
            print(f"{backend} {kind}: {result}", flush=True)  # partial results survive a timeout
            runs[kind].append(result)

        for _ in range(args.runs):  # interleaved, so drift of the machine hits both alike
            keep("action", asyncio.run(openloop.closed(action_urls, BODY, args.conns, args.seconds, handler)))
            keep("floor", asyncio.run(openloop.closed(floor_urls, BODY, args.conns, args.seconds)))
            if not args.no_lifecycle:
                life.append(bench_cases.lifecycle(base, args.seconds))
                print(f"{backend} lifecycle: {life[-1]}", flush=True)
            keep("fixed", asyncio.run(openloop.run(action_urls, BODY, args.rate, args.seconds, handler)))
            keep("floor_fixed", asyncio.run(openloop.run(floor_urls, BODY, args.rate, args.seconds)))
        for rate in args.sweep:  # each rate: this code, then the floor, back to back
            keep(f"sweep {rate:g}", asyncio.run(openloop.run(action_urls, BODY, rate, args.seconds, handler)))
            keep(f"floor sweep {rate:g}", asyncio.run(openloop.run(floor_urls, BODY, rate, args.seconds)))
    finally:
        for srv in (app, floor):
            srv.stop()
        for w in sealer:
            w.stop()
    out = {k: bench_cases.median_of(v) for k, v in runs.items()}
    if life:
        out["life"] = bench_cases.median_of(life)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backends", default="postgres")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--cases", type=int, default=300, help="cases (and floor rows) the actions go round")
    ap.add_argument("--rate", type=float, default=300, help="offered actions/s for the fixed-rate run")
    ap.add_argument("--conns", type=int, default=16, help="connections of the closed-loop run")
    ap.add_argument(
        "--workers", type=int, default=2, help="uvicorn workers of each server (this code, the floor)"
    )
    ap.add_argument("--no-lifecycle", action="store_true", help="skip the full-lifecycle run")
    ap.add_argument("--db-name", default="zhizhi_bench_actions", help="PostgreSQL database to (re)create")
    ap.add_argument(
        "--src",
        help="src/ of another checkout to measure instead: its web app and sealer (e.g. before a change)",
    )
    ap.add_argument("--gc-log", help="folder for a log of the web processes' full garbage collections")
    ap.add_argument(
        "--sweep",
        type=lambda v: [float(r) for r in v.split(",")],
        default=[],
        help="offered rates (e.g. 150,200,250,300) at which this code and the floor each run once, "
        "back to back, after the interleaved runs: the highest rate each keeps p95 under --slo-ms",
    )
    ap.add_argument("--slo-ms", type=float, default=50, help="the p95 the sweep holds the rates to")
    args = ap.parse_args()
    results = {b: bench_backend(b, args) for b in args.backends.split(",")}
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{args.runs} runs × {args.seconds} s, medians; {args.cases} cases, {args.conns} connections\n"
    )
    print(
        "| backend | handle req/s | p50 / p95 ms | floor req/s | p50 / p95 ms | ratio "
        f"| at {args.rate:.0f}/s offered: achieved, p50 / p95 ms | floor at {args.rate:.0f}/s: p50 / p95 ms "
        "| errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for backend, r in results.items():
        a, f, x, fx = r["action"], r["floor"], r["fixed"], r["floor_fixed"]
        print(
            f"| {backend} | {a['rps']:.0f} | {a['p50']:.1f} / {a['p95']:.1f} | {f['rps']:.0f} | "
            f"{f['p50']:.1f} / {f['p95']:.1f} | {a['rps'] / f['rps']:.2f} | "
            f"{x['achieved_rps']:.0f}, {x['p50']:.1f} / {x['p95']:.1f} | {fx['p50']:.1f} / {fx['p95']:.1f} | "
            f"{a['errors'] + f['errors'] + x['errors'] + fx['errors']:.0f} |"
        )
    if args.sweep:
        _print_sweep(results, args)
    if any("life" in r for r in results.values()):
        print("\n| backend | lifecycles/s | lifecycle req/s | action p50 / p95 / p99 ms | errors |")
        print("|---|---|---|---|---|")
        for backend, r in results.items():
            if "life" in r:
                lf = r["life"]
                print(
                    f"| {backend} | {lf['lifecycles_per_s']:.1f} | {lf['requests_per_s']:.0f} | "
                    f"{lf['p50']:.1f} / {lf['p95']:.1f} / {lf['p99']:.1f} | {lf['errors']:.0f} |"
                )


def _print_sweep(results: dict[str, dict[str, dict[str, float]]], args: argparse.Namespace) -> None:
    """Per offered rate: this code's and the floor's achieved rate and p50 / p95; then the
    highest rate at which each kept up (achieved ≥ 95 % of offered) with p95 under the SLO."""
    print("\n| backend | offered/s | action: achieved, p50 / p95 ms | floor: achieved, p50 / p95 ms |")
    print("|---|---|---|---|")
    for backend, r in results.items():
        best = {"action": 0.0, "floor": 0.0}
        for rate in args.sweep:
            a, f = r[f"sweep {rate:g}"], r[f"floor sweep {rate:g}"]
            for kind, x in (("action", a), ("floor", f)):
                if x["achieved_rps"] >= 0.95 * rate and x["p95"] < args.slo_ms and not x["errors"]:
                    best[kind] = max(best[kind], rate)
            print(
                f"| {backend} | {rate:g} | {a['achieved_rps']:.0f}, {a['p50']:.1f} / {a['p95']:.1f} | "
                f"{f['achieved_rps']:.0f}, {f['p50']:.1f} / {f['p95']:.1f} |"
            )
        print(
            f"\n{backend}: highest offered rate with p95 < {args.slo_ms:g} ms: this code "
            f"{best['action']:g}/s, floor {best['floor']:g}/s"
        )


if __name__ == "__main__":
    main()
