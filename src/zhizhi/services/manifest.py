"""One-stop services as a capability: each sub-capability's routers and pages, the package's
templates and words, navigation (the public guide, the stewards' catalogue)."""

from __future__ import annotations

from pathlib import Path

from zhizhi.http.capability import Capability
from zhizhi.services.applications import endpoints as application_endpoints
from zhizhi.services.applications.lifecycle import register as register_applications
from zhizhi.services.items import endpoints as item_endpoints

CAPABILITY = Capability(
    name="services",
    api_routers=(item_endpoints.router, application_endpoints.router),
    page_routers=(),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(),
    install=register_applications,  # the application lifecycle on the case engine
)
