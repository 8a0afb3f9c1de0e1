"""Case creation and full lifecycle over HTTP, on SQLite and PostgreSQL, against the framework floor.

    .venv/bin/python bench/bench_cases.py [--runs 3] [--seconds 10] [--backends sqlite,postgres]

Starts real uvicorn servers on 127.0.0.1 (2 worker processes, as many as the machine has cores),
drives creation with ``wrk`` (Debian package; 16 connections: throughput at saturation, against
the floor), then at a fixed offered rate (``--rate``, default 300/s; ``openloop.py``: latency at
that load), and the lifecycle with 8 Python client threads; prints Markdown tables of medians over
the runs. Traffic stays on loopback; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

import openloop

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

LUA = """
wrk.method = "POST"
wrk.body = '%s'
wrk.headers["Content-Type"] = "application/json"
%s
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%f %%f %%f %%f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.duration / 1e6))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(backend: str) -> str:
    if backend == "postgres":
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "zhizhi_bench" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "zhizhi_bench"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/zhizhi_bench"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='zhizhi-bench-')}/bench.db"
    code = (
        "from zhizhi.core.migrate import upgrade; from zhizhi.core.db import unit_of_work;"
        "from zhizhi.demo.load import load_demo; upgrade();"
        "s=unit_of_work().__enter__(); print(load_demo(s, cases=0)); s.commit()"
    )
    subprocess.run(
        [PY, "-c", code],
        env={**os.environ, "ZHIZHI_DATABASE_URL": url},
        check=True,
        capture_output=True,
        timeout=600,
    )
    return url


