"""The capability manifest: what a domain package contributes to the composition roots.

Each domain has a ``manifest.py`` with ``CAPABILITY = Capability(...)``; ``zhizhi.registry``
lists them once, and the web app (routers, pages, templates, messages, navigation, admin
sections), the worker (tasks, schedules) and the CLI (command groups) register from that list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter
from sqlalchemy.orm import Session

from zhizhi.core.jobs import ScheduleDeclaration
from zhizhi.core.permissions import Permission

if TYPE_CHECKING:
    import typer

Area = Literal["public", "staff"]
Match = Literal["exact", "prefix", "never"]


@dataclass(frozen=True, slots=True)
class NavEntry:
    """A link of the page shell's top navigation.

    ``area``: shown to visitors (``public``) or to signed-in staff (``staff``) holding
    ``permission``.  ``match``: when the link is the current page (``aria-current``): the path
    equals the URL, or starts with it; of several matching links the longest URL wins.
    ``landing``: the roles (values of ``core.permissions.Role``) that land on this page after
    signing in (others land on the workbench, ``/work``).
    """

    label: str  # message key
    url: str
    area: Area
    permission: Permission | None = None
    order: int = 100
    match: Match = "prefix"
    landing: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class AdminSection:
    """One section of the administration hub (``/admin``): its table and form, owned by a domain.

    ``context(session, lang)`` returns the data its template reads as ``d``; after a failed POST
    the hub shows that section's errors (``e``) and posted values (``f``), found by ``name``.
    """

    name: str
    anchor: str
    title: str  # message key
    template: str
    context: Callable[[Session, str], Mapping[str, Any]]
    order: int = 100


@dataclass(frozen=True, slots=True)
class Capability:
    """What a domain package adds to the platform (see the module docstring)."""

    name: str
    api_routers: Sequence[APIRouter] = ()
    page_routers: Sequence[APIRouter] = ()
    templates: Path | None = None  # the package's templates/ directory (names start with its name)
    locale: Path | None = None  # the package's locale/ directory: <lang>/LC_MESSAGES/<package>.po
    # key -> (中文, English): only until scripts/i18n_migrate.py moves it into catalogues (docs/i18n.md)
    messages: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    nav: Sequence[NavEntry] = ()
    admin: Sequence[AdminSection] = ()
    tasks: Sequence[Callable[..., Any]] = ()  # background tasks (functions declared with @jobs.task)
    schedules: Sequence[ScheduleDeclaration] = ()  # jobs.Schedule, or a function of the settings giving one
    install: Callable[[], None] | None = None  # event subscriptions and ports; must be idempotent
    cli: Callable[[], typer.Typer] | None = None  # builds the ``zhizhi <cli_name> …`` command group
    cli_name: str | None = None
