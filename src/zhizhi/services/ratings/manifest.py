"""Service ratings as a capability: the API, the applicant's rating page, the rectification
queue (departments and supervisors)."""

from __future__ import annotations

from pathlib import Path

from zhizhi.core.permissions import Permission
from zhizhi.http.capability import Capability, NavEntry
from zhizhi.services.ratings import endpoints, pages

CAPABILITY = Capability(
    name="services.ratings",
    api_routers=(endpoints.router,),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent.parent / "locale",
    nav=(
        NavEntry(
            "nav.rectifications", "/services/rectifications", "staff", Permission.RATING_RECTIFY, order=47
        ),
    ),
)
