"""The audit sealer's cost per entry on PostgreSQL, against the bare move of the same rows.

    .venv/bin/python bench/bench_sealer.py [--entries 20000] [--batches 1,20,100] [--runs 3]

Every audited write on PostgreSQL leaves its entry in ``audit_inbox``; a worker's sealer chains
them into ``audit_log`` in batches (``zhizhi.core.sealer``; at 300 actions/s a batch holds about
a hundred). This fills the inbox with entries shaped like a lifecycle action's (from/to status
and an ``integrity`` seal in ``detail``), ``--batches`` at a time, and measures, per entry, the
CPU of this process and of every ``postgres`` process (``/proc``) while:

* ``seal``: :func:`zhizhi.core.audit.seal` empties the inbox (head lock, read, HMAC-SM3 chain,
  entries written, head moved, commit);
* floor ``move``: one statement moves the same rows into a copy of ``audit_log`` (same columns
  and indexes) under the same head lock, with sequence numbers and 64-character hashes made in
  SQL — the database work any sealer must do, with no hashing in Python.

Interleaved runs; prints a Markdown table of medians. Run it from another checkout's ``src``
(``PYTHONPATH=/other/src``) to measure that code's sealer against the same floor.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_audit_verify import _setup, action_entry
from cpu_actions import _postgres_cpu

FLOOR_MOVE = """
WITH head AS (SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE),
moved AS (DELETE FROM audit_inbox RETURNING *)
INSERT INTO floor_log (seq, at, actor_id, actor, action, object_type, object_id, detail,
                       prev_hash, hash, key_id)
SELECT nextval('floor_seq'), at, actor_id, actor, action, object_type, object_id, detail,
       md5(id::text) || md5(at::text), md5(id::text || 'h') || md5(actor), 'k1'
FROM moved ORDER BY id
"""


def _entries(n: int, first: int) -> list[dict[str, Any]]:
    from zhizhi.core import clock

    now = clock.now()
    return [action_entry(i, now + timedelta(microseconds=i), "k1") for i in range(first, first + n)]


def _run(engine: Any, kind: str, total: int, batch: int, first: int) -> dict[str, float]:
    from sqlalchemy import insert, text

    from zhizhi.core import audit

    py = pg = 0.0
    done = 0
    while done < total:
        with engine.begin() as conn:
            conn.execute(insert(audit.INBOX), _entries(batch, first + done))
        pg0 = _postgres_cpu()  # reading /proc costs this process CPU: outside its own window
        py0 = time.process_time()
        with engine.begin() as conn:
            n = audit.seal(conn) if kind == "seal" else conn.execute(text(FLOOR_MOVE)).rowcount
        py += time.process_time() - py0
        pg += _postgres_cpu() - pg0
        assert n == batch, (kind, n, batch)
        done += batch
    return {"py_us": 1e6 * py / total, "pg_us": 1e6 * pg / total}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=20000, help="entries sealed per run and batch size")
    ap.add_argument("--batches", default="1,20,100", help="entries in the inbox per seal")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    from sqlalchemy import text

    with tempfile.TemporaryDirectory() as folder:
        _setup("postgres", Path(folder))
        from zhizhi.core.db import get_engine

        engine = get_engine()
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE floor_log (LIKE audit_log INCLUDING ALL)"))
            conn.execute(text("CREATE SEQUENCE floor_seq"))
        batches = [int(b) for b in args.batches.split(",")]
        results: dict[tuple[int, str], list[dict[str, float]]] = {}
        first = 0
        for _ in range(args.runs):
            for batch in batches:
                total = max(batch, args.entries // batch * batch)
                for kind in ("seal", "move"):
                    results.setdefault((batch, kind), []).append(_run(engine, kind, total, batch, first))
                    first += total
                    print(batch, kind, results[(batch, kind)][-1], flush=True)
        engine.dispose()
    print(
        f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.runs} runs × {args.entries} entries, medians (µs of CPU per entry)\n"
    )
    print(
        "| entries per seal | sealer process | PostgreSQL | total "
        "| floor move: its process | PostgreSQL | ratio to floor |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for batch in batches:
        seal = {k: statistics.median(r[k] for r in results[(batch, "seal")]) for k in ("py_us", "pg_us")}
        move = {k: statistics.median(r[k] for r in results[(batch, "move")]) for k in ("py_us", "pg_us")}
        total, floor = seal["py_us"] + seal["pg_us"], move["py_us"] + move["pg_us"]
        print(
            f"| {batch} | {seal['py_us']:.0f} | {seal['pg_us']:.0f} | {total:.0f} | {move['py_us']:.0f} "
            f"| {move['pg_us']:.0f} "
            f"| {floor / total:.2f} |"
        )


if __name__ == "__main__":
    main()
