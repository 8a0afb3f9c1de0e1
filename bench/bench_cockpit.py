"""Cockpit and workbench queues over 1,000,000 cases on PostgreSQL.

    .venv/bin/python bench/bench_cockpit.py [--cases 1000000] [--runs 5] [--keep] [--reuse]

Builds a scratch database ``zhizhi_bench_cockpit`` with the real migrations, loads the demo
organisation (divisions, departments, catalogue, users), bulk-loads cases spread over the last 365
days (every status, category, district and SLA state) with ``COPY``, then times server-side page
renders through ``TestClient(create_app())`` with a logged-in cookie: median of ``--runs`` warm
requests per page. Prints a Markdown table; drops the database at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DB = "zhizhi_bench_cockpit"
URL = ADMIN.rsplit("/", 1)[0] + "/" + DB
PASSWORD = "zhizhi2026"

os.environ["ZHIZHI_DATABASE_URL"] = URL
os.environ.setdefault("ZHIZHI_HOTSPOT_INTERVAL_MINUTES", "0")

from sqlalchemy import create_engine, select, text  # noqa: E402

from zhizhi.core.settings import get_settings  # noqa: E402

get_settings.cache_clear()

STATUSES_RECENT = [  # (status, weight) for cases of the last 30 days
    ("received", 3),
    ("accepted", 5),
    ("dispatched", 10),
    ("in_progress", 25),
    ("returned", 2),
    ("suspended", 1),
    ("replied", 14),
    ("closed", 38),
    ("merged", 2),
]
STATUSES_OLD = [
    ("closed", 88),
    ("replied", 3),
    ("in_progress", 4),
    ("dispatched", 1),
    ("merged", 3),
    ("returned", 1),
]
RATINGS = ["very_satisfied", "satisfied", "basically_satisfied", "dissatisfied", "very_dissatisfied"]
COLUMNS = [
    "number",
    "kind",
    "appeal_type",
    "channel",
    "subject",
    "content",
    "urgency",
    "status",
    "category_id",
    "address",
    "division_code",
    "lead_department_id",
    "created_at",
    "updated_at",
    "accepted_at",
    "dispatched_at",
    "signed_at",
    "replied_at",
    "closed_at",
    "clock_started_at",
    "clock_stopped_at",
    "limit_amount",
    "limit_unit",
    "warning_ratio",
    "extension_amount",
    "paused_days",
    "paused_seconds",
    "due_at",
    "warn_at",
    "due_provisional",
    "reply",
    "replied_on_time",
    "rating",
    "resolved",
    "rated_at",
    "confidential",
    "supervision_count",
    "reopen_count",
    "return_count",
    "event_count",
    "version",
]


def _admin_exec(sql: str) -> None:
    engine = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


def build_schema() -> dict[str, Any]:
    from zhizhi.addresses.divisions import import_divisions
    from zhizhi.catalogue.models import Category
    from zhizhi.core.calendar_store import seed_known_years
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.migrate import upgrade
    from zhizhi.demo.org import load_catalogue, load_org, load_users

    _admin_exec(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    _admin_exec(f'CREATE DATABASE "{DB}"')
    upgrade(URL)
    with unit_of_work(URL) as session:
        seed_known_years(session, range(2024, 2028))
        import_divisions(session, provinces=["43"])
        demo = load_org(session)
        load_catalogue(session, demo)
        load_users(session, demo)
        cats = [(c.id, c.code) for c in session.scalars(select(Category))]
        functional = {code: d.id for code, d in demo.functional.items()}
        districts = [(d.id, d.division_code or "") for d in demo.districts]
        streets = [(d.id, d.division_code or "") for d in demo.streets]
    return {"cats": cats, "functional": functional, "districts": districts, "streets": streets}


def _ts(moment: datetime | None) -> str:
    return "\\N" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S+00")


def _rows(
    n: int, org: dict[str, Any], now: datetime, rng: random.Random, serial: dict[str, int]
) -> io.StringIO:
    cats = org["cats"]
    leads_by_cat = org["functional"]
    districts, streets = org["districts"], org["streets"]
    recent_s, recent_w = zip(*STATUSES_RECENT, strict=True)
    old_s, old_w = zip(*STATUSES_OLD, strict=True)
    buf = io.StringIO()
    w = buf.write
    span = 365 * 86400
    for _ in range(n):
        created = now - timedelta(seconds=rng.random() ** 1.15 * span)
        age_days = (now - created).total_seconds() / 86400
        status = rng.choices(recent_s if age_days <= 30 else old_s, recent_w if age_days <= 30 else old_w)[0]
        day = (created + timedelta(hours=8)).strftime("%Y%m%d")
        serial[day] = serial.get(day, 0) + 1
        number = f"{day}{serial[day]:05d}"
        cat_id, cat_code = rng.choice(cats)
        roll = rng.random()
        if roll < 0.4 and cat_code in leads_by_cat:
            lead, div = leads_by_cat[cat_code], rng.choice(streets)[1]
        elif roll < 0.6:
            lead, div = rng.choice(districts)
        else:
            lead, div = rng.choice(streets)
        division = div if div and rng.random() < 0.8 else None
        limit_days = rng.choice((3, 5, 5, 10, 15))
        due = created + timedelta(days=limit_days * 7 / 5)
        warn = created + timedelta(days=limit_days * 7 / 5 * 0.8)
        unassigned = status in ("received", "accepted")
        accepted = None if status == "received" else created + timedelta(minutes=5)
        dispatched = None if unassigned else created + timedelta(hours=1)
        signed = None if unassigned or status == "dispatched" else created + timedelta(hours=3)
        done = status in ("replied", "closed")
        replied = created + timedelta(days=rng.random() * limit_days * 1.6) if done else None
        replied = min(replied, now) if replied else None
        closed = replied + timedelta(days=1) if status == "closed" and replied else None
        closed = min(closed, now) if closed else None
        stopped = replied if done else (created if status == "merged" else None)
        rated = status == "closed" and rng.random() < 0.85
        rating = rng.choices(RATINGS, (30, 40, 15, 10, 5))[0] if rated else None
        fields = [
            number,
            "appeal",
            rng.choice(("complaint", "consult", "help", "report", "suggestion")),
            rng.choice(("hotline", "hotline", "hotline", "web", "wechat", "app")),
            f"诉求{cat_code}",
            "居民反映的问题，请核实处理。",
            rng.choices(("normal", "urgent", "critical"), (90, 8, 2))[0],
            status,
            str(cat_id),
            "长沙市某区某路",
            division or "\\N",
            "\\N" if unassigned or status == "merged" else str(lead),
            _ts(created),
            _ts(closed or replied or signed or dispatched or created),
            _ts(accepted),
            _ts(dispatched),
            _ts(signed),
            _ts(replied),
            _ts(closed),
            _ts(created),
            _ts(stopped),
            str(limit_days),
            "working_days",
            "0.8",
            "0",
            "0",
            "0",
            _ts(due),
            _ts(warn),
            "f",
            "已处理。" if done else "\\N",
            ("t" if replied <= due else "f") if replied else "\\N",
            rating or "\\N",
            ("t" if rating in ("very_satisfied", "satisfied", "basically_satisfied") else "f")
            if rated
            else "\\N",
            _ts(closed) if rated else "\\N",
            "f",
            "0",
            "0",
            "0",
            "3",
            "1",
        ]
        w("\t".join(fields))
        w("\n")
    buf.seek(0)
    return buf


def load_cases(n: int, org: dict[str, Any]) -> float:
    import psycopg

    t0 = time.perf_counter()
    now = datetime.now(UTC)
    chunk = 100_000
    rng, serial = random.Random(20261122), dict[str, int]()
    with psycopg.connect(URL.replace("postgresql+psycopg", "postgresql")) as conn:
        with conn.cursor() as cur, cur.copy(f"COPY cases ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            done = 0
            while done < n:
                size = min(chunk, n - done)
                copy.write(_rows(size, org, now, rng, serial).getvalue())
                done += size
                print(f"  {done:,} cases", file=sys.stderr, flush=True)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")  # every table: the planner needs departments too
    return time.perf_counter() - t0


def login(client: Any, username: str) -> None:
    client.cookies.clear()
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


PAGES = [
    ("leader", "cockpit (30 days)", "/cockpit"),
    ("leader", "cockpit: district + category + 30 days", "/cockpit?period=30d&district=430104&category=HJBH"),
    ("leader", "cockpit: this month", "/cockpit?period=month"),
    ("leader", "Excel export (ranking, 30 days)", "/cockpit/export.xlsx"),
    ("dispatcher", "queue 待签收 (dispatcher)", "/work?queue=dispatched"),
    ("dispatcher", "queue 已超期 (dispatcher)", "/work?queue=overdue"),
    ("handler", "queue 待签收 (岳麓区 handler)", "/work?queue=dispatched"),
    ("handler", "queue 已超期 (岳麓区 handler)", "/work?queue=overdue"),
]


def measure(runs: int) -> list[tuple[str, str, float, float, int]]:
    from fastapi.testclient import TestClient

    from zhizhi.web.app import create_app

    client = TestClient(create_app())
    out = []
    user = ""
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
            times.append(time.perf_counter() - t0)
            assert r.status_code == 200
        out.append((label, url, statistics.median(times) * 1000, min(times) * 1000, len(r.content)))
        print(f"  {label}: {statistics.median(times) * 1000:.0f} ms", file=sys.stderr, flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    ap.add_argument("--reuse", action="store_true", help="reuse a kept database (skip the load)")
    args = ap.parse_args()
    try:
        if not args.reuse:
            t0 = time.perf_counter()
            org = build_schema()
            schema_s = time.perf_counter() - t0
            load_s = load_cases(args.cases, org)
            print(f"schema + demo org: {schema_s:.1f} s; {args.cases:,} cases COPY + ANALYZE: {load_s:.1f} s")
        results = measure(args.runs)
        print(f"\n{args.cases:,} cases, {os.cpu_count()} cores, median of {args.runs} warm requests\n")
        print("| page | URL | median ms | min ms | bytes |\n|---|---|---:|---:|---:|")
        for label, url, med, low, size in results:
            print(f"| {label} | `{url}` | {med:.0f} | {low:.0f} | {size:,} |")
    finally:
        if not args.keep:
            from zhizhi.core.db import dispose_all

            dispose_all()
            _admin_exec(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
