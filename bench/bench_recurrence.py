"""The recurrence count (cockpit outcomes) computed cold, on a database of your choice.

    ZHIZHI_DATABASE_URL=... .venv/bin/python bench/bench_recurrence.py [--runs 3] [--period 30d]

Times the recurrence computation for the leader with its cache emptied before each run (what a
filtered or unit-scoped cockpit view pays after a new case or a closure), and once more warm
(the cache hit: the closure marker's two aggregate queries).  The floor in the same run is
``queries.cockpit_facts`` (the rates' one grouped query).  Then (gaps11) the background job
``service.refresh_recurrence`` once (every cockpit period; it stores the snapshots — this
writes to the database you point it at) and the city-wide cockpit's read of the snapshot
(``outcome_figures``, ``--runs`` times).  Use it on the demo
(``sqlite:///…/demo.db``) or on ``bench/bench_cockpit.py --keep``'s database (``--cases N``).
"""

from __future__ import annotations

import argparse
import statistics
import time

from zhizhi.cases import queries
from zhizhi.cockpit import service
from zhizhi.core.db import unit_of_work
from zhizhi.org import service as org


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--period", default="30d")
    args = ap.parse_args()
    cold, warm, floor = [], [], []
    with unit_of_work() as s:
        leader = org.principal_for_username(s, "leader")
        span = queries.named_period(args.period)
        closed = len(queries.closed_cases(s, leader, span, None))
        for _ in range(args.runs):
            t0 = time.perf_counter()
            ranking = queries.cockpit_facts(s, leader, span, None)["ranking"]
            floor.append(time.perf_counter() - t0)
            service._outcomes_cache.clear()
            t0 = time.perf_counter()
            figures, _ = service._cached(s, leader, span, None, None)
            cold.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            service._cached(s, leader, span, None, None)
            warm.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        took = service.refresh_recurrence(s)
        job = time.perf_counter() - t0
        snap = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            stored = service.outcome_figures(s, leader, span, None, None, ranking)
            snap.append(time.perf_counter() - t0)
        assert stored.get("computed_at") is not None and stored["recurred_30"] == figures["recurred_30"]
    ms = lambda xs: f"{statistics.median(xs) * 1000:.0f}"  # noqa: E731
    print(f"closed cases in the period: {closed:,}; recurred within 30 d: {figures['recurred_30']}")
    print("| step | median ms |\n|---|---:|")
    print(f"| floor: cockpit_facts (rates, one grouped query) | {ms(floor)} |")
    print(f"| recurrence, cold (cache emptied) | {ms(cold)} |")
    print(f"| recurrence, warm (closure marker only) | {ms(warm)} |")
    print(f"| background job, all {len(took)} cockpit periods (once) | {job * 1000:.0f} |")
    print(f"| city-wide cockpit: read the snapshot | {ms(snap)} |")


if __name__ == "__main__":
    main()
