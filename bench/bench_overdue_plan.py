"""The handler's "sla overdue" workbench search, old and new overdue form, planned and timed on
``bench_search.py --keep``'s database (gaps11, migration 0017).

    .venv/bin/python bench/bench_overdue_plan.py [--runs 5]

Captures the SQL that ``cases.search.search`` sends for the district handler with
``sla_state=overdue`` (the capped count and the page), once with the indexable form (running
and ``due_at < now``, or the generated ``stopped_late``) and once with the former form
(``clock_stopped_at IS NULL AND due_at < now OR clock_stopped_at IS NOT NULL AND clock_stopped_at
> due_at``), checks that both return the same cases, and prints each statement's
``EXPLAIN (ANALYZE, BUFFERS)`` and the median time of ``--runs`` warm searches.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sqlalchemy import and_, event, or_, text

import bench_search  # noqa: F401  (sets the database URL and the data keys)
from zhizhi.cases import search
from zhizhi.cases.enums import SlaState
from zhizhi.cases.filters import parse_filter
from zhizhi.cases.models import Case
from zhizhi.cases.repository import stats
from zhizhi.core.db import get_engine, unit_of_work
from zhizhi.org import service as org

NEW = stats.sla_filter


def old_form(state: SlaState, now: Any) -> Any:
    if state is SlaState.OVERDUE:
        running, stopped = Case.clock_stopped_at.is_(None), Case.clock_stopped_at.is_not(None)
        return or_(and_(running, Case.due_at < now), and_(stopped, Case.clock_stopped_at > Case.due_at))
    return NEW(state, now)


def run(form: Any, runs: int) -> tuple[list[str], float, list[tuple[str, Any]]]:
    stats.sla_filter = form
    captured: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM cases" in statement:
            captured.append((statement, parameters))

    with unit_of_work() as session:
        principal = org.principal_for_username(session, "handler")
        f = parse_filter({"sla_state": "overdue"})
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
    numbers = [c.number for c in found[0]]
    return numbers, statistics.median(times) * 1000, captured


def explain(statements: list[tuple[str, Any]]) -> None:
    eng = get_engine()
    with eng.connect() as conn:
        for statement, parameters in statements:
            raw = conn.connection.dbapi_connection
            with raw.cursor() as cur:  # the statement exactly as sent, with its parameters
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                plan = [r[0] for r in cur.fetchall()]
            print("```text\n" + "\n".join(plan) + "\n```")
        conn.execute(text("SELECT 1"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    results = {}
    for label, form in (("before (old form)", old_form), ("after (0017 form)", NEW)):
        numbers, ms, captured = run(form, args.runs)
        results[label] = numbers
        print(f"\n### handler, sla overdue — {label}: median {ms:.0f} ms over {args.runs} warm searches\n")
        explain(captured)
    same = results["before (old form)"] == results["after (0017 form)"]
    print(f"\nsame page of cases with both forms: {same} ({len(results['after (0017 form)'])} cases)")


if __name__ == "__main__":
    main()
