"""Where an intake's time goes: statements per creation, ms per creation and a pyinstrument profile.

    .venv/bin/python bench/profile_intake.py [--backend postgres] [--cases 300] [--no-phone]

Builds a fresh database with the demo organisation (``bench_cases.prepare``), warms the app up
through Starlette's test client, then runs what ``cases.endpoints.create_case`` runs inside its
unit of work (principal, ``service.create_case``, the commit, the answer's JSON) ``--cases``
times in process with one client, counting the SQL statements and profiling with pyinstrument
(``pip install pyinstrument``; not a project dependency). With a contact phone (the default, as
``bench_cases.py`` sends) a staff intake also queues the 受理 receipt text (docs/notifications.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cases


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="postgres")
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--no-phone", action="store_true", help="intake without a contact phone (no receipt)")
    ap.add_argument("--db", default="zhizhi_profile_intake", help="scratch database name")
    args = ap.parse_args()
    url = bench_cases.prepare(args.backend, args.db)
    os.environ.update(ZHIZHI_DATABASE_URL=url, ZHIZHI_AI_MODE="worker", ZHIZHI_JOBS_RUNNER_IN_WEB="false")
    os.environ["ZHIZHI_HOTSPOT_INTERVAL_MINUTES"] = "0"

    from fastapi.testclient import TestClient
    from pyinstrument import Profiler
    from sqlalchemy import event

    from zhizhi.cases import schemas, service
    from zhizhi.core.db import get_engine
    from zhizhi.http.deps import request_transaction
    from zhizhi.org.service import principal_from_token
    from zhizhi.web.app import create_app

    body = {k: v for k, v in bench_cases.BODY.items() if not (args.no_phone and k == "contact_phone")}
    statements = [0]

    @event.listens_for(get_engine(), "before_cursor_execute")
    def _count(*_: object) -> None:
        statements[0] += 1

    with TestClient(create_app()) as client:
        r = client.post("/api/v1/auth/token", data={"username": "agent", "password": "zhizhi2026"})
        token = r.json()["access_token"]
        for _ in range(20):  # warm the caches
            client.post("/api/v1/cases", json=body, headers={"Authorization": f"Bearer {token}"})
    statements[0] = 0
    profiler = Profiler(interval=0.0002)
    profiler.start()
    t0 = time.perf_counter()
    for _ in range(args.cases):
        parsed = schemas.CaseCreate.model_validate(body)
        with request_transaction() as session:
            principal = principal_from_token(session, token)
            case, _created = service.create_case(session, parsed, principal, None)
            service.to_out(session, case, principal).model_dump_json()
    spent = time.perf_counter() - t0
    profiler.stop()
    print(
        f"{args.backend}: {args.cases} intakes {'without' if args.no_phone else 'with'} a phone: "
        f"{statements[0] / args.cases:.1f} statements through SQLAlchemy (the commit's not counted), "
        f"{spent * 1000 / args.cases:.2f} ms each (in process, one client)"
    )
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
