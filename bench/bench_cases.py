"""Case creation and full lifecycle over HTTP, on SQLite and PostgreSQL, against the framework floor.

    .venv/bin/python bench/bench_cases.py [--runs 3] [--seconds 10] [--backends sqlite,postgres]
        [--baseline-src /work/main/src]

Starts real uvicorn servers on 127.0.0.1 (2 worker processes, as many as the machine has cores),
drives creation with ``wrk`` (Debian package; 16 connections: throughput at saturation, against
the floor), then at a fixed offered rate (``--rate``, default 300/s; ``openloop.py``: latency at
that load), and the lifecycle with 8 Python client threads; prints Markdown tables of medians over
the runs. Traffic stays on loopback; every loop is bounded in time.

Creation is measured for up to three variants, each on its own database, runs interleaved:
``ai-job`` (this code: the AI suggestions job enqueued in the intake unit of work),
``no-ai-job`` (this code, ``ZHIZHI_AI_MODE=off``: nothing enqueued) and, with
``--baseline-src``, ``baseline`` (another checkout's code, e.g. main before the job queue,
with ``ZHIZHI_AI_MODE=worker``: no AI work in the request either).  This code's variants run no
jobs in the web processes (``ZHIZHI_JOBS_RUNNER_IN_WEB=false``); on PostgreSQL a
``zhizhi worker --queue bench-idle`` runs beside them to chain the audit inbox (the sealer moved
there) and runs no job.  Afterwards ``zhizhi worker --queue ai`` computes the queued suggestions
and its rate is reported.
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


def bench_keys() -> None:
    """Key files for a benchmark run (data keys, the audit chain's key and anchor, certificate
    keys) in a temporary folder, unless the environment already names a data key file; the
    servers and subprocesses the benchmark starts inherit the variables."""
    if os.environ.get("ZHIZHI_DATA_KEYS_FILE"):
        return
    folder = Path(tempfile.mkdtemp(prefix="zhizhi-bench-keys-"))
    os.environ.update(
        {
            "ZHIZHI_DATA_KEYS_FILE": str(folder / "data-keys.json"),
            "ZHIZHI_AUDIT_KEY_FILE": str(folder / "audit.key"),
            "ZHIZHI_AUDIT_ANCHOR_KEY_FILE": str(folder / "anchor.key"),
            "ZHIZHI_AUDIT_ANCHOR_FILE": str(folder / "anchors.jsonl"),
            "ZHIZHI_CERTIFICATE_KEYS_DIR": str(folder / "certificate-keys"),
        }
    )
    for command in (["keys", "init"], ["audit", "init-key"]):
        subprocess.run([PY, "-m", "zhizhi.cli", *command], check=True, capture_output=True, timeout=120)


def prepare(backend: str, name: str = "zhizhi_bench", src: str | None = None) -> str:
    """A fresh database with the demo organisation (and a hotspot snapshot, so no refresh is
    queued at a worker's start), made by the code under ``src`` (default: this checkout)."""
    bench_keys()
    if backend == "postgres":
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='zhizhi-bench-')}/bench.db"
    code = (
        "from zhizhi.core.migrate import upgrade; from zhizhi.core.db import unit_of_work;"
        "from zhizhi.demo.load import load_demo; from zhizhi.routing.hotspots import compute; upgrade();"
        "s=unit_of_work().__enter__(); print(load_demo(s, cases=0)); compute(s); s.commit()"
    )
    subprocess.run(
        [PY, "-c", code],
        env={**os.environ, "ZHIZHI_DATABASE_URL": url, **pythonpath(src)},
        check=True,
        capture_output=True,
        timeout=600,
    )
    return url


def pythonpath(src: str | None) -> dict[str, str]:
    return {"PYTHONPATH": os.pathsep.join([*([src] if src else []), str(ROOT / "bench")])}


class Server:
    def __init__(
        self,
        url: str,
        target: str,
        workers: int = 2,
        env: dict[str, str] | None = None,
        src: str | None = None,
    ) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "ZHIZHI_DATABASE_URL": url,
            **pythonpath(src),
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


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def process_tree(root: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def db_backends(url: str) -> list[int]:
    """PostgreSQL backend processes connected to ``url``'s database (none for SQLite)."""
    if not url.startswith("postgresql"):
        return []
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [
                int(p)
                for p in conn.execute(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                        " AND pid <> pg_backend_pid()"
                    )
                ).scalars()
            ]
    finally:
        engine.dispose()


