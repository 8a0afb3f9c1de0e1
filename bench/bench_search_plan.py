"""One workbench search, planned and timed on ``bench_search.py --keep``'s database: the SQL that
``cases.search.search`` sends for a user and a filter (the capped count and the page), each
statement's ``EXPLAIN (ANALYZE, BUFFERS)`` and the median time of ``--runs`` warm searches.

    .venv/bin/python bench/bench_search_plan.py [--who handler]
        [--params '{"category": "HJBH", "channel": "hotline", "status": "closed"}'] [--runs 5]

Used for the handler's "category + channel + status" search (gaps11b, migration 0018); set
``ZHIZHI_BENCH_SEARCH_DB`` as for ``bench_search.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sqlalchemy import event, text

import bench_search  # noqa: F401  (sets the database URL and the data keys)
from zhizhi.cases import search
from zhizhi.cases.filters import parse_filter
from zhizhi.core.db import get_engine, unit_of_work
from zhizhi.org import service as org

COMBO = {"category": "HJBH", "channel": "hotline", "status": "closed"}


def run(who: str, params: dict[str, str], runs: int) -> tuple[int, float, list[tuple[str, Any]]]:
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM cases" in statement:
            captured.append((statement, parameters))

    with unit_of_work() as session:
        principal = org.principal_for_username(session, who)
        f = parse_filter(params)
        search.search(session, principal, f, page=1, page_size=20)  # warm
        times = []
        for _ in range(runs):
            session.expunge_all()
            t0 = time.perf_counter()
            search.search(session, principal, f, page=1, page_size=20)
            times.append(time.perf_counter() - t0)
        event.listen(get_engine(), "before_cursor_execute", capture)
        try:
            session.expunge_all()
            found = search.search(session, principal, f, page=1, page_size=20)
        finally:
            event.remove(get_engine(), "before_cursor_execute", capture)
    return int(found[1]), statistics.median(times) * 1000, captured


def explain(statements: list[tuple[str, Any]]) -> None:
    with get_engine().connect() as conn:
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cur:
            cur.execute("SET plan_cache_mode = force_custom_plan")
            for statement, parameters in statements:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                print("```text\n" + "\n".join(r[0] for r in cur.fetchall()) + "\n```")
        conn.execute(text("SELECT 1"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--who", default="handler")
    ap.add_argument("--params", default=json.dumps(COMBO))
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    total, ms, captured = run(args.who, json.loads(args.params), args.runs)
    print(
        f"\n### {args.who}, {args.params}: {total:,} matches, "
        f"median {ms:.0f} ms over {args.runs} warm searches\n"
    )
    explain(captured)


if __name__ == "__main__":
    main()
