"""The audit sealer: chains committed ``audit_inbox`` entries (PostgreSQL only).

It runs in ``zhizhi worker`` processes, not in web processes (it cost web processes about 6 %
of their interpreter time, docs/benchmarks.md): one daemon thread per worker process, which
looks at the inbox every ``POLL_SECONDS`` and, when entries wait, chains everything committed by
then in one batch (several workers queue on the head row's lock, so each entry is chained once).
A commit in a process whose sealer runs wakes it at once.  Tests and CLI loaders
(:func:`zhizhi.core.jobs.runs_inline`) seal in the committing thread instead.  With no worker
running, entries wait in the inbox, committed; ``zhizhi audit verify`` seals them before it
verifies, and the next worker to start chains them.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from zhizhi.core import audit, jobs

log = logging.getLogger("zhizhi.audit")
POLL_SECONDS = 0.25
# After a wake-up the sealer waits this long so that the commits of the next few milliseconds are
# chained in the same batch: one seal costs five round trips and a commit whatever its size.
BATCH_DELAY_SECONDS = 0.2

_lock = threading.Lock()
_sealers: dict[str, _Sealer] = {}


class _Sealer(threading.Thread):
    def __init__(self, engine: Engine) -> None:
        super().__init__(name="zhizhi-audit-sealer", daemon=True)
        self.engine = engine
        self.wake = threading.Event()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            if self.wake.wait(POLL_SECONDS) and not self.stopping.is_set():
                time.sleep(BATCH_DELAY_SECONDS)
            self.wake.clear()
            try:
                with self.engine.connect() as conn:  # look before taking the head lock
                    if not audit.pending_count(conn):
                        continue
                audit.seal_all(self.engine)
            except Exception:
                log.exception("sealing the audit chain failed; retrying at the next poll")


def _key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def request(engine: Engine) -> None:
    """After a commit that left entries in the inbox: seal now (inline mode), wake this process's
    sealer if it runs one (a worker), or leave them to the workers' sealers.  A failure is
    logged, never raised: the entries stay committed in the inbox."""
    if jobs.runs_inline():
        flush(engine)
        return
    with _lock:
        sealer = _sealers.get(_key(engine))
    if sealer is not None:
        sealer.wake.set()


def flush(engine: Engine) -> None:
    """Seal everything committed so far, in this thread."""
    try:
        audit.seal_all(engine)
    except Exception:
        log.exception("sealing the audit chain failed; the entries wait in audit_inbox")


def start(engine: Engine) -> None:
    """Run this process's sealer (``zhizhi worker`` on PostgreSQL); it also chains leftovers."""
    if engine.dialect.name == "sqlite":  # SQLite chains inside the writing transaction
        return
    with _lock:
        sealer = _sealers.get(_key(engine))
        if sealer is None or not sealer.is_alive():
            sealer = _Sealer(engine)
            _sealers[_key(engine)] = sealer
            sealer.start()
    sealer.wake.set()


def stop(engine: Engine, timeout: float = 30.0) -> None:
    """Stop this process's sealer after a last seal (worker shutdown, tests)."""
    with _lock:
        sealer = _sealers.pop(_key(engine), None)
    if sealer is not None:
        sealer.stopping.set()
        sealer.wake.set()
        sealer.join(timeout)
        flush(engine)
