"""Jobs per second through the queue: PostgreSQL (procrastinate, one and two worker processes)
and SQLite (the local runner).

    .venv/bin/python bench/bench_jobs.py [--jobs 5000] [--runs 3] [--backends sqlite,postgres]

For each run: ``--jobs`` no-op jobs are enqueued (``jobs.enqueue``, 100 per transaction), then
``zhizhi worker --queue bench`` processes (1 or 2, concurrency 1 each) run them; the rate is
counted from the first job done to the last (worker start-up excluded), polling the queue tables
every 50 ms.  On PostgreSQL a job goes ``job_queue`` → relay → procrastinate → worker; on SQLite
``job_queue`` → runner.  Prints a Markdown table of medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bench_cases import PY, ROOT, prepare, pythonpath


def left(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM job_queue WHERE task = 'bench.noop'")).scalar() or 0
            if url.startswith("postgresql"):
                n += (
                    conn.execute(
                        text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'bench.noop'")
                    ).scalar()
                    or 0
                )
            return int(n)
    finally:
        engine.dispose()


def enqueue(url: str, count: int) -> None:
    code = (
        "import bench_tasks; from zhizhi.core import jobs; from zhizhi.core.db import unit_of_work\n"
        "jobs.register(bench_tasks.CAPABILITY.tasks)\n"
        f"for start in range(0, {count}, 100):\n"
        "    with unit_of_work() as s:\n"
        f"        for n in range(start, min(start + 100, {count})):\n"
        "            jobs.enqueue(s, 'bench.noop', n=n)\n"
    )
    env = {**os.environ, "ZHIZHI_DATABASE_URL": url, **pythonpath(None)}
    subprocess.run([PY, "-c", code], env=env, check=True, timeout=600)


def drain(url: str, workers: int, count: int) -> float:
    env = {
        **os.environ,
        "ZHIZHI_DATABASE_URL": url,
        "ZHIZHI_HOTSPOT_INTERVAL_MINUTES": "0",
        "ZHIZHI_JOBS_POLL_SECONDS": "0.2",
        **pythonpath(None),
    }
    cmd = [str(Path(PY).parent / "zhizhi"), "worker", "--queue", "bench", "--import", "bench_tasks"]
    procs = [subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL) for _ in range(workers)]
    try:
        deadline = time.time() + 600
        while left(url) >= count and time.time() < deadline:
            time.sleep(0.05)
        t0, n0 = time.perf_counter(), left(url)
        while (n := left(url)) > 0 and time.time() < deadline:
            time.sleep(0.05)
        assert n == 0, f"{n} jobs left"
        return n0 / (time.perf_counter() - t0)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--backends", default="sqlite,postgres")
    args = ap.parse_args()
    rows = []
    for backend in args.backends.split(","):
        url = prepare(backend, "zhizhi_bench_jobs")
        for workers in (1, 2):
            rates = []
            for _ in range(args.runs):
                enqueue(url, args.jobs)
                rates.append(drain(url, workers, args.jobs))
            rows.append((backend, workers, statistics.median(rates), rates))
    print(f"\n{args.jobs} no-op jobs per run, {args.runs} runs, medians; {os.cpu_count()} cores\n")
    print("| backend | worker processes | jobs/s | runs |\n|---|---|---|---|")
    for backend, workers, rate, rates in rows:
        print(f"| {backend} | {workers} | {rate:.0f} | {', '.join(f'{r:.0f}' for r in rates)} |")


if __name__ == "__main__":
    sys.exit(main())
