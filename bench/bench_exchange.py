"""Exchange calls per second (bearer → grant check → field check → provider read → masking →
exchange-log row and audit entry, one unit of work) against the floor: a bare read of the same
row through the same app (same ASGI stack, session and commit), in one process and one run.

    .venv/bin/python bench/bench_exchange.py [--backend sqlite|postgres] [--rounds 30] [--block 50]

A fresh database gets two departments, the population resource (seed), 200 provider rows, an
approved grant and a consuming system.  Blocks of ``--block`` calls alternate between the two
paths (order flipped every round, to cancel the machine's drift); the median over the rounds of
the rate ratio exchange/floor is printed with its quartiles (target ≥ 0.5, issue 12).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import bench_cases
from zhizhi.http.deps import DbSession  # the floor route's annotation is resolved in this module

PG_ADMIN = os.environ.get("ZHIZHI_BENCH_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _database(backend: str) -> str:
    if backend != "postgres":
        return f"sqlite:///{tempfile.mkdtemp(prefix='zhizhi-bench-exchange-')}/bench.db"
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "zhizhi_bench_exchange" WITH (FORCE)'))
        conn.execute(text('CREATE DATABASE "zhizhi_bench_exchange"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/zhizhi_bench_exchange"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="sqlite")
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--block", type=int, default=50)
    ap.add_argument(
        "--level",
        choices=["http", "service"],
        default="http",
        help="http: through the app (in-process client); service: the unit of work alone",
    )
    args = ap.parse_args()
    os.environ["ZHIZHI_DATABASE_URL"] = _database(args.backend)
    bench_cases.bench_keys()  # data keys (the provider tables are encrypted) and the audit key
    # PostgreSQL: audit entries go to the inbox and wait for a worker's sealer, as in production
    # (no worker runs during the measurement: sealing is the workers' cost, not the call's)

    from fastapi import APIRouter
    from fastapi.testclient import TestClient

    from zhizhi.core import clock
    from zhizhi.core.calendar_store import seed_known_years
    from zhizhi.core.db import session_factory, unit_of_work
    from zhizhi.core.migrate import upgrade
    from zhizhi.core.permissions import Role
    from zhizhi.org import service as org
    from zhizhi.org.enums import DepartmentKind
    from zhizhi.sharing import clients, exchange, seed, service
    from zhizhi.sharing import repository as repo
    from zhizhi.sharing.schemas import DecisionIn, RequestIn
    from zhizhi.web.app import create_app

    upgrade()
    with unit_of_work() as s:
        seed_known_years(s, range(2025, 2028))
        city = org.create_department(s, code="CITY", name="长沙市", kind=DepartmentKind.CITY)
        for code, name in [("GA", "长沙市公安局"), ("ZJ", "长沙市住房和城乡建设局")]:
            org.create_department(s, code=code, name=name, kind=DepartmentKind.FUNCTIONAL, parent=city)
        org.create_user(s, username="admin", password="bench-password", role=Role.ADMIN)
        for user, dept in [("st_ga", "GA"), ("st_zj", "ZJ")]:
            org.create_user(
                s, username=user, password="bench-password", role=Role.DATA_STEWARD, department_code=dept
            )
        admin = org.principal_for_username(s, "admin")
        rows = seed.provider_rows(200)
        service.load_provider_rows(s, admin, {"provider_population": rows["provider_population"]})
        service.save_resource(
            s, admin, next(seed.resources({"ga": "GA", "scjg": "GA", "rs": "GA", "zrzy": "GA"}))
        )
        today = clock.today_local()
        body = RequestIn(
            resource="GA-RK-001",
            purpose="service",
            purpose_detail="bench",
            legal_basis="bench",  # type: ignore[arg-type]
            fields=["id_number", "name", "household_address", "phone"],
            period_start=today,
            period_end=today.replace(year=today.year + 1),
        )
        number = service.submit_request(s, org.principal_for_username(s, "st_zj"), body).number
        service.decide_request(
            s, org.principal_for_username(s, "st_ga"), number, DecisionIn(approve=True, plain_fields=["name"])
        )
        client, secret = clients.register_client(s, admin, "bench", "ZJ")
        client_id = client.client_id
    keys = [p["id_number"] for p in rows["provider_population"]]

    floor = APIRouter()

    @floor.get("/floor/{resource}")
    def bare_read(resource: str, key: str, session: DbSession) -> dict[str, object]:
        row = repo.provider_row(session, "provider_population", "id_number", key)
        return {"found": row is not None, "record": {k: str(v) for k, v in (row or {}).items()}}

    app = create_app()
    app.include_router(floor)
    with TestClient(app) as http:
        token = http.post(
            "/api/v1/exchange/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}

        factory = session_factory()

        def service_call(path: str, key: str) -> None:
            with factory() as session:
                if path == "exchange":
                    consumer = exchange.consumer_from_token(session, token)
                    assert consumer is not None
                    assert exchange.call(session, consumer, "GA-RK-001", key, "service", None)["found"]
                else:
                    assert repo.provider_row(session, "provider_population", "id_number", key) is not None
                session.commit()

        def run(path: str, n: int, offset: int) -> float:
            start = time.perf_counter()
            for i in range(n):
                key = keys[(offset + i) % len(keys)]
                if args.level == "service":
                    service_call(path, key)
                    continue
                if path == "exchange":
                    r = http.get(
                        "/api/v1/exchange/GA-RK-001", params={"key": key, "purpose": "service"}, headers=auth
                    )
                else:
                    r = http.get("/floor/GA-RK-001", params={"key": key, "purpose": "service"})
                assert r.status_code == 200, r.text
            return n / (time.perf_counter() - start)

        run("exchange", 100, 0)
        run("floor", 100, 0)
        if os.environ.get("BENCH_PROFILE"):  # where the exchange's time goes (one block, cProfile)
            import cProfile
            import pstats

            with cProfile.Profile() as prof:
                run("exchange", args.block, 0)
            pstats.Stats(prof).sort_stats("tottime").print_stats(20)
        ratios, rates = [], {"exchange": [], "floor": []}
        for r in range(args.rounds):
            got = {}
            for path in ("exchange", "floor") if r % 2 else ("floor", "exchange"):
                got[path] = run(path, args.block, r * args.block)
                rates[path].append(got[path])
            ratios.append(got["exchange"] / got["floor"])
    q = statistics.quantiles(ratios, n=4)
    print(f"backend={args.backend} level={args.level} rounds={args.rounds} block={args.block}")
    print(f"exchange calls/s: median {statistics.median(rates['exchange']):.0f}")
    print(f"floor (bare read) calls/s: median {statistics.median(rates['floor']):.0f}")
    print(f"ratio exchange/floor: median {statistics.median(ratios):.2f} (quartiles {q[0]:.2f}–{q[2]:.2f})")


if __name__ == "__main__":
    main()
