"""One-stop services as a capability: each sub-capability's routers and pages, the package's
templates and words, navigation (the public guide, the stewards' catalogue), and the install
hook (the application lifecycle on the case engine, the bundles' event subscriptions)."""

from __future__ import annotations

from pathlib import Path

from zhizhi.http.capability import Capability, NavEntry
from zhizhi.services.applications import endpoints as application_endpoints
from zhizhi.services.applications.lifecycle import register as register_applications
from zhizhi.services.bundles import endpoints as bundle_endpoints
from zhizhi.services.bundles import pages as bundle_pages
from zhizhi.services.bundles import wiring as bundle_wiring
from zhizhi.services.items import endpoints as item_endpoints


def _install() -> None:
    register_applications()  # the application lifecycle on the case engine
    bundle_wiring.install()  # a decision on a bundle's part settles it (and its dependants)


CAPABILITY = Capability(
    name="services",
    api_routers=(item_endpoints.router, application_endpoints.router, bundle_endpoints.router),
    page_routers=(bundle_pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(NavEntry("nav.bundles", "/bundles", "public", None, order=60),),
    install=_install,
)
