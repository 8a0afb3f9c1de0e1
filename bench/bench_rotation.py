"""Key rotation (`zhizhi keys rotate`) of N cases while the platform serves, on PostgreSQL or SQLite.

    .venv/bin/python bench/bench_rotation.py [--cases 100000] [--backend postgres] [--seconds 15]

Builds a database with the demo organisation and ``--cases`` cases whose contact name and phone
are SM4 envelopes under key version 1 (bulk SQL, encrypted as the application encrypts), starts
the platform (uvicorn, 2 worker processes), then measures case creation over HTTP (4 client
threads) for ``--seconds`` before the rotation (the floor) and during it, while
``zhizhi keys rotate --batch 1000`` runs in another process. Prints the rotation's time, its
rows/s, the 1 M extrapolation, and creation throughput during the rotation against the floor.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench_cases import PY, ROOT, Server, prepare, token

BODY = {
    "content": "麓山南路932号附近夜间施工噪音扰民",
    "category": "HJBH",
    "contact_phone": "13812341234",
    "contact_name": "张三",
}


def build_cases(url: str, n: int) -> float:
    """``n`` cases, key version 1; seconds taken."""
    from sqlalchemy import create_engine, text

    from zhizhi.core import fieldcrypt

    ks = fieldcrypt.configure()
    engine = create_engine(url)
    started = time.monotonic()
    sql = text(
        "INSERT INTO cases (number, kind, channel, subject, content, urgency, status, contact_name, "
        "contact_phone, contact_phone_index, contact_phone_tail, confidential, created_at, updated_at, "
        "clock_started_at, limit_amount, limit_unit, warning_ratio, due_at, warn_at, due_provisional, "
        "version, "
        "extension_amount, paused_days, paused_seconds, supervision_count, reopen_count, return_count, "
        "event_count, rating_excluded) VALUES (:number, 'appeal', 'hotline', '路灯不亮', '路灯不亮已经三天', "
        "'normal', 'received', :name, :phone, :pi, :pt, false, :t, :t, :t, 5, 'working_days', 0.8, :t, :t, "
        "false, 1, 0, 0, 0, 0, 0, 0, 1, false)"
    )
    now = "2026-03-02 08:00:00+00:00"
    for start in range(0, n, 5000):
        rows = []
        for i in range(start, min(n, start + 5000)):
            phone = f"139{i:08d}"
            rows.append(
                {
                    "number": f"B{i:011d}",
                    "t": now,
                    "name": fieldcrypt.encrypt(f"市民{i}", "cases.contact_name", ks),
                    "phone": fieldcrypt.encrypt(phone, "cases.contact_phone", ks),
                    "pi": fieldcrypt.phone_index(phone, ks),
                    "pt": fieldcrypt.phone_tail_index(phone, ks),
                }
            )
        with engine.begin() as conn:
            conn.execute(sql, rows)
    engine.dispose()
    return time.monotonic() - started


def create_load(base: str, tok: str, stop: threading.Event, threads: int = 4) -> tuple[int, int, float]:
    """Creations and errors until ``stop``; seconds."""
    counts = {"ok": 0, "err": 0}
    lock = threading.Lock()

    def worker() -> None:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tok}"}, timeout=30) as c:
            while not stop.is_set():
                try:
                    ok = c.post("/api/v1/cases", json=BODY).status_code == 201
                except httpx.HTTPError:
                    ok = False
                with lock:
                    counts["ok" if ok else "err"] += 1

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return counts["ok"], counts["err"], time.monotonic() - started


def timed_load(base: str, tok: str, seconds: float) -> tuple[int, int, float]:
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    return create_load(base, tok, stop)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--backend", default="postgres")
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    keys = Path(tempfile.mkdtemp(prefix="zhizhi-rot-keys-")) / "data-keys.json"
    subprocess.run([PY, "-m", "zhizhi.cli", "keys", "init", "--path", str(keys)], check=True, timeout=120)
    os.environ["ZHIZHI_DATA_KEYS_FILE"] = str(keys)
    os.environ["ZHIZHI_DATA_KEYS_REFRESH_SECONDS"] = "1"
    url = prepare(args.backend, "zhizhi_bench_rotation")
    os.environ["ZHIZHI_DATABASE_URL"] = url
    build_s = build_cases(url, args.cases)
    print(f"built {args.cases} cases in {build_s:.0f} s", flush=True)
    server = Server(
        url, "zhizhi.web.app:create_app", env={"ZHIZHI_AI_MODE": "off", "ZHIZHI_JOBS_RUNNER_IN_WEB": "false"}
    )
    try:
        base = f"http://127.0.0.1:{server.port}"
        tok = token(base, "agent")
        timed_load(base, tok, 3)  # warm-up
        before = timed_load(base, tok, args.seconds)
        stop = threading.Event()
        result: dict[str, tuple[int, int, float]] = {}
        loader = threading.Thread(target=lambda: result.setdefault("during", create_load(base, tok, stop)))
        loader.start()
        started = time.monotonic()
        proc = subprocess.run(
            [PY, "-m", "zhizhi.cli", "keys", "rotate", "--batch", str(args.batch), "--grace", "2"],
            capture_output=True,
            text=True,
            timeout=3600,
            env=os.environ,
            cwd=ROOT,
        )
        rotate_s = time.monotonic() - started
        stop.set()
        loader.join()
        after = timed_load(base, tok, args.seconds)
    finally:
        server.stop()
    if proc.returncode:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit("rotation failed")
    summary = proc.stdout.strip().splitlines()[-1]
    during = result["during"]
    rows = args.cases + before[0] + 3
    rate = lambda r: r[0] / r[2]  # noqa: E731
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"backend {args.backend}, batch {args.batch}; load average {os.getloadavg()[0]:.1f}\n"
    )
    print(f"rotation: {summary}")
    print("\n| | value |\n|---|---:|")
    print(f"| cases rotated (≈) | {rows} |")
    print(f"| rotation wall time s (incl. 2 s grace) | {rotate_s:.1f} |")
    print(f"| rows/s | {rows / (rotate_s - 2):.0f} |")
    print(f"| 1 M cases, extrapolated s | {1_000_000 / (rows / (rotate_s - 2)):.0f} |")
    print(f"| creations/s before (floor) | {rate(before):.1f} |")
    print(f"| creations/s during rotation | {rate(during):.1f} |")
    print(f"| ratio during / before | {rate(during) / rate(before):.2f} |")
    print(f"| creations/s after | {rate(after):.1f} |")
    print(f"| errors before / during / after | {before[1]} / {during[1]} / {after[1]} |")
    _ = statistics


if __name__ == "__main__":
    main()
