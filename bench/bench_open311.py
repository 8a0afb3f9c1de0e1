"""Open311 ``requests.json`` latency over a big PostgreSQL database.

    .venv/bin/python bench/bench_open311.py [--cases 1000000] [--runs 5] [--keep] [--reuse]

Builds the scratch database ``zhizhi_bench_open311`` with bench_cockpit's loader (real
migrations, the demo organisation, cases bulk-loaded with ``COPY``) and bench_search's enrichment
(varied contents and addresses), then, through ``TestClient(create_app())``:

* ``GET /open311/v2/requests.json`` with the spec's filters (none: the last 90 days, 1000 per
  page; a category subtree; status; a date window; 20 ids; one request; XML);
* the floors in the same run: ``/healthz`` (the framework and middleware alone) and
  ``GET /api/v1/cases`` (the plain case list, a dispatcher's bearer token) at its default 20 and
  at 200 rows, the nearest thing the platform already serves; ``requests.json`` is timed at the
  same 200 rows too, so the two differ only in what each answer carries.

Median of ``--runs`` warm requests; prints a Markdown table; drops the database unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cockpit as bc
import bench_search as bs  # its subjects and roads; importing it points bc at its own database

bc.DB = "zhizhi_bench_open311"
bc.URL = bc.ADMIN.rsplit("/", 1)[0] + "/" + bc.DB
os.environ["ZHIZHI_DATABASE_URL"] = bc.URL
os.environ["ZHIZHI_RATE_LIMITS"] = "{}"

from sqlalchemy import create_engine, text  # noqa: E402

from zhizhi.core.settings import get_settings  # noqa: E402

get_settings.cache_clear()

# varied subjects, contents and addresses (no contact data: the feed never reads it, and the
# case list would refuse a phone that is not an SM4 envelope)
ENRICH = """
UPDATE cases SET
  subject = s.subject,
  content = '居民反映' || r.road || (id % 997) || '号附近' || s.subject || '，已持续' || (id % 9 + 1)
            || '天，请尽快核实处理。',
  address = '长沙市' || r.road || (id % 997) || '号'
FROM (SELECT ord - 1 AS k, v AS subject
      FROM unnest(CAST(:subjects AS text[])) WITH ORDINALITY AS t(v, ord)) s,
     (SELECT ord - 1 AS k, v AS road FROM unnest(CAST(:roads AS text[])) WITH ORDINALITY AS t(v, ord)) r
WHERE s.k = cases.id % 20 AND r.k = (cases.id / 20) % 20
"""


def enrich() -> float:
    t0 = time.perf_counter()
    engine = create_engine(bc.URL)
    with engine.begin() as conn:
        conn.execute(text(ENRICH), {"subjects": bs.SUBJECTS, "roads": bs.ROADS})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE cases"))
    engine.dispose()
    return time.perf_counter() - t0


def _numbers(n: int) -> list[str]:
    engine = create_engine(bc.URL)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT number FROM cases WHERE NOT confidential AND kind <> 'application' "
                "ORDER BY id DESC LIMIT :n"
            ),
            {"n": n},
        ).scalars()
        out = list(rows)
    engine.dispose()
    return out


def _median_ms(
    client: Any, url: str, params: dict[str, Any], headers: dict[str, str], runs: int
) -> tuple[float, int, int]:
    r = client.get(url, params=params, headers=headers)  # warm-up
    assert r.status_code == 200, (url, params, r.status_code, r.text[:300])
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url, params=params, headers=headers)
        times.append(time.perf_counter() - t0)
    body = r.json() if url.endswith(".json") or url.startswith("/api/") else None
    rows = len(body) if isinstance(body, list) else len(body["items"]) if isinstance(body, dict) else 0
    return statistics.median(times) * 1000, rows, len(r.content)


def measure(runs: int) -> list[tuple[str, str, dict[str, Any], float, int, int]]:
    from fastapi.testclient import TestClient

    from zhizhi.core import clock
    from zhizhi.web.app import create_app

    client = TestClient(create_app())
    r = client.post("/api/v1/auth/token", data={"username": "dispatcher", "password": bc.PASSWORD})
    assert r.status_code == 200, r.text
    staff = {"Authorization": f"Bearer {r.json()['access_token']}"}
    ids = _numbers(20)
    now = clock.now()
    week = {"start_date": (now - timedelta(days=7)).isoformat(), "end_date": now.isoformat()}
    o = "/open311/v2"
    cases = [
        ("floor: /healthz (the framework alone)", "/healthz", {}, {}),
        ("floor: /api/v1/cases, 20 rows (its default page)", "/api/v1/cases", {}, staff),
        ("floor: /api/v1/cases, 200 rows", "/api/v1/cases", {"page_size": 200}, staff),
        ("requests.json, 200 rows", f"{o}/requests.json", {"page_size": 200}, {}),
        ("requests.json, default (90 days, 1000 rows)", f"{o}/requests.json", {}, {}),
        ("requests.xml, default (1000 rows)", f"{o}/requests.xml", {}, {}),
        ("service_code CXJS (subtree)", f"{o}/requests.json", {"service_code": "CXJS"}, {}),
        ("status closed", f"{o}/requests.json", {"status": "closed"}, {}),
        ("last 7 days", f"{o}/requests.json", week, {}),
        ("page 5 of 1000", f"{o}/requests.json", {"page": 5}, {}),
        ("20 ids", f"{o}/requests.json", {"service_request_id": ",".join(ids)}, {}),
        ("one request", f"{o}/requests/{ids[0]}.json", {}, {}),
    ]
    out = []
    for label, url, params, headers in cases:
        ms, rows, size = _median_ms(client, url, params, headers, runs)
        out.append((label, url, params, ms, rows, size))
        print(f"  {label}: {ms:.0f} ms ({rows} rows)", file=sys.stderr, flush=True)
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
            org = bc.build_schema()
            load_s = bc.load_cases(args.cases, org)
            enrich_s = enrich()
            print(
                f"schema + demo org + {args.cases:,} cases: {time.perf_counter() - t0:.1f} s "
                f"(COPY {load_s:.1f} s, enrich + ANALYZE {enrich_s:.1f} s)"
            )
        results = measure(args.runs)
        print(f"\n{args.cases:,} cases, {os.cpu_count()} cores, median of {args.runs} warm requests\n")
        print("| request | median ms | rows | bytes |\n|---|---:|---:|---:|")
        for label, _url, _params, ms, rows, size in results:
            print(f"| {label} | {ms:.0f} | {rows:,} | {size:,} |")
    finally:
        if not args.keep:
            from zhizhi.core.db import dispose_all

            dispose_all()
            bc._admin_exec(f'DROP DATABASE IF EXISTS "{bc.DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
