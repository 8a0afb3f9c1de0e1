"""Certificates as a capability: the API, the staff and public pages, navigation, the CLI."""

from __future__ import annotations

from pathlib import Path

import typer

from zhizhi.certificates import admin_keys, endpoints, pages
from zhizhi.core.permissions import Permission
from zhizhi.http.capability import Capability, NavEntry


def _cli() -> typer.Typer:
    from zhizhi.certificates.cli import app

    return app


CAPABILITY = Capability(
    name="certificates",
    api_routers=(endpoints.router,),
    page_routers=(pages.router, admin_keys.router),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    admin=admin_keys.ADMIN_SECTIONS,
    nav=(
        NavEntry("nav.certificates", "/certificates", "staff", Permission.CERT_ISSUE, order=70),
        NavEntry("nav.verify", "/verify", "public", order=40),
    ),
    cli=_cli,
    cli_name="certificates",
)
