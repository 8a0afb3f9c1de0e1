"""Key rotation (`zhizhi keys rotate`, then `zhizhi keys rotate-index`) of N cases while the
platform serves, on PostgreSQL or SQLite.

    .venv/bin/python bench/bench_rotation.py [--cases 100000] [--backend postgres] [--seconds 15]

Builds a database with the demo organisation and ``--cases`` cases whose contact name and phone
are SM4 envelopes under key version 1 (bulk SQL, encrypted as the application encrypts), starts
the platform (uvicorn, 2 worker processes), then measures case creation over HTTP (4 client
threads) for ``--seconds`` before the rotation (the floor) and during it, while
``zhizhi keys rotate --batch 1000`` runs in another process. Prints the rotation's time, its
rows/s, the 1 M extrapolation, and creation throughput during the rotation against the floor.
Then the same for the blind-index key (``zhizhi keys rotate-index``), with a searcher thread that
looks one phone up (full number and last 4 digits) again and again and counts the searches that
did not find its case — before, during and after (0 expected: both index versions are searched).
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
from typing import Any

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


PHONE = "13900000042"  # the bulk-built case B00000000042 (the load creates others with 13812341234)


def search_load(base: str, tok: str, stop: threading.Event) -> tuple[int, int]:
    """Phone searches (full number, then last 4 digits) until ``stop``; (searches, misses)."""
    counts = [0, 0]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tok}"}, timeout=30) as c:
        while not stop.is_set():
            for phone in (PHONE, PHONE[-4:]):
                try:
                    r = c.get("/api/v1/cases", params={"phone": phone, "page_size": 100})
                    found = r.status_code == 200 and any(
                        i["number"] == "B00000000042" for i in r.json()["items"]
                    )
                except httpx.HTTPError:
                    found = False
                counts[0] += 1
                counts[1] += 0 if found else 1
    return counts[0], counts[1]


def rotation_phase(
    base: str, tok: str, command: list[str]
) -> tuple[float, str, tuple[int, int, float], tuple[int, int]]:
    """Run ``zhizhi keys <command>`` in its own process under creation and search load: its wall
    time, its last output line, the creations during it, and the searches (count, misses)."""
    stop = threading.Event()
    result: dict[str, Any] = {}
    loader = threading.Thread(target=lambda: result.setdefault("during", create_load(base, tok, stop)))
    searcher = threading.Thread(target=lambda: result.setdefault("search", search_load(base, tok, stop)))
    loader.start()
    searcher.start()
    started = time.monotonic()
    proc = subprocess.run(
        [PY, "-m", "zhizhi.cli", "keys", *command],
        capture_output=True,
        text=True,
        timeout=3600,
        env=os.environ,
        cwd=ROOT,
    )
    seconds = time.monotonic() - started
    stop.set()
    loader.join()
    searcher.join()
    if proc.returncode:
        print(proc.stdout[-2000:], proc.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"{command[0]} failed")
    return seconds, proc.stdout.strip().splitlines()[-1], result["during"], result["search"]


def searches_now(base: str, tok: str, seconds: float = 3) -> tuple[int, int]:
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    return search_load(base, tok, stop)


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
    folder = keys.parent  # the audit chain's keys and the certificates' key store, beside them
    os.environ["ZHIZHI_AUDIT_KEY_FILE"] = str(folder / "audit.key")
    os.environ["ZHIZHI_AUDIT_ANCHOR_KEY_FILE"] = str(folder / "anchor.key")
    os.environ["ZHIZHI_AUDIT_ANCHOR_FILE"] = str(folder / "anchors.jsonl")
    os.environ["ZHIZHI_CERTIFICATE_KEYS_DIR"] = str(folder / "certificate-keys")
    subprocess.run([PY, "-m", "zhizhi.cli", "audit", "init-key"], check=True, timeout=120)
    url = prepare(args.backend, "zhizhi_bench_rotation")
    os.environ["ZHIZHI_DATABASE_URL"] = url
    build_s = build_cases(url, args.cases)
    print(f"built {args.cases} cases in {build_s:.0f} s", flush=True)
    server = Server(
        url, "zhizhi.web.app:create_app", env={"ZHIZHI_AI_MODE": "off", "ZHIZHI_JOBS_RUNNER_IN_WEB": "false"}
    )
    batch = ["--batch", str(args.batch), "--grace", "2"]
    try:
        base = f"http://127.0.0.1:{server.port}"
        tok = token(base, "agent")
        timed_load(base, tok, 3)  # warm-up
        before = timed_load(base, tok, args.seconds)
        search_before = searches_now(base, tok)
        data = rotation_phase(base, tok, ["rotate", *batch])
        after = timed_load(base, tok, args.seconds)
        index = rotation_phase(base, tok, ["rotate-index", *batch])
        after_index = timed_load(base, tok, args.seconds)
        search_after = searches_now(base, tok)
    finally:
        server.stop()
    rows = args.cases + before[0] + 3
    rate = lambda r: r[0] / r[2]  # noqa: E731
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"backend {args.backend}, batch {args.batch}; load average {os.getloadavg()[0]:.1f}\n"
    )
    print(f"data rotation: {data[1]}\nindex rotation: {index[1]}")
    print("\n| | data keys (`rotate`) | index key (`rotate-index`) |\n|---|---:|---:|")
    print(f"| cases (≈) | {rows} | {rows + data[2][0] + after[0]} |")
    print(f"| wall time s (incl. 2 s grace) | {data[0]:.1f} | {index[0]:.1f} |")
    print(f"| rows/s | {rows / (data[0] - 2):.0f} | {rows / (index[0] - 2):.0f} |")
    print(
        f"| 1 M cases, extrapolated s | {1_000_000 / (rows / (data[0] - 2)):.0f} "
        f"| {1_000_000 / (rows / (index[0] - 2)):.0f} |"
    )
    print(f"| creations/s before (floor) | {rate(before):.1f} | {rate(after):.1f} |")
    print(f"| creations/s during | {rate(data[2]):.1f} | {rate(index[2]):.1f} |")
    print(
        f"| ratio during / before | {rate(data[2]) / rate(before):.2f} | {rate(index[2]) / rate(after):.2f} |"
    )
    print(f"| creations/s after | {rate(after):.1f} | {rate(after_index):.1f} |")
    print(f"| creation errors during | {data[2][1]} | {index[2][1]} |")
    print(f"| phone searches during (misses) | {data[3][0]} ({data[3][1]}) | {index[3][0]} ({index[3][1]}) |")
    print(
        f"| phone searches before / after index rotation (misses) | {search_before[0]} ({search_before[1]}) "
        f"| {search_after[0]} ({search_after[1]}) |"
    )
    _ = statistics


if __name__ == "__main__":
    main()
