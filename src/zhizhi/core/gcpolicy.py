"""The garbage collector of a long-running process (web): what it must not walk again and again.

A web process holds about half a million long-lived objects (modules, routes, templates,
catalogues, compiled statements) and loads more on first use (the word dictionary, the address
library, the taxonomy).  CPython's full (generation 2) collection walks every one of them: 0.2 to
0.75 s on the machine of ``docs/benchmarks.md``, in which that process answers nothing, and under
load both web processes reached theirs within the same second — the tail of the lifecycle
actions' latency at 300 actions/s.

:func:`install` (once per process, from the web app's start-up) collects and then freezes what
start-up built (:func:`gc.freeze`: moved out of the collector's sight, still freed by reference
counting), and afterwards freezes the survivors of any full collection that took longer than
``slow_ms``: what was lazily loaded since is then walked once, not on every full collection.
The cost, bounded: an object that was alive at such a freeze and later dies *inside a reference
cycle* is not reclaimed.  Freezes are rare (a full collection slower than ``slow_ms`` needs tens
of thousands of new long-lived objects since the last one), so that is the in-flight requests'
few cyclic objects, a handful of times in a process's life.  ``ZHIZHI_GC_FREEZE=false`` turns it
off (the test suite does: its processes start hundreds of apps).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable

log = logging.getLogger("zhizhi.gc")
SLOW_MS = 20.0

_installed = False
_started = 0.0


def _watch(slow_ms: float) -> Callable[[str, dict[str, int]], None]:
    def watch(phase: str, info: dict[str, int]) -> None:
        global _started
        if info["generation"] != 2:
            return
        if phase == "start":
            _started = time.perf_counter()
            return
        took = (time.perf_counter() - _started) * 1000
        if took >= slow_ms:
            gc.freeze()  # the collection is over: its survivors leave the collector's sight
            log.info("full collection took %.0f ms: %d objects frozen", took, gc.get_freeze_count())

    return watch


def install(slow_ms: float = SLOW_MS) -> bool:
    """Freeze the start-up heap now and the survivors of slow full collections from now on;
    ``False`` when this process had it already."""
    global _installed
    if _installed:
        return False
    _installed = True
    gc.collect()
    gc.freeze()
    gc.callbacks.append(_watch(slow_ms))
    return True
