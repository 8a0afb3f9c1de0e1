"""``audit verify`` over a long chain, against floors measured in the same run.

    .venv/bin/python bench/bench_audit_verify.py [--backend sqlite|postgres] [--entries 1000000] [--runs 1]

Builds a fresh database by the migrations, a key file and an anchor key in a temporary folder,
then writes ``--entries`` chained entries the way the platform chains them (``audit.entry_hash``
under the key, entries shaped like a case action's: from/to status and an ``integrity`` digest)
in bulk (``executemany`` on SQLite, ``COPY`` on PostgreSQL), and a signed checkpoint of the end.
Then, interleaved, ``--runs`` times:

* floor ``scan``: the same keyset-paged read of every entry ``verify`` does, nothing else;
* floor ``scan + HMAC``: that read plus one HMAC-SM3 per entry over its stored hash and fields
  (no canonical JSON);
* ``verify``: :func:`zhizhi.core.auditverify.verify_chain` (chain, head, checkpoint), in one
  process and then in ``--jobs`` processes walking ranges (``zhizhi audit verify --jobs``).

Prints a Markdown table of medians, with the largest growth of the process's resident memory
during ``verify`` (sampled every 50 ms): streamed, it stays flat whatever the chain's length.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

PG_ADMIN = os.environ.get("ZHIZHI_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor",
    "action",
    "object_type",
    "object_id",
    "detail",
    "prev_hash",
    "hash",
    "key_id",
)


def _setup(backend: str, folder: Path) -> str:
    os.environ["ZHIZHI_AUDIT_KEY_FILE"] = str(folder / "audit.key")
    os.environ["ZHIZHI_AUDIT_ANCHOR_KEY_FILE"] = str(folder / "anchor.key")
    os.environ["ZHIZHI_AUDIT_ANCHOR_FILE"] = str(folder / "anchors.jsonl")
    if backend == "postgres":
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "zhizhi_bench_audit" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "zhizhi_bench_audit"'))
        admin.dispose()
        url = PG_ADMIN.rsplit("/", 1)[0] + "/zhizhi_bench_audit"
    else:
        url = f"sqlite:///{folder / 'bench.db'}"
    os.environ["ZHIZHI_DATABASE_URL"] = url
    from zhizhi.core import anchor, auditkey
    from zhizhi.core.migrate import upgrade
    from zhizhi.core.settings import get_settings

    get_settings.cache_clear()
    upgrade(url)
    auditkey.create()
    anchor.create_key()
    return url


STATUSES = ("accepted", "dispatched", "in_progress", "replied", "closed")


def action_entry(i: int, at: datetime, key_id: str) -> dict[str, Any]:
    """The ``i``-th audit entry shaped like a lifecycle action's (also ``bench_sealer.py``)."""
    return {
        "at": at,
        "actor_id": 7,
        "actor": "handler_cxjs",
        "action": "case.handle",
        "object_type": "case",
        "object_id": f"2026{i:09d}",
        "detail": {
            "from_status": STATUSES[i % 5],
            "to_status": STATUSES[(i + 1) % 5],
            "integrity": {"k": key_id, "case": f"{i:032x}", "seq": i % 9 + 1, "event": f"{i:032x}"},
        },
    }


def _generate(n: int, batch: int = 20000) -> float:
    """Chain ``n`` entries in bulk; returns the seconds it took."""
    from sqlalchemy import insert, text

    from zhizhi.core import anchor, audit, auditkey, clock
    from zhizhi.core.db import get_engine

    engine = get_engine()
    ring = auditkey.load()
    key_id, key = ring.active_id, ring.active
    start, t0 = clock.now() - timedelta(days=365), time.perf_counter()
    prev, seq = audit.GENESIS, 0
    with engine.begin() as conn:
        while seq < n:
            rows = []
            for _ in range(min(batch, n - seq)):
                seq += 1
                item = action_entry(seq, start + timedelta(seconds=seq * 20), key_id)
                digest = audit.entry_hash(prev, seq, item, key_id, key)
                rows.append({"seq": seq, "prev_hash": prev, "hash": digest, "key_id": key_id, **item})
                prev = digest
            if engine.dialect.name == "postgresql":
                _copy(conn, rows)
            else:
                conn.execute(insert(audit.ENTRIES), rows)
        conn.execute(text("UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1"), {"s": seq, "h": prev})
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE audit_log"))
    anchor.checkpoint(engine)
    return time.perf_counter() - t0


def _copy(conn: Any, rows: list[dict[str, Any]]) -> None:
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY audit_log ({', '.join(FIELDS)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row([r[f] if f != "detail" else json.dumps(r[f]) for f in FIELDS])


class _Rss(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.base = self.peak = _rss()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, _rss())


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _scan(hmac_too: bool) -> tuple[float, float]:
    from zhizhi.core import auditkey
    from zhizhi.core.db import get_engine
    from zhizhi.core.repository import audit as repo

    key = auditkey.load().active
    base = auditkey.hmac_sm3_prepared(key)
    t0, c0 = time.perf_counter(), time.process_time()
    with get_engine().connect() as conn:
        for row in repo.entry_rows_raw(conn):
            if hmac_too and base is not None:
                h = base.copy()
                h.update(f"{row.prev_hash}{row.seq}{row.actor}{row.action}{row.object_id}".encode())
                h.hexdigest()
    return time.perf_counter() - t0, time.process_time() - c0


def _verify(workers: int = 1) -> tuple[float, float, int, int]:
    from zhizhi.core.auditverify import verify_chain
    from zhizhi.core.db import session_factory

    sampler = _Rss()
    sampler.start()
    t0, c0 = time.perf_counter(), time.process_time()
    with session_factory()() as s:
        result = verify_chain(s, workers=workers)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    sampler.done.set()
    sampler.join()
    assert result.ok, result.findings[:3]
    return elapsed, cpu, result.count, sampler.peak - sampler.base


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="sqlite", choices=("sqlite", "postgres"))
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="processes of the parallel verify (1: skip it)")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    folder = Path(tempfile.mkdtemp(prefix="zhizhi-bench-audit-"))
    _setup(args.backend, folder)
    generated = _generate(args.entries)
    scans: list[tuple[float, float]] = []
    hmacs: list[tuple[float, float]] = []
    verifies: list[tuple[float, float]] = []
    parallel: list[tuple[float, float]] = []
    growth: list[int] = []
    count = 0
    for _ in range(args.runs):
        scans.append(_scan(False))
        hmacs.append(_scan(True))
        seconds, cpu, count, grown = _verify()
        verifies.append((seconds, cpu))
        growth.append(grown)
        if args.jobs > 1:
            seconds, cpu, _, _ = _verify(args.jobs)
            parallel.append((seconds, cpu))
    print(
        f"\n{platform.node()} · {os.cpu_count()} CPUs · load {os.getloadavg()[0]:.1f} · {args.backend} · "
        f"{count:,} entries (generated and chained in {generated:.1f} s) · median of {args.runs}\n"
    )
    print("| step | wall s | this process's CPU s | entries/s (wall) | wall vs scan |")
    print("|---|---:|---:|---:|---:|")
    scan = statistics.median(w for w, _ in scans)
    for name, values in (
        ("floor: scan", scans),
        ("floor: scan + HMAC-SM3", hmacs),
        ("audit verify", verifies),
        (f"audit verify --jobs {args.jobs} (CPU: the coordinator only)", parallel),
    ):
        if not values:
            continue
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"| {name} | {wall:.1f} | {cpu:.1f} | {count / wall:,.0f} | {wall / scan:.2f} |")
    print(f"\nresident memory growth during verify: {max(growth) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
