"""Open311 GeoReport v2 as a capability: the ``/open311/v2/`` router and ``zhizhi open311``."""

from __future__ import annotations

from zhizhi.http.capability import Capability
from zhizhi.open311.cli import build
from zhizhi.open311.endpoints import router

CAPABILITY = Capability(name="open311", api_routers=(router,), cli=build, cli_name="open311")
