"""Applications (办件) over HTTP on PostgreSQL: submission, and the full path to a certificate,
against the case-creation floor of the same run.

    .venv/bin/python bench/bench_applications.py [--runs 3] [--seconds 10] [--threads 4]

Builds a fresh PostgreSQL database with the demo city (``bench_cases.prepare``: the catalogue,
the Yuelu market regulator's reviewer ``shenpi`` and its signing key), starts uvicorn with 2
worker processes, and per run, phases interleaved, drives with ``--threads`` Python client
threads for ``--seconds`` each:

* floor — ``POST /api/v1/cases`` (an appeal registered by the intake agent: the engine's write);
* submit — ``POST /api/v1/applications`` (食品经营许可 at the window: applicant ID checked,
  the form against the version's fields, the materials checklist, case + satellite rows);
* path — submit, accept, examine, approve (an SM2-signed 食品经营许可证 issued in the same unit
  of work), deliver: five requests, the path's duration.

Prints each run's throughput and p50/p95 latency, the medians and the ratio to the floor.
Traffic stays on loopback; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cases import Server, prepare
from zhizhi.certificates.holders import uscc_check_char
from zhizhi.demo.applications import CERT_FIELDS, FOOD, FOOD_MATERIALS

PASSWORD = "zhizhi2026"


def token(base: str, username: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    r.raise_for_status()
    return str(r.json()["access_token"])


def _code(i: int) -> str:
    first17 = f"91430104MB{i % 10_000_000:07d}"
    return first17 + uscc_check_char(first17)


def application(i: int) -> dict[str, Any]:
    code = _code(i)
    return {
        "item": FOOD,
        "channel": "window",
        "applicant": {"type": "organisation", "name": f"长沙压测餐饮有限公司{i}", "id_number": code},
        "form": {
            "enterprise.name": f"长沙压测餐饮有限公司{i}",
            "enterprise.credit_code": code,
            "legal_rep.name": "刘建国",
            "person.phone": "13873100001",
            "premises.address": "长沙市岳麓区麓山南路 932 号",
            "premises.area": "80",
            "food.category": "热食类食品制售",
        },
        "materials": [{"code": m, "received": True} for m in FOOD_MATERIALS],
    }


def drive(base: str, seconds: int, threads: int, step: Any) -> dict[str, float]:
    """Run ``step(client, i) -> list of request latencies`` (None on an error) in threads."""
    latencies: list[float] = []
    durations: list[float] = []
    errors = 0
    counter = [0]
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.time() < stop_at:
                with lock:
                    counter[0] += 1
                    i = counter[0]
                t0 = time.perf_counter()
                lat = step(client, i)
                with lock:
                    if lat is None:
                        errors += 1
                    else:
                        latencies.extend(lat)
                        durations.append(time.perf_counter() - t0)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(seconds + 120)
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=20) if len(latencies) >= 20 else [0.0] * 19
    d = statistics.quantiles(durations, n=20) if len(durations) >= 20 else [0.0] * 19
    return {
        "per_s": len(durations) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p95_ms": q[18] * 1000,
        "path_p95_ms": d[18] * 1000,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    url = prepare("postgres", "zhizhi_apps_bench")
    server = Server(url, "zhizhi.web.app:create_app", env={"ZHIZHI_JOBS_RUNNER_IN_WEB": "false"})
    base = f"http://127.0.0.1:{server.port}"
    try:
        agent = {"Authorization": f"Bearer {token(base, 'agent')}"}
        clerk = {"Authorization": f"Bearer {token(base, 'shenpi')}"}
        offset = [100_000]

        def floor(c: httpx.Client, i: int) -> list[float] | None:
            t = time.perf_counter()
            r = c.post(
                "/api/v1/cases", json={"content": "麓山南路小区电梯故障", "category": "CXJS"}, headers=agent
            )
            return [time.perf_counter() - t] if r.status_code == 201 else None

        def submit(c: httpx.Client, i: int) -> list[float] | None:
            t = time.perf_counter()
            r = c.post("/api/v1/applications", json=application(offset[0] + i), headers=clerk)
            return [time.perf_counter() - t] if r.status_code == 201 else None

        def path(c: httpx.Client, i: int) -> list[float] | None:
            lat: list[float] = []
            t = time.perf_counter()
            r = c.post("/api/v1/applications", json=application(offset[0] + 500_000 + i), headers=clerk)
            lat.append(time.perf_counter() - t)
            if r.status_code != 201:
                return None
            number = r.json()["number"]
            steps: list[dict[str, Any]] = [
                {"action": "accept"},
                {"action": "examine"},
                {"action": "approve", "certificate_fields": CERT_FIELDS},
                {"action": "deliver", "method": "certificate"},
            ]
            for body in steps:
                t = time.perf_counter()
                r = c.post(f"/api/v1/cases/{number}/actions", json=body, headers=clerk)
                lat.append(time.perf_counter() - t)
                if r.status_code != 200:
                    print("path error", body["action"], r.status_code, r.text[:200], file=sys.stderr)
                    return None
            return lat

        results: dict[str, list[dict[str, float]]] = {"floor": [], "submit": [], "path": []}
        for run in range(args.runs):
            for name, step in (("floor", floor), ("submit", submit), ("path", path)):
                out = drive(base, args.seconds, args.threads, step)
                results[name].append(out)
                print(f"run {run + 1} {name}: {out}", flush=True)
            offset[0] += 1_000_000
        med = {k: {m: statistics.median(r[m] for r in v) for m in v[0]} for k, v in results.items()}
        print(f"\nload average: {os.getloadavg()}")
        print("| phase | per second | p50 ms | p95 ms | path p95 ms | ratio to floor (per s) |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, m in med.items():
            ratio = m["per_s"] / med["floor"]["per_s"] if med["floor"]["per_s"] else 0.0
            print(
                f"| {name} | {m['per_s']:.1f} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | "
                f"{m['path_p95_ms']:.1f} | {ratio:.2f} |"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
