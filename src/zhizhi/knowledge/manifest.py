"""The knowledge base as a capability: its API and pages, navigation, the intake form's article
panel (install hook), the reindex job and its nightly schedule."""

from __future__ import annotations

from pathlib import Path

import typer

from zhizhi.cases.pages import panels
from zhizhi.core.permissions import Permission
from zhizhi.http.capability import Capability, NavEntry
from zhizhi.knowledge import endpoints, pages, tasks


def _cli() -> typer.Typer:
    from zhizhi.knowledge.cli import app

    return app


def _install() -> None:
    panels.add_intake("knowledge", "knowledge/intake_panel.html")


CAPABILITY = Capability(
    name="knowledge",
    api_routers=(endpoints.router,),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(NavEntry("nav.knowledge", "/knowledge", "staff", Permission.KNOWLEDGE_READ, order=45),),
    tasks=tasks.TASKS,
    schedules=tasks.SCHEDULES,
    install=_install,
    cli=_cli,
    cli_name="knowledge",
)
