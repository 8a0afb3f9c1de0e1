"""Routing as a capability: the routing API, the dispatch catalogue's admin section, the AI panel
of the case page and the case-event subscriptions (install), its jobs (AI suggestions, the
hotspot refresh and its schedule), ``zhizhi hotspots``."""

from __future__ import annotations

from pathlib import Path

import typer

from zhizhi.http.capability import Capability
from zhizhi.routing import endpoints, pages, tasks, wiring


def _cli() -> typer.Typer:
    from zhizhi.routing.cli import app

    return app


CAPABILITY = Capability(
    name="routing",
    api_routers=(endpoints.router,),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    admin=pages.ADMIN_SECTIONS,
    tasks=tasks.TASKS,
    schedules=tasks.SCHEDULES,
    install=wiring.install,
    cli=_cli,
    cli_name="hotspots",
)
