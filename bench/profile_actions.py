"""Where a lifecycle action's time goes: statements per action and a pyinstrument profile.

    .venv/bin/python bench/profile_actions.py [--backend postgres] [--cases 100] [--html out.html]

Builds a fresh database with the demo organisation (``bench_cases.prepare``), then drives
``--cases`` cases through dispatch → sign → handle → reply → rate → close in process (the real
app through Starlette's test client), counts the SQL statements each action sends and profiles
the actions with pyinstrument (``pip install pyinstrument``; not a project dependency).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_cases

STEPS = (
    ("dispatcher", {"action": "dispatch", "lead_department": "CS-ZJ"}),
    ("handler_cxjs", {"action": "sign"}),
    ("handler_cxjs", {"action": "handle", "note": "已联系维保单位"}),
    ("handler_cxjs", {"action": "reply", "reply": "已安排维保单位修复"}),
    ("agent", {"action": "rate", "rating": "satisfied", "resolved": True}),
    ("dispatcher", {"action": "close"}),
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="postgres")
    ap.add_argument("--cases", type=int, default=100)
    ap.add_argument("--html", help="write pyinstrument's HTML report here")
    ap.add_argument("--db", default="zhizhi_profile_actions", help="scratch database name")
    args = ap.parse_args()
    url = bench_cases.prepare(args.backend, args.db)
    os.environ.update(ZHIZHI_DATABASE_URL=url, ZHIZHI_AI_MODE="off", ZHIZHI_JOBS_RUNNER_IN_WEB="false")
    os.environ["ZHIZHI_HOTSPOT_INTERVAL_MINUTES"] = "0"

    from fastapi.testclient import TestClient
    from pydantic import TypeAdapter
    from pyinstrument import Profiler
    from sqlalchemy import event

    from zhizhi.cases import service
    from zhizhi.cases.actions import ActionIn
    from zhizhi.core.db import get_engine
    from zhizhi.http.deps import request_transaction
    from zhizhi.org.service import principal_from_token
    from zhizhi.web.app import create_app

    counts: collections.Counter[str] = collections.Counter()
    current = ["-"]

    @event.listens_for(get_engine(), "before_cursor_execute")
    def _count(*_: object) -> None:
        counts[current[0]] += 1

    with TestClient(create_app()) as client:
        tokens = {}
        for user in ("agent", "dispatcher", "handler_cxjs"):
            r = client.post("/api/v1/auth/token", data={"username": user, "password": "zhizhi2026"})
            tokens[user] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        numbers = []
        for _ in range(args.cases):
            r = client.post(
                "/api/v1/cases",
                json={"content": "麓山南路小区电梯故障", "category": "CXJS"},
                headers=tokens["agent"],
            )
            numbers.append(r.json()["number"])
        for n in numbers[:3]:  # warm the caches
            for user, body in STEPS:
                client.post(f"/api/v1/cases/{n}/actions", json=body, headers=tokens[user])
    # the endpoint's work without the HTTP hop (pyinstrument sees one thread): what
    # ``cases.endpoints.act`` runs inside its unit of work
    adapter = TypeAdapter(ActionIn)
    raw = {u: h["Authorization"].split()[1] for u, h in tokens.items()}
    counts.clear()
    spent: collections.Counter[str] = collections.Counter()
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for n in numbers[3:]:
        for user, body in STEPS:
            current[0] = str(body["action"])
            t0 = time.perf_counter()
            parsed = adapter.validate_python(body)
            with request_transaction() as session:
                principal = principal_from_token(session, raw[user])
                assert principal is not None
                case = service.perform(session, principal, n, parsed)
                service.to_out(session, case, principal).model_dump_json()
            spent[current[0]] += time.perf_counter() - t0
    profiler.stop()
    done = len(numbers) - 3
    print(f"{args.backend}: {done} cases; per action: statements, ms (in process, one client)")
    for _, body in STEPS:
        a = str(body["action"])
        print(f"  {a:10s} {counts[a] / done:5.1f} statements  {spent[a] * 1000 / done:6.2f} ms")
    if args.html:
        Path(args.html).write_text(profiler.output_html())
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
