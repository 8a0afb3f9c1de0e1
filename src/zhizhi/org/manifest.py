"""Org as a capability: the auth and organisation API, login pages, its admin sections, ``zhizhi users``."""

from __future__ import annotations

from pathlib import Path

import typer

from zhizhi.http.capability import Capability, NavEntry
from zhizhi.org import endpoints, oidc_pages, pages, service, tasks
from zhizhi.ui import session as ui_session


def _install() -> None:
    ui_session.set_resolver(service.principal_from_token)  # the page shell's session port


def _cli() -> typer.Typer:
    from zhizhi.org.cli import app

    return app


CAPABILITY = Capability(
    name="org",
    api_routers=(endpoints.router,),
    page_routers=(pages.router, oidc_pages.router),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(NavEntry("nav.login", "/login", "public", order=90, match="never"),),
    admin=pages.ADMIN_SECTIONS,
    install=_install,
    tasks=(tasks.purge_throttle,),
    schedules=tasks.SCHEDULES,
    cli=_cli,
    cli_name="users",
)
