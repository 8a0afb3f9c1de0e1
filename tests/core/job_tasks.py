"""Tasks for the job-queue tests, declared as a capability's are: listed in ``CAPABILITY``, which
worker subprocesses register with ``--import`` and ``tests/core/conftest.py`` registers here.

Each task's effect is an audit entry ``test.job_effect`` whose object id is the caller's token,
written in the task's own unit of work, so counting entries counts committed runs."""

from __future__ import annotations

import time
from pathlib import Path

from zhizhi.core import audit, jobs
from zhizhi.core.db import unit_of_work
from zhizhi.http.capability import Capability

QUEUE = "tests"
RUNS: list[tuple[str, float]] = []  # (token, monotonic time) of every run in this process


@jobs.task(name="tests.record", retry=jobs.Retry(max_attempts=3, base_seconds=0.05), queue=QUEUE)
def record(token: str, timestamp: int | None = None) -> None:
    RUNS.append((token, time.monotonic()))
    with unit_of_work() as session:
        audit.record(session, "test.job_effect", audit.Actor.system(), object_id=token, tick=timestamp)


@jobs.task(name="tests.flaky", retry=jobs.Retry(max_attempts=3, base_seconds=0.2), queue=QUEUE)
def flaky(token: str, failures: int) -> None:
    """Fails its first ``failures`` runs, then records its effect."""
    RUNS.append((token, time.monotonic()))
    if sum(1 for t, _ in RUNS if t == token) <= failures:
        raise RuntimeError(f"planned failure of {token}")
    with unit_of_work() as session:
        audit.record(session, "test.job_effect", audit.Actor.system(), object_id=token)


@jobs.task(name="tests.block_then_record", retry=jobs.Retry(max_attempts=3, base_seconds=0.05), queue=QUEUE)
def block_then_record(token: str, gate: str) -> None:
    """Writes its effect in an open transaction, marks ``gate/started-N``, and commits only once
    ``gate/release`` exists: a process killed in between never commits."""
    folder = Path(gate)
    run = len(list(folder.glob("started-*"))) + 1
    with unit_of_work() as session:
        audit.record(session, "test.job_effect", audit.Actor.system(), object_id=token, run=run)
        (folder / f"started-{run}").touch()
        deadline = time.monotonic() + 120
        while not (folder / "release").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test never released the gate")
            time.sleep(0.02)


CAPABILITY = Capability(name="tests", tasks=(record, flaky, block_then_record))