class CpuMeter:
    """CPU seconds spent by the given processes (process trees) and a database's backends."""

    def __init__(self, roots: list[int], url: str) -> None:
        self.roots, self.url = roots, url
        self.app0 = self._app()
        self.db0 = {pid: cpu_seconds(pid) for pid in db_backends(url)}

    def _app(self) -> dict[int, float]:
        return {pid: cpu_seconds(pid) for root in self.roots for pid in process_tree(root)}

    def stop(self) -> tuple[float, float]:
        app1 = self._app()
        db1 = {pid: cpu_seconds(pid) for pid in db_backends(self.url)}
        app = sum(v - self.app0.get(pid, 0.0) for pid, v in app1.items())
        db = sum(v - self.db0.get(pid, 0.0) for pid, v in db1.items())
        return app, db


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


class Worker:
    """``zhizhi worker`` of this checkout in a subprocess (stopped with SIGTERM)."""

    def __init__(self, url: str, *args: str, src: str | None = None) -> None:
        env = {**os.environ, "ZHIZHI_DATABASE_URL": url, "ZHIZHI_HOTSPOT_INTERVAL_MINUTES": "0"}
        if src:  # another checkout's worker (the --encryption baseline)
            env.update(pythonpath(src))
        self.proc = subprocess.Popen(
            [PY, "-m", "zhizhi.cli", "worker", *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(30)


def cases_with_suggestions(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(text("SELECT count(DISTINCT case_id) FROM case_suggestions")).scalar() or 0
            )
    finally:
        engine.dispose()


def ai_worker(url: str, seconds: int) -> float:
    """Cases given their suggestions per second by one `zhizhi worker --queue ai` process,
    from the jobs queued by the creations above (counted after its first suggestion)."""
    worker = Worker(url, "--queue", "ai")
    try:
        deadline = time.time() + 120
        while (start := cases_with_suggestions(url)) == 0 and time.time() < deadline:
            time.sleep(0.2)
        t0 = time.perf_counter()
        time.sleep(seconds)
        done = cases_with_suggestions(url) - start
        return done / (time.perf_counter() - t0)
    finally:
        worker.stop()


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


BODY = {"content": "麓山南路932号附近夜间施工噪音扰民", "category": "HJBH", "contact_phone": "13812341234"}


def variants(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    if args.baseline_src:
        found["baseline"] = {"src": args.baseline_src, "env": {"ZHIZHI_AI_MODE": "worker"}, "sidecar": False}
        if args.encryption:  # main before field encryption, otherwise the same: the AI job queued,
            # no jobs in the web processes, the inbox sealed by a sidecar worker on PostgreSQL
            found["baseline"] = {
                "src": args.baseline_src,
                "env": {"ZHIZHI_AI_MODE": "on", "ZHIZHI_JOBS_RUNNER_IN_WEB": "false"},
                "sidecar": True,
            }
    for name, mode in (("ai-job", "on"), ("no-ai-job", "off")):
        found[name] = {
            "src": None,
            "env": {"ZHIZHI_AI_MODE": mode, "ZHIZHI_JOBS_RUNNER_IN_WEB": "false"},
            "sidecar": True,
        }
    if args.encryption:
        found.pop("no-ai-job")
    return found


def bench_backend(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    kinds = variants(args)
    urls = {
        name: prepare(backend, f"zhizhi_bench_{name.replace('-', '_')}", v["src"])
        for name, v in kinds.items()
    }
    servers = {
        name: Server(urls[name], "zhizhi.web.app:create_app", env=v["env"], src=v["src"])
        for name, v in kinds.items()
    }
    sidecars = {
        # seals the audit inbox, runs no job
        name: [Worker(urls[name], "--queue", "bench-idle", src=v["src"])]
        for name, v in kinds.items()
        if v["sidecar"] and backend == "postgres"
    }
    floor_server = Server(urls["ai-job"], "floor_app:app")
    out: dict[str, Any] = {"create": {}, "floor": [], "life": {}}
    try:
        bases = {name: f"http://127.0.0.1:{srv.port}" for name, srv in servers.items()}
        toks = {name: token(base, "agent") for name, base in bases.items()}
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in kinds}
        for _ in range(args.runs):  # interleaved, so drift of the machine hits every variant alike
            for name in kinds:
                roots = [servers[name].proc.pid, *(w.proc.pid for w in sidecars.get(name, []))]
                meter = CpuMeter(roots, urls[name])
                result = wrk(f"{bases[name]}/api/v1/cases", BODY, args.seconds, toks[name])
                app_s, db_s = meter.stop()
                n = result["rps"] * args.seconds
                result.update(app_ms=app_s * 1000 / n, db_ms=db_s * 1000 / n)
                runs[name].append(result)
            out["floor"].append(
                wrk(f"http://127.0.0.1:{floor_server.port}/floor", {"content": BODY["content"]}, args.seconds)
            )
        out["create"] = {name: median_of(r) for name, r in runs.items()}
        out["floor"] = median_of(out["floor"])
        out["fixed"] = (
            {}
            if args.encryption
            else median_of(
                [
                    asyncio.run(
                        openloop.run(
                            f"{bases['ai-job']}/api/v1/cases", BODY, args.rate, args.seconds, toks["ai-job"]
                        )
                    )
                    for _ in range(args.runs)
                ]
            )
        )
        for name in [n for n in ("baseline", "ai-job") if n in kinds and not args.encryption]:
            out["life"][name] = median_of([lifecycle(bases[name], args.seconds) for _ in range(args.runs)])
    finally:
        for srv in [*servers.values(), floor_server]:
            srv.stop()
        for group in sidecars.values():
            for sidecar in group:
                sidecar.stop()
    out["ai_rate"] = None if args.encryption else ai_worker(urls["ai-job"], args.seconds * 2)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--rate", type=float, default=300, help="offered creations/s for the fixed-rate run")
    ap.add_argument(
        "--baseline-src", help="src/ of another checkout to measure as 'baseline' in the same run"
    )
    ap.add_argument(
        "--encryption",
        action="store_true",
        help="creation only: this code (SM4 field encryption + blind index) against --baseline-src "
        "(a checkout without it), both queueing the AI job (docs/crypto.md)",
    )
    args = ap.parse_args()
    if args.encryption and not args.baseline_src:
        ap.error("--encryption needs --baseline-src (a checkout without field encryption)")
    if not os.environ.get("ZHIZHI_DATA_KEYS_FILE"):  # this code's servers need data keys
        keys = Path(tempfile.mkdtemp(prefix="zhizhi-bench-keys-")) / "data-keys.json"
        subprocess.run([PY, "-m", "zhizhi.cli", "keys", "init", "--path", str(keys)], check=True, timeout=120)
        os.environ["ZHIZHI_DATA_KEYS_FILE"] = str(keys)
    results = {backend: bench_backend(backend, args) for backend in args.backends.split(",")}
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{args.runs} runs × {args.seconds} s, medians\n"
    )
    print(
        "| backend | variant | creation req/s | p50 ms | p95 ms | p99 ms | floor req/s | ratio "
        "| vs baseline | CPU ms per creation: app + database | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for backend, r in results.items():
        f = r["floor"]
        base = r["create"].get("baseline")
        for name, c in r["create"].items():
            versus = f"{c['rps'] / base['rps'] - 1:+.1%}" if base and name != "baseline" else "—"
            print(
                f"| {backend} | {name} | {c['rps']:.0f} | {c['p50']:.1f} | {c['p95']:.1f} | {c['p99']:.1f} | "
                f"{f['rps']:.0f} | {c['rps'] / f['rps']:.2f} | {versus} | "
                f"{c['app_ms']:.2f} + {c['db_ms']:.2f} | {c['errors'] + f['errors']:.0f} |"
            )
    if args.encryption:
        return
    print("\n| backend | variant | lifecycles/s | lifecycle req/s | action p50 / p95 / p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for backend, r in results.items():
        for name, life in r["life"].items():
            print(
                f"| {backend} | {name} | {life['lifecycles_per_s']:.1f} | {life['requests_per_s']:.0f} | "
                f"{life['p50']:.1f} / {life['p95']:.1f} / {life['p99']:.1f} | {life['errors']:.0f} |"
            )
    print(
        f"\nfixed offered load ({args.rate:.0f} creations/s, ai-job variant, open loop, latency from the "
        "scheduled send time):\n\n| backend | offered req/s | achieved req/s | p50 ms | p95 ms | p99 ms "
        "| errors |"
    )
    print("|---|---|---|---|---|---|---|")
    for backend, r in results.items():
        x = r["fixed"]
        print(
            f"| {backend} | {x['offered_rps']:.0f} | {x['achieved_rps']:.0f} | {x['p50']:.1f} | "
            f"{x['p95']:.1f} | {x['p99']:.1f} | {x['errors']:.0f} |"
        )
    print("\n| backend | AI worker (`zhizhi worker --queue ai`) cases/s |\n|---|---|")
    for backend, r in results.items():
        print(f"| {backend} | {r['ai_rate']:.1f} |")


if __name__ == "__main__":
    main()
