"""The web app with every full garbage collection of its processes logged (``--gc-log`` of
``bench_actions.py``): one line per collection of generation 2 — wall-clock time, milliseconds
it stopped the process, objects it freed — in ``$ZHIZHI_BENCH_GC_LOG/<pid>.txt``.

Written as it happens (worker processes are stopped with a signal, so nothing is kept for an
exit hook).  It measures, nothing more: the policy under test is ``zhizhi.core.gcpolicy``.
"""

from __future__ import annotations

import gc
import os
import time
from typing import Any

from zhizhi.web.app import create_app as _create_app

_started = 0.0
_folder = os.environ.get("ZHIZHI_BENCH_GC_LOG", ".")


def _log(phase: str, info: dict[str, int]) -> None:
    global _started
    if phase == "start":
        _started = time.perf_counter()
    elif info["generation"] == 2:
        took = (time.perf_counter() - _started) * 1000
        with open(os.path.join(_folder, f"{os.getpid()}.txt"), "a", encoding="utf-8") as out:
            out.write(f"{time.time():.3f} {took:.2f} {info['collected']}\n")


gc.callbacks.insert(0, _log)  # first, so the policy's own freeze is not counted in the pause


def create_app() -> Any:
    return _create_app()
