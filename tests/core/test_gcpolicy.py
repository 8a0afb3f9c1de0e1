"""core.gcpolicy: a web process's long-lived heap is walked by the collector once, not again and again."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from zhizhi.core import gcpolicy
from zhizhi.core.settings import get_settings


@pytest.fixture
def restore_gc():
    yield
    gc.unfreeze()  # the test process goes on with its heap visible to the collector, as before


def _collect_with(slow_ms: float) -> int:
    before = gc.get_freeze_count()
    watch = gcpolicy._watch(slow_ms)
    gc.callbacks.append(watch)
    try:
        gc.collect(1)  # a young collection never freezes
        assert gc.get_freeze_count() == before
        gc.collect()
    finally:
        gc.callbacks.remove(watch)
    return gc.get_freeze_count() - before


def test_the_survivors_of_a_slow_full_collection_are_frozen(restore_gc: None) -> None:
    kept = [[i] for i in range(20000)]  # long-lived objects made after any start-up freeze
    assert _collect_with(slow_ms=0.0) >= len(kept)


def test_a_quick_full_collection_freezes_nothing(restore_gc: None) -> None:
    assert _collect_with(slow_ms=60_000.0) == 0


def test_install_freezes_the_start_up_heap_once_per_process() -> None:
    code = (
        "import gc; from zhizhi.core import gcpolicy; "
        "assert gc.get_freeze_count() == 0; assert gcpolicy.install(); n = gc.get_freeze_count(); "
        "assert n > 1000, n; assert not gcpolicy.install(); "
        "assert sum(cb.__name__ == 'watch' for cb in gc.callbacks) == 1; print(n)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_the_web_app_installs_it_unless_the_setting_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from zhizhi.web.app import create_app

    for on in (True, False):
        monkeypatch.setattr(get_settings(), "gc_freeze", on)
        assert (gcpolicy.install in create_app().router.on_startup) is on
