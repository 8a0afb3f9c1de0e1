"""Open311 fixtures: the shared JSON Schemas as validators, a posting client's key."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.shared_data import shared_path

SCHEMAS = ("services.json", "service.json", "service-definition.json", "requests.json", "request.json")


@pytest.fixture(scope="session")
def schema_check() -> Callable[[str, Any], None]:
    """``check(name, document)``: validate against ``../shared/data/open311/<name>`` (its
    ``$ref``s to the sibling files resolved); skips when the schemas are absent."""
    import jsonschema  # a pinned dev dependency: a broken install fails here, never skips
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7

    folder = shared_path("open311")
    docs = {name: json.loads((folder / name).read_text(encoding="utf-8")) for name in SCHEMAS}
    registry: Registry[Any] = Registry().with_resources(
        (name, Resource.from_contents(doc, default_specification=DRAFT7)) for name, doc in docs.items()
    )

    def check(name: str, document: Any) -> None:
        validator = jsonschema.Draft7Validator(
            docs[name], registry=registry, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
        )
        validator.validate(document)

    return check


@pytest.fixture
def api_key(world: Any) -> str:
    from zhizhi.core import audit
    from zhizhi.core.db import unit_of_work
    from zhizhi.open311 import clients

    with unit_of_work() as s:
        _client, key = clients.create_client(s, "partner", actor=audit.Actor(None, "test"))
    return key


from tests.pages.conftest import browser, live_server  # noqa: E402,F401 (the browser test's fixtures)
