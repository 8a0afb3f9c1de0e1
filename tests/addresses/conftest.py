"""Shared fixtures: skip parser tests with a clear message when the shipped model is absent."""

from __future__ import annotations

import pytest

from zhizhi.addresses.parser import model


@pytest.fixture(scope="session")
def shipped_model() -> None:
    if not model.MODEL_FILE.is_file():
        pytest.fail(f"shipped model missing: {model.MODEL_FILE}; run `zhizhi addresses train`")
