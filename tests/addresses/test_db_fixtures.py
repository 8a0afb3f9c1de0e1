"""Fixtures shared by the address-library database tests (imported by the ``test_db_*`` modules).

The small division subset (岳麓区 with its communities, 东莞 without counties, Beijing's 市辖区)
comes from the gazetteer bundled in the package, so these tests need no ``../shared/data``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from zhizhi.addresses.divisions import BUNDLED_GAZETTEER, Row, build_rows, import_rows, read_source
from zhizhi.addresses.endpoints import router

KEEP = ("110000000000", "110100000000", "430000000000", "430100000000", "440000000000", "441900000000")
KEEP_PREFIXES = ("110105", "430104", "441900003")


@lru_cache(maxsize=1)
def small_rows() -> list[Row]:
    names = read_source(BUNDLED_GAZETTEER)
    return build_rows({c: n for c, n in names.items() if c in KEEP or c.startswith(KEEP_PREFIXES)})


@pytest.fixture(name="yuelu")
def yuelu_fixture(session: Session) -> Session:
    """The session with the small division subset imported and committed."""
    import_rows(session, small_rows())
    session.commit()
    return session


@pytest.fixture(name="api")
def api_fixture(app: Any) -> Iterator[TestClient]:
    """A client on the real app with the address-library router mounted (until the lead mounts it)."""
    if not any(getattr(r, "path", "") == "/api/v1/divisions/{code}" for r in app.routes):
        app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
