"""The city's classifier on the demo city: accuracy on the newest held-back confirmed cases before
and after retraining, and the training time (with a floor in the same run).

    .venv/bin/python bench/bench_city_classifier.py [--runs 3] [--base-dir ../shared/data/citizen_messages]

Builds the demo city in a fresh SQLite file (``zhizhi demo``'s loader: 342 cases, their
categories confirmed at 受理 and 派单), then:

* before: the general model (shipped, 7 first-level categories mapped onto the tree by name) on
  the newest 20 % of the confirmed cases;
* after: ``routing.learning.train`` (base corpus mapped into the tree + the older confirmed cases;
  read from the database, fitted, stored) on the same held-back cases;
* training time: the median of ``--runs`` retrainings, against the floor of the same fit on the
  same texts already in memory (``intelligence.classifier.city.train_city``, no database).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base-dir", type=Path, default=Path("../shared/data/citizen_messages"))
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="zhizhi-bench-city-")
    os.environ["ZHIZHI_DATABASE_URL"] = f"sqlite:///{folder}/demo.db"

    from zhizhi import registry
    from zhizhi.cli.main import _upgrade
    from zhizhi.core import audit, jobs
    from zhizhi.core.db import unit_of_work
    from zhizhi.demo.load import load_demo
    from zhizhi.intelligence.classifier import city
    from zhizhi.routing import learning

    registry.install()
    _upgrade()
    start = time.perf_counter()
    with jobs.inline(), unit_of_work() as s:
        counts = load_demo(s)
    print(
        f"demo city: {counts['cases']} cases, {counts['categories']} categories "
        f"({time.perf_counter() - start:.0f} s)"
    )

    with unit_of_work() as s:
        confirmed = learning.confirmed_cases(s)
        parents = learning._tree(s)
        base, mapping = learning.base_corpus(s, args.base_dir)
        held = city.split_holdout(len(confirmed))
        holdout = confirmed[len(confirmed) - held :]
        before = city.score_predictions(
            learning.predict_codes(s, [t for t, _ in holdout], general=True), [c for _, c in holdout], parents
        )
    print(
        f"confirmed cases {len(confirmed)}, held back (newest) {held}; "
        f"base corpus {len(base)} texts, mapped {mapping}"
    )

    seconds, details = [], {}
    for _ in range(args.runs):
        t = time.perf_counter()
        with unit_of_work() as s:
            details = learning.train(s, base_dir=args.base_dir, actor=audit.Actor.system())
        seconds.append(time.perf_counter() - t)
    floor = []
    for _ in range(args.runs):
        t = time.perf_counter()
        city.train_city(confirmed, base, parents)
        floor.append(time.perf_counter() - t)
    after = details["holdout"]

    def pct(v: float | None) -> str:
        return "—" if v is None else f"{v:.1%}"

    print(f"{'':34} {'before':>8} {'after':>8}")
    print(f"{'accuracy (category or ancestor)':34} {pct(before['accuracy']):>8} {pct(after['accuracy']):>8}")
    print(
        f"{'first-level accuracy':34} {pct(before['first_level_accuracy']):>8} "
        f"{pct(after['first_level_accuracy']):>8}"
    )
    print(
        f"classes in the model: {len(details['classes'])}; "
        f"without enough samples: {details['uncovered_first_level']}"
    )
    med, fl = statistics.median(seconds), statistics.median(floor)
    print(
        f"retraining (read, fit, store): median {med:.2f} s of {args.runs}; "
        f"floor (fit in memory) {fl:.2f} s; ratio {fl / med:.2f}"
    )


if __name__ == "__main__":
    main()
