"""Schemathesis over the Open311 operations of the OpenAPI schema: nothing gives a 5xx, and every
JSON error is the spec's list of ``{code, description}`` in both languages."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_open311_operations_never_answer_5xx(world: Any, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", world.client.app)
    operations = [r.ok() for r in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith("/open311/")]
    assert len(operations) == 7
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: Any) -> None:
            response = case.call()
            where = f"{case.method} {case.formatted_path}"
            assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:300]}"
            if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                body = response.json()
                if isinstance(body, list):
                    assert body[0]["code"] == response.status_code and " / " in body[0]["description"], where
                else:  # the platform's edge (a path no route matches): its problem format
                    assert body["message"]["zh"] and body["message"]["en"], (where, body)

        try:
            run()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE, operation.label
