"""One-stop services as a capability: each sub-capability's routers and pages, the package's
templates and words, navigation (the public guide, the stewards' catalogue)."""

from __future__ import annotations

from pathlib import Path

from zhizhi.http.capability import Capability
from zhizhi.services.items import endpoints as item_endpoints

CAPABILITY = Capability(
    name="services",
    api_routers=(item_endpoints.router,),
    page_routers=(),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(),
)
