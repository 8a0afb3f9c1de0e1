"""Open311 GeoReport v2 as a capability: the ``/open311/v2/`` router, the posting clients'
administration pages (a section of the hub) and ``zhizhi open311``."""

from __future__ import annotations

from pathlib import Path

from zhizhi.http.capability import Capability
from zhizhi.open311 import pages
from zhizhi.open311.cli import build
from zhizhi.open311.endpoints import router

CAPABILITY = Capability(
    name="open311",
    api_routers=(router,),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    admin=pages.ADMIN_SECTIONS,
    cli=build,
    cli_name="open311",
)
