"""The audit sealer: chains committed inbox entries right after commits (PostgreSQL only).

One daemon thread per process and database, started by the first commit that leaves entries in
``audit_inbox``.  A commit wakes it; it waits ``BATCH_DELAY_SECONDS`` and chains everything
committed by then in one batch.  It also wakes every ``SWEEP_SECONDS`` to seal entries that another process
committed but could not seal (it crashed or was stopped in between).  Tests and CLI commands
(:func:`zhizhi.core.jobs.runs_inline`) seal in the committing thread instead.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import Engine

from zhizhi.core import audit, jobs

log = logging.getLogger("zhizhi.audit")
SWEEP_SECONDS = 5.0
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

    def run(self) -> None:  # pragma: no cover - exercised through request() in tests
        while True:
            woken = self.wake.wait(SWEEP_SECONDS)
            if woken:
                time.sleep(BATCH_DELAY_SECONDS)
            self.wake.clear()
            try:
                if not woken:  # a sweep: look before taking the head lock
                    with self.engine.connect() as conn:
                        if not audit.pending_count(conn):
                            continue
                audit.seal_all(self.engine)
            except Exception:
                log.exception("sealing the audit chain failed; retrying at the next commit or sweep")


def _sealer_for(engine: Engine) -> _Sealer:
    key = engine.url.render_as_string(hide_password=False)
    with _lock:
        sealer = _sealers.get(key)
        if sealer is None or not sealer.is_alive():
            sealer = _Sealer(engine)
            _sealers[key] = sealer
            sealer.start()
        return sealer


def request(engine: Engine) -> None:
    """Seal soon (background) or now (inline mode); a failure is logged, never raised: the
    entries stay committed in the inbox and the next seal or sweep chains them."""
    if jobs.runs_inline():
        try:
            audit.seal_all(engine)
        except Exception:
            log.exception("sealing the audit chain failed; the entries wait in audit_inbox")
        return
    _sealer_for(engine).wake.set()


def start(engine: Engine) -> None:
    """Start this process's sealer (web and worker start-up), which also seals leftovers."""
    if engine.dialect.name != "sqlite":
        _sealer_for(engine).wake.set()
