"""``zhizhi worker``: computes AI suggestions for new cases outside the web processes.

The queue is the data itself: appeals and events of the last days without suggestions. Each
batch is claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers share the load;
SQLite's single writer needs no claiming.
"""

from __future__ import annotations

import logging
import time

from zhizhi.core import sealer
from zhizhi.core.db import get_engine, unit_of_work
from zhizhi.routing.service import claim_unsuggested, compute_suggestions

log = logging.getLogger("zhizhi.worker")


def run_batch(limit: int = 20) -> int:
    """Claim up to ``limit`` cases without suggestions and compute them; returns how many."""
    with unit_of_work() as session:
        cases = claim_unsuggested(session, limit)
        for case in cases:
            compute_suggestions(session, case)
        return len(cases)


def run_forever(idle_seconds: float = 1.0, max_batches: int | None = None) -> int:
    done = batches = 0
    sealer.start(get_engine())  # chains audit entries this worker commits, and any leftovers
    while max_batches is None or batches < max_batches:
        try:
            n = run_batch()
        except Exception:  # pragma: no cover - logged; the cases stay in the queue
            log.exception("worker batch failed")
            n = 0
        done += n
        batches += 1
        if n == 0:
            time.sleep(idle_seconds)
    return done
