"""Electronic supervision as a capability: its API and page."""

from __future__ import annotations

from pathlib import Path

from zhizhi.core.permissions import Permission
from zhizhi.http.capability import Capability, NavEntry
from zhizhi.services.supervision import endpoints, pages

CAPABILITY = Capability(
    name="services.supervision",
    api_routers=(endpoints.router,),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent.parent / "locale",
    nav=(
        NavEntry("nav.supervision", "/services/supervision", "staff", Permission.SERVICE_SUPERVISE, order=32),
    ),
)
