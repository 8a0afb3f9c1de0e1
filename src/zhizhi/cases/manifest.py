"""The case engine as a capability: the cases API, the portal and workbench pages, their navigation."""

from __future__ import annotations

from pathlib import Path

from zhizhi.cases import endpoints, file_endpoints, pages, queue_endpoints
from zhizhi.core.permissions import Permission
from zhizhi.http.capability import Capability, NavEntry

CAPABILITY = Capability(
    name="cases",
    api_routers=(endpoints.router, queue_endpoints.router, file_endpoints.router),
    page_routers=pages.ROUTERS,
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(
        NavEntry("nav.submit", "/submit", "public", order=10, match="exact"),
        NavEntry("nav.track", "/track", "public", order=20, match="exact"),
        NavEntry("nav.faq", "/faq", "public", order=30, match="exact"),
        NavEntry("nav.work", "/work", "staff", Permission.CASE_READ, order=10),
        NavEntry("nav.intake", "/work/intake", "staff", Permission.CASE_CREATE, order=20, match="exact"),
    ),
)
