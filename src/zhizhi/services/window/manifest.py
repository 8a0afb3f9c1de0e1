"""The one window as a capability: API, the clerk's desk, receipts and statistics pages, the
clerk's landing page."""

from __future__ import annotations

from pathlib import Path

from zhizhi.core.permissions import Permission, Role
from zhizhi.http.capability import Capability, NavEntry
from zhizhi.services.window import endpoints, pages

CAPABILITY = Capability(
    name="services.window",
    api_routers=(endpoints.router,),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent.parent / "locale",
    nav=(
        NavEntry(
            "nav.window",
            "/services/window",
            "staff",
            Permission.WINDOW_RECEIVE,
            order=15,
            match="exact",
            landing=frozenset({Role.WINDOW_CLERK.value}),
        ),
    ),
)
