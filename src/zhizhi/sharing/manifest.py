"""Data sharing as a capability: its API (catalogue, requests, grants, the exchange), its pages
and navigation entries."""

from __future__ import annotations

from pathlib import Path

from zhizhi.core.permissions import Permission
from zhizhi.http.capability import Capability, NavEntry
from zhizhi.sharing import client_pages, endpoints, pages

CAPABILITY = Capability(
    name="sharing",
    api_routers=(endpoints.router, endpoints.exchange_router),
    page_routers=(pages.router, client_pages.router),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(
        NavEntry("nav.sharing", "/sharing", "staff", Permission.SHARING_REQUEST, order=50),
        NavEntry("nav.mydata", "/my-data", "public", None, order=90),
    ),
)
