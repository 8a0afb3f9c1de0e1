"""What enqueueing the AI job costs a case creation, in application CPU, in one process.

    .venv/bin/python bench/bench_enqueue.py [--backend postgres] [--rounds 80] [--block 40]

Creates cases through ``cases.service.create_case`` (token lookup, creation, commit: the
intake's unit of work without HTTP) in blocks of ``--block``, alternating ``ZHIZHI_AI_MODE=on``
(the ``routing.suggest`` job enqueued) and ``off`` in the same process, and prints the median
over the rounds of the CPU ratio on/off with its quartiles.  Alternating blocks cancel most of
the machine's drift, which the HTTP benchmark cannot (bench_cases.py).  Jobs are queued, not run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench_cases import prepare


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="postgres")
    ap.add_argument("--rounds", type=int, default=80)
    ap.add_argument("--block", type=int, default=40)
    args = ap.parse_args()
    os.environ["ZHIZHI_DATABASE_URL"] = prepare(args.backend, "zhizhi_bench_enqueue")

    from sqlalchemy import select

    from zhizhi import registry
    from zhizhi.cases import schemas, service
    from zhizhi.core.db import session_factory
    from zhizhi.core.settings import get_settings
    from zhizhi.org import service as org
    from zhizhi.org.models import User

    registry.install()  # routing's tasks and case-event subscriptions, as the web app does
    factory = session_factory()
    with factory() as session:
        agent = session.scalar(select(User).where(User.username == "agent"))
        assert agent is not None
        token, _ = org.issue_token(session, agent)
        session.commit()
    body = schemas.CaseCreate(
        content="麓山南路932号附近夜间施工噪音扰民", category="HJBH", contact_phone="13812341234"
    )

    def create() -> None:
        with factory() as session:
            service.create_case(session, body, org.principal_from_token(session, token))
            session.commit()

    for _ in range(200):  # warm caches and psycopg's prepared statements
        create()
    ratios, per_case = [], {"on": [], "off": []}
    for r in range(args.rounds):
        cpu = {}
        for mode in ("on", "off") if r % 2 else ("off", "on"):
            get_settings().ai_mode = mode  # type: ignore[assignment]
            t = time.process_time()
            for _ in range(args.block):
                create()
            cpu[mode] = time.process_time() - t
            per_case[mode].append(cpu[mode] / args.block * 1e6)
        ratios.append(cpu["on"] / cpu["off"])
    q = statistics.quantiles(ratios, n=4)
    print(
        f"{args.backend}: app CPU per creation, median of {args.rounds} blocks of {args.block}: "
        f"on {statistics.median(per_case['on']):.0f} µs, off {statistics.median(per_case['off']):.0f} µs; "
        f"enqueue costs {statistics.median(ratios) - 1:+.1%} (quartiles {q[0] - 1:+.1%} .. {q[2] - 1:+.1%})"
    )


if __name__ == "__main__":
    main()
