"""Property-based fuzzing of every operation in our OpenAPI schema: nothing a client can send
produces a 5xx, and every error carries a Chinese and an English message (schemathesis generates
the requests from the schema; Hypothesis drives them)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_operation_answers_5xx(world: Any, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    checked: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case: Any) -> None:
            response = case.call(headers=world.h("admin"))
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            content_type = response.headers.get("content-type") or [""]
            if response.status_code >= 400 and "json" in str(content_type):
                body = response.json()
                if isinstance(body, list):  # Open311's own error format: [{code, description 中文 / English}]
                    assert " / " in body[0]["description"], (where, body)
                    return
                assert body["message"]["zh"] and body["message"]["en"], (where, body)

        try:
            run()
        except Unsatisfiable:  # nothing invalid can be sent (e.g. an operation without inputs)
            assert mode is GenerationMode.NEGATIVE, operation.label
            continue
        checked.append(operation.label)
    assert len(checked) >= (len(operations) if mode is GenerationMode.POSITIVE else 12), checked
