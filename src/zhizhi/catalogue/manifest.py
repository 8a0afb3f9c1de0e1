"""Catalogue as a capability: its API, its administration sections, ``zhizhi calendar``."""

from __future__ import annotations

from pathlib import Path

import typer

from zhizhi.catalogue import endpoints, pages
from zhizhi.http.capability import Capability


def _cli() -> typer.Typer:
    from zhizhi.catalogue.cli import app

    return app


CAPABILITY = Capability(
    name="catalogue",
    api_routers=(endpoints.router,),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    admin=pages.ADMIN_SECTIONS,
    cli=_cli,
    cli_name="calendar",
)
