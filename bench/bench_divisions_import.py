"""Benchmark: import the whole country's divisions (≈665,000 rows) on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_divisions_import.py [--backend sqlite|postgres|both] [--runs 3]

Builds a scratch database with the real migrations (SQLite file in a temp dir; PostgreSQL
database ``zhizhi_addrdb_bench`` on ``ZHIZHI_BENCH_PG_ADMIN``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``), imports ``../shared/data/divisions``
``--runs`` times (the import replaces the table, so every run is a full import) and prints the
median wall time including reading and decompressing the CSV files.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from zhizhi.addresses.divisions import import_divisions
from zhizhi.core.db import get_engine
from zhizhi.core.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(os.environ.get("ZHIZHI_SHARED_DATA", ROOT.parent / "shared" / "data")) / "divisions"
PG_ADMIN = os.environ.get("ZHIZHI_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _scratch(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='zhizhi-bench-')) / 'bench.db'}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "zhizhi_addrdb_bench" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "zhizhi_addrdb_bench"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/zhizhi_addrdb_bench"


def run(backend: str, runs: int) -> float:
    url = _scratch(backend)
    upgrade(url)
    engine = get_engine(url)
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        result = import_divisions(engine, SOURCE)
        times.append(time.perf_counter() - t0)
        print(f"{backend} run {i + 1}: {result.rows} rows in {times[-1]:.1f} s  {result.by_level}")
    median = statistics.median(times)
    print(f"{backend}: median of {runs} = {median:.1f} s")
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for backend in ("sqlite", "postgres") if args.backend == "both" else (args.backend,):
        run(backend, args.runs)


if __name__ == "__main__":
    main()
