"""CPU per lifecycle action: the web process's and PostgreSQL's, against the floor's, in one run.

    .venv/bin/python bench/cpu_actions.py [--cases 150] [--rounds 2] [--seconds 8] [--conns 4]
        [--baseline-src /path/to/other/checkout/src]

Where ``bench_actions.py`` measures throughput and latency, this says where the machine's CPU goes
per request, which is what decides how close to its saturation an offered rate runs on 2 cores.
One uvicorn worker per server on one fresh PostgreSQL database (``bench_cases.prepare``): this
code, the floor (``floor_app.py``) and, with ``--baseline-src``, another checkout's code. In
interleaved rounds each gets a closed loop of ``handle`` actions (``--conns`` connections,
``--seconds``); the CPU time of the server's process tree and of every ``postgres`` process
(the sealer worker's database work included), of the sealer worker's process and of this load
generator is read from ``/proc`` before and after and divided by the requests answered. Linux
only; other processes' database work counts too, so run it on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cases
import openloop
from bench_actions import BODY, _cases

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def _tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    out = [pid]
    for child in children.read_text().split() if children.exists() else []:
        out += _tree(int(child))
    return out


def _postgres_cpu() -> float:
    total = 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == "postgres":
                    total += _cpu(int(entry))
            except OSError:  # the process ended meanwhile
                pass
    return total


def measure(
    pids: list[int], sealer: int, urls: list[str], token: str | None, args: argparse.Namespace
) -> dict[str, float]:
    app0, pg0, seal0, gen0 = sum(map(_cpu, pids)), _postgres_cpu(), _cpu(sealer), time.process_time()
    result = asyncio.run(openloop.closed(urls, BODY, args.conns, args.seconds, token))
    app1, pg1, seal1, gen1 = sum(map(_cpu, pids)), _postgres_cpu(), _cpu(sealer), time.process_time()
    n = result["rps"] * args.seconds
    return {
        "rps": result["rps"],
        "app_ms": 1000 * (app1 - app0) / n,
        "pg_ms": 1000 * (pg1 - pg0) / n,
        "sealer_ms": 1000 * (seal1 - seal0) / n,
        "gen_ms": 1000 * (gen1 - gen0) / n,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=150)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=8)
    ap.add_argument("--conns", type=int, default=4)
    ap.add_argument("--baseline-src", help="src/ of another checkout, measured beside this one")
    ap.add_argument("--db-name", default="zhizhi_bench_cpu_actions")
    args = ap.parse_args()
    url = bench_cases.prepare("postgres", args.db_name)
    env = {"ZHIZHI_AI_MODE": "off", "ZHIZHI_JOBS_RUNNER_IN_WEB": "false"}
    servers = {"this code": bench_cases.Server(url, "zhizhi.web.app:create_app", workers=1, env=env)}
    if args.baseline_src:
        servers["baseline"] = bench_cases.Server(
            url, "zhizhi.web.app:create_app", workers=1, env=env, src=args.baseline_src
        )
    servers["floor"] = bench_cases.Server(url, "floor_app:app", workers=1)
    sealer = bench_cases.Worker(url, "--queue", "bench-idle")
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    try:
        base = f"http://127.0.0.1:{servers['this code'].port}"
        numbers = _cases(base, args.cases)
        os.environ["ZHIZHI_DATABASE_URL"] = url
        import floor_app

        ids = floor_app.seed(args.cases)
        floor_app.engine.dispose()
        token = bench_cases.token(base, "handler_cxjs")
        for _ in range(args.rounds):
            for name, server in servers.items():
                root = f"http://127.0.0.1:{server.port}"
                if name == "floor":
                    urls, auth = [f"{root}/floor/actions/{i}" for i in ids], None
                else:
                    urls, auth = [f"{root}/api/v1/cases/{n}/actions" for n in numbers], token
                rows[name].append(measure(_tree(server.proc.pid), sealer.proc.pid, urls, auth, args))
                print(name, rows[name][-1], flush=True)
    finally:
        for server in servers.values():
            server.stop()
        sealer.stop()
    print(f"\n{args.rounds} rounds × {args.seconds} s, {args.conns} connections, one worker each; medians\n")
    print(
        "| server | req/s | web process CPU ms/request | PostgreSQL CPU ms/request "
        "| sealer process CPU ms/request | load generator CPU ms/request |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs in rows.items():
        m = bench_cases.median_of(runs)
        print(
            f"| {name} | {m['rps']:.0f} | {m['app_ms']:.2f} | {m['pg_ms']:.2f} "
            f"| {m['sealer_ms']:.2f} | {m['gen_ms']:.2f} |"
        )


if __name__ == "__main__":
    main()
