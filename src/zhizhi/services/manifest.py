"""One-stop services as a capability: each sub-capability's routers and pages, the package's
templates and words, navigation (the public guide, the bundles, the applications' tracking and
back office, the stewards' catalogue), and the install hook (the application lifecycle on the
case engine, the bundles' event subscriptions)."""

from __future__ import annotations

from pathlib import Path

from zhizhi.certificates import printing
from zhizhi.core.permissions import Permission
from zhizhi.http.capability import Capability, NavEntry
from zhizhi.services.applications import endpoints as application_endpoints
from zhizhi.services.applications import pages as application_pages
from zhizhi.services.applications import pages_staff as application_staff_pages
from zhizhi.services.applications import views as application_views
from zhizhi.services.applications.lifecycle import register as register_applications
from zhizhi.services.bundles import endpoints as bundle_endpoints
from zhizhi.services.bundles import pages as bundle_pages
from zhizhi.services.bundles import wiring as bundle_wiring
from zhizhi.services.items import endpoints as item_endpoints
from zhizhi.services.items import guide_pages, steward_pages


def _install() -> None:
    register_applications()  # the application lifecycle on the case engine
    bundle_wiring.install()  # a decision on a bundle's part settles it (and its dependants)
    printing.add_holder_check(application_views.holds_certificate)  # the applicant's certificate PDF


CAPABILITY = Capability(
    name="services",
    api_routers=(item_endpoints.router, application_endpoints.router, bundle_endpoints.router),
    page_routers=(
        steward_pages.router,
        application_pages.router,
        application_staff_pages.router,
        guide_pages.router,
        bundle_pages.router,
    ),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(
        NavEntry("svc.nav.guide", "/services", "public", order=30),
        NavEntry("nav.bundles", "/bundles", "public", order=32),
        NavEntry("nav.apps_track", "/services/track", "public", order=40),
        NavEntry("nav.apps_work", "/work/applications", "staff", Permission.APPLICATION_REVIEW, order=35),
        NavEntry(
            "svc.nav.items",
            "/services/items",
            "staff",
            Permission.SERVICE_ITEMS_MANAGE,
            order=47,
            landing=frozenset({"item_steward"}),
        ),
    ),
    install=_install,
)
