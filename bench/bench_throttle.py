"""What the login throttle and the rate limit cost, in one process (docs/security.md).

    .venv/bin/python bench/bench_throttle.py [--backend sqlite|postgres] [--rounds 15] [--block 10]

Alternating blocks in the same process (drift cancels):

* a failed login through ``org.service.log_in`` (lock check, argon2id verification, the two
  counter upserts), against its floor: the same argon2id verification alone;
* one rate-limit hit (``core.throttle.limit`` in its own unit of work, what the middleware does
  per limited request), against its floor: an empty unit of work that reads one row.

Prints the medians over the rounds, per call, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench_cases import PG_ADMIN


def _database(backend: str) -> str:
    if backend == "postgres":
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "zhizhi_bench_throttle" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "zhizhi_bench_throttle"'))
        admin.dispose()
        return PG_ADMIN.rsplit("/", 1)[0] + "/zhizhi_bench_throttle"
    import tempfile

    return f"sqlite:///{tempfile.mkdtemp(prefix='zhizhi-bench-')}/bench.db"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="sqlite")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--block", type=int, default=10)
    args = ap.parse_args()
    os.environ["ZHIZHI_DATABASE_URL"] = _database(args.backend)
    os.environ["ZHIZHI_LOGIN_MAX_FAILURES"] = "1000"
    os.environ["ZHIZHI_LOGIN_ADDRESS_MAX_FAILURES"] = "100000"
    os.environ["ZHIZHI_RATE_LIMITS"] = '{"lookup": 100000000}'

    from sqlalchemy import text

    from zhizhi.core import throttle
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.migrate import upgrade
    from zhizhi.core.permissions import Role
    from zhizhi.org import service as org

    upgrade()
    with unit_of_work() as s:
        user = org.create_user(s, username="bench", password="bench-password-1", role=Role.ADMIN)
        password_hash = user.password_hash

    def failed_login() -> None:
        with unit_of_work() as s:
            assert org.log_in(s, "bench", "wrong-password", address="10.0.0.1") is None

    def verify_only() -> None:
        assert not org.verify_password(password_hash, "wrong-password")

    def limit_hit() -> None:
        with unit_of_work() as s:
            throttle.limit(s, "lookup", "10.0.0.2")

    def floor_uow() -> None:
        with unit_of_work() as s:
            s.execute(text("SELECT 1")).scalar()

    def per_call(fn: object, n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            fn()  # type: ignore[operator]
        return (time.perf_counter() - start) / n * 1000

    results: dict[str, list[float]] = {k: [] for k in ("login", "verify", "limit", "floor")}
    for _ in range(args.rounds):
        results["login"].append(per_call(failed_login, args.block))
        results["verify"].append(per_call(verify_only, args.block))
        results["limit"].append(per_call(limit_hit, args.block * 5))
        results["floor"].append(per_call(floor_uow, args.block * 5))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"backend={args.backend} rounds={args.rounds} block={args.block}")
    print(
        f"failed login (throttled) {med['login']:.2f} ms, argon2id verify alone {med['verify']:.2f} ms, "
        f"ratio {med['login'] / med['verify']:.3f}"
    )
    print(
        f"rate-limit hit {med['limit']:.3f} ms, empty unit of work {med['floor']:.3f} ms, "
        f"ratio {med['limit'] / med['floor']:.2f}"
    )


if __name__ == "__main__":
    main()
