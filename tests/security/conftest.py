"""Settings for the security tests: low limits, set through the environment like an operator."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from zhizhi.core.settings import get_settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set ``ZHIZHI_*`` variables for one test (settings re-read; restored afterwards)."""

    class Env:
        def set(self, name: str, value: object) -> None:
            text = value if isinstance(value, str) else json.dumps(value)
            monkeypatch.setenv(f"ZHIZHI_{name}", text)
            get_settings.cache_clear()

    yield Env()  # type: ignore[misc]
    monkeypatch.undo()
    get_settings.cache_clear()