class Server:
    def __init__(self, url: str, target: str, workers: int = 2, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "ZHIZHI_DATABASE_URL": url,
            "PYTHONPATH": str(ROOT / "bench"),
            "ZHIZHI_AI_MODE": "worker",
            "ZHIZHI_HOTSPOT_INTERVAL_MINUTES": "0",
            **(env or {}),
        }
        args = [
            PY,
            "-m",
            "uvicorn",
            target,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        if target.endswith("create_app"):
            args.append("--factory")
        self.proc = subprocess.Popen(args, env=env, cwd=ROOT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.3)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(30)


def wrk(url: str, body: dict[str, Any], seconds: int, token: str | None = None) -> dict[str, float]:
    header = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(LUA % (json.dumps(body, ensure_ascii=False), header))
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-s", fh.name, url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    ).stdout
    m = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    assert m, out
    n, errors, p50, p95, p99, duration = (float(x) for x in m.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += float(non2xx.group(1)) if non2xx else 0
    return {"rps": n / duration, "p50": p50, "p95": p95, "p99": p99, "errors": errors}


def token(base: str, username: str) -> str:
    r = httpx.post(f"{base}/api/v1/auth/token", data={"username": username, "password": "zhizhi2026"})
    r.raise_for_status()
    return str(r.json()["access_token"])


def lifecycle(base: str, seconds: int, threads: int = 8) -> dict[str, float]:
    tok = {u: token(base, u) for u in ("agent", "dispatcher", "handler_cxjs")}
    hdr = {u: {"Authorization": f"Bearer {t}"} for u, t in tok.items()}
    durations: list[float] = []
    request_latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def worker() -> None:
        nonlocal errors
        with httpx.Client(base_url=base, timeout=30) as c:
            while time.time() < stop_at:
                t0 = time.perf_counter()
                lat: list[float] = []

                def call(
                    method: str, path: str, user: str, body: dict[str, Any], lat: list[float] = lat
                ) -> httpx.Response:
                    s = time.perf_counter()
                    r = c.request(method, path, json=body, headers=hdr[user])
                    lat.append(time.perf_counter() - s)
                    return r

                r = call(
                    "POST", "/api/v1/cases", "agent", {"content": "麓山南路小区电梯故障", "category": "CXJS"}
                )
                if r.status_code != 201:
                    with lock:
                        errors += 1
                    continue
                n = r.json()["number"]
                ok = True
                for user, body in (
                    ("dispatcher", {"action": "dispatch", "lead_department": "CS-ZJ"}),
                    ("handler_cxjs", {"action": "sign"}),
                    ("handler_cxjs", {"action": "reply", "reply": "已安排维保单位修复"}),
                    ("agent", {"action": "rate", "rating": "satisfied", "resolved": True}),
                    ("dispatcher", {"action": "close"}),
                ):
                    ok = call("POST", f"/api/v1/cases/{n}/actions", user, body).status_code == 200 and ok
                with lock:
                    if ok:
                        durations.append(time.perf_counter() - t0)
                        request_latencies.extend(lat)
                    else:
                        errors += 1

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(seconds + 120)
    q = statistics.quantiles(request_latencies, n=100) if len(request_latencies) > 2 else [0.0] * 99
    return {
        "lifecycles_per_s": len(durations) / seconds,
        "requests_per_s": len(request_latencies) / seconds,
        "lifecycle_p50": statistics.median(durations) * 1000 if durations else 0.0,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
        "errors": errors,
    }


def ai_worker(url: str, seconds: int) -> float:
    """Suggestions computed per second by one `zhizhi worker` process on the cases just created."""
    code = (
        "import time; from zhizhi.routing.worker import run_batch; t=time.perf_counter(); n=0\n"
        f"while time.perf_counter() - t < {seconds}:\n    n += run_batch(limit=20)\n"
        "print('DONE', n, time.perf_counter() - t)"
    )
    env = {**os.environ, "ZHIZHI_DATABASE_URL": url}
    out = subprocess.run(
        [PY, "-c", code], env=env, capture_output=True, text=True, timeout=seconds + 120
    ).stdout
    m = re.search(r"DONE (\d+) ([\d.]+)", out)
    assert m, out
    return int(m.group(1)) / float(m.group(2))


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--rate", type=float, default=300, help="offered creations/s for the fixed-rate run")
    args = ap.parse_args()
    rows = []
    fixed_rows = []
    for backend in args.backends.split(","):
        url = prepare(backend)
        app_server = Server(url, "zhizhi.web.app:create_app")
        floor_server = Server(url, "floor_app:app")
        try:
            base = f"http://127.0.0.1:{app_server.port}"
            tok = token(base, "agent")
            body = {
                "content": "麓山南路932号附近夜间施工噪音扰民",
                "category": "HJBH",
                "contact_phone": "13812341234",
            }
            create = median_of(
                [wrk(f"{base}/api/v1/cases", body, args.seconds, tok) for _ in range(args.runs)]
            )
            fixed = median_of(
                [
                    asyncio.run(openloop.run(f"{base}/api/v1/cases", body, args.rate, args.seconds, tok))
                    for _ in range(args.runs)
                ]
            )
            floor = median_of(
                [
                    wrk(
                        f"http://127.0.0.1:{floor_server.port}/floor",
                        {"content": body["content"]},
                        args.seconds,
                    )
                    for _ in range(args.runs)
                ]
            )
            life = median_of([lifecycle(base, args.seconds) for _ in range(args.runs)])
        finally:
            app_server.stop()
            floor_server.stop()
        ai_rate = ai_worker(url, args.seconds * 2)
        rows.append((backend, create, floor, life, ai_rate))
        fixed_rows.append((backend, fixed))
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{args.runs} runs × {args.seconds} s, medians\n"
    )
    print(
        "| backend | case creation req/s | p50 ms | p95 ms | p99 ms | floor req/s | floor p95 ms | ratio | "
        "lifecycles/s | lifecycle req/s | action p50 / p95 / p99 ms | errors | AI worker cases/s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for backend, c, f, life, ai_rate in rows:
        print(
            f"| {backend} | {c['rps']:.0f} | {c['p50']:.1f} | {c['p95']:.1f} | {c['p99']:.1f} | "
            f"{f['rps']:.0f} | "
            f"{f['p95']:.1f} | {c['rps'] / f['rps']:.2f} | {life['lifecycles_per_s']:.1f} | "
            f"{life['requests_per_s']:.0f} | {life['p50']:.1f} / {life['p95']:.1f} / {life['p99']:.1f} | "
            f"{c['errors'] + f['errors'] + life['errors']:.0f} | {ai_rate:.1f} |"
        )
    print(
        f"\nfixed offered load ({args.rate:.0f} creations/s, open loop, latency from the scheduled send "
        "time):\n\n| backend | offered req/s | achieved req/s | p50 ms | p95 ms | p99 ms | errors |"
    )
    print("|---|---|---|---|---|---|---|")
    for backend, x in fixed_rows:
        print(
            f"| {backend} | {x['offered_rps']:.0f} | {x['achieved_rps']:.0f} | {x['p50']:.1f} | "
            f"{x['p95']:.1f} | {x['p99']:.1f} | {x['errors']:.0f} |"
        )


if __name__ == "__main__":
    main()
