"""Messages sent per second by the outbox worker against a local SMS gateway (docs/notifications.md).

    .venv/bin/python bench/bench_outbox.py [--backend sqlite|postgres] [--messages 2000] [--rounds 3]

Each round queues ``--messages`` messages (one unit of work, as case events would, phones and
bodies encrypted), then runs the delivery task (``notifications.deliver``: batches of 100, each
claimed, sent over HTTP with its idempotency key and its outcome stored, in its own unit of
work) until the outbox is empty.  Floor, measured in the same run: the same number of bare HTTP
POSTs to the same gateway through the same adapter (no database). Prints the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_cases import PG_ADMIN


def _database(backend: str) -> str:
    if backend == "postgres":
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text('DROP DATABASE IF EXISTS "zhizhi_bench_outbox" WITH (FORCE)'))
            conn.execute(text('CREATE DATABASE "zhizhi_bench_outbox"'))
        admin.dispose()
        return PG_ADMIN.rsplit("/", 1)[0] + "/zhizhi_bench_outbox"
    import tempfile

    return f"sqlite:///{tempfile.mkdtemp(prefix='zhizhi-bench-')}/bench.db"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backend", default="sqlite")
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    os.environ["ZHIZHI_DATABASE_URL"] = _database(args.backend)
    os.environ["ZHIZHI_JOBS_INLINE"] = "false"
    if not os.environ.get("ZHIZHI_DATA_KEYS_FILE"):  # phones and bodies are encrypted at rest
        import json
        import tempfile

        from zhizhi.core.fieldcrypt import new_key_document

        keys = Path(tempfile.mkdtemp(prefix="zhizhi-bench-keys-")) / "data-keys.json"
        keys.write_text(json.dumps(new_key_document()))
        keys.chmod(0o600)
        os.environ["ZHIZHI_DATA_KEYS_FILE"] = str(keys)
    if not os.environ.get("ZHIZHI_AUDIT_KEY_FILE"):
        import tempfile

        from zhizhi.core import auditkey

        audit_key = Path(tempfile.mkdtemp(prefix="zhizhi-bench-audit-")) / "audit.key"
        auditkey.create(audit_key)
        os.environ["ZHIZHI_AUDIT_KEY_FILE"] = str(audit_key)

    from tests.notifications.gateway import Gateway

    from zhizhi.core import jobs
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.migrate import upgrade
    from zhizhi.notifications import notifier, service, tasks
    from zhizhi.notifications.enums import MessageKind

    upgrade()
    jobs.register(tasks.TASKS)
    gateway = Gateway(record=False).start()
    adapter = notifier.HttpSmsGateway(gateway.url, "bench-token")
    notifier.use(adapter)

    def queue(n: int) -> None:
        with unit_of_work() as s:
            for i in range(n):
                values = {"number": f"2026{i:09d}", "deadline": "2026-12-10 18:00", "subject": "施工噪音"}
                service.queue_message(s, MessageKind.ACCEPTED, f"139{i:08d}", values)

    def floor(n: int) -> float:
        start = time.perf_counter()
        for i in range(n):
            adapter.send(notifier.Outgoing(f"floor-{i}", f"139{i:08d}", "【12345】您的诉求已受理"))
        return n / (time.perf_counter() - start)

    worker, bare = [], []
    for _ in range(args.rounds):
        queue(args.messages)
        start = time.perf_counter()
        sent = 0
        while sent < args.messages:
            sent += tasks.deliver()
        worker.append(args.messages / (time.perf_counter() - start))
        bare.append(floor(args.messages))
    with unit_of_work() as s:
        counts = service.repo.counts(s)
    gateway.stop()
    assert counts == {"sent": args.messages * args.rounds}, counts
    w, f = statistics.median(worker), statistics.median(bare)
    print(f"backend={args.backend} messages={args.messages} rounds={args.rounds}")
    print(f"worker: {w:,.0f} messages/s; floor (bare HTTP POSTs): {f:,.0f}/s; ratio {f / w:.2f}")


if __name__ == "__main__":
    main()
