"""Pages on the demo city: each administration page, the cockpit and its command-centre screen.

    .venv/bin/python bench/bench_pages.py [--runs 7] [--db PATH]

Loads the Changsha demo city (``zhizhi demo --load-only``'s loader, jobs inline) into a scratch
SQLite file (or reuses ``--db``), then times server-side renders through
``TestClient(create_app())`` with a logged-in cookie: median and max of ``--runs`` warm requests
per page.  The floor, in the same run, is ``GET /healthz`` (routing, middleware, no session) and
the administration index ``/admin`` (session lookup and the page shell, no section).  Target
(issue 11): every administration page under 300 ms on the demo.  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PASSWORD = "zhizhi2026"
TARGET_MS = 300.0

PAGES = [
    ("admin", "floor: /healthz", "/healthz"),
    ("admin", "floor: administration index", "/admin"),
    ("admin", "部门 departments (1,844 rows)", "/admin/departments"),
    ("admin", "用户 users", "/admin/users"),
    ("admin", "办理时限 time limits", "/admin/limits"),
    ("admin", "工作日历 calendar", "/admin/calendar"),
    ("admin", "派单目录 dispatch catalogue", "/admin/rules"),
    ("admin", "分类 categories", "/admin/categories"),
    ("leader", "cockpit (30 days, with recurrence)", "/cockpit"),
    ("leader", "cockpit command-centre screen", "/cockpit/screen"),
]


def load(db: Path) -> float:
    from zhizhi.core import jobs
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.migrate import upgrade
    from zhizhi.demo.load import load_demo

    t0 = time.perf_counter()
    upgrade()
    with jobs.inline(), unit_of_work() as session:
        load_demo(session)
    return time.perf_counter() - t0


def login(client: Any, username: str) -> None:
    client.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    data = {"username": username, "password": PASSWORD, "csrf_token": token.group(1)}
    r = client.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text


def measure(runs: int) -> list[tuple[str, str, float, float, int]]:
    from fastapi.testclient import TestClient

    from zhizhi.web.app import create_app

    client = TestClient(create_app())
    out, user = [], ""
    for who, label, url in PAGES:
        if who != user:
            login(client, who)
            user = who
        r = client.get(url)  # warm-up
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200
        out.append((label, url, statistics.median(times), max(times), len(r.content)))
        print(f"  {label}: {statistics.median(times):.0f} ms", file=sys.stderr, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--db", type=Path, help="an SQLite file with the demo loaded (else a scratch one)")
    args = ap.parse_args()
    scratch = None
    if args.db is None:
        scratch = tempfile.TemporaryDirectory()
        args.db = Path(scratch.name) / "demo.db"
    os.environ["ZHIZHI_DATABASE_URL"] = f"sqlite:///{args.db}"
    os.environ["ZHIZHI_JOBS_RUNNER_IN_WEB"] = "false"
    os.environ["ZHIZHI_HOTSPOT_INTERVAL_MINUTES"] = "0"
    from zhizhi.core.settings import get_settings

    get_settings.cache_clear()
    loaded = load(args.db)
    print(f"demo loaded in {loaded:.1f} s ({args.db})", file=sys.stderr)
    results = measure(args.runs)
    print(f"\ndemo city (SQLite), {os.cpu_count()} cores, median of {args.runs} warm requests\n")
    print("| page | URL | median ms | max ms | bytes |\n|---|---|---:|---:|---:|")
    for label, url, med, worst, size in results:
        print(f"| {label} | `{url}` | {med:.0f} | {worst:.0f} | {size:,} |")
    slow = [label for label, url, med, _, _ in results if url.startswith("/admin") and med > TARGET_MS]
    print(f"\nadministration pages over {TARGET_MS:.0f} ms: {', '.join(slow) or 'none'}")
    if scratch is not None:
        from zhizhi.core.db import dispose_all

        dispose_all()
        scratch.cleanup()


if __name__ == "__main__":
    main()
