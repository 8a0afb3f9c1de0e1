"""Notifications as a capability: the outbox's delivery task and schedules, the case-event
subscriptions (install), the citizen's sign-in and 我的诉求 pages, the admin sections."""

from __future__ import annotations

from pathlib import Path

from zhizhi.http.capability import Capability, NavEntry
from zhizhi.notifications import endpoints, pages, tasks, wiring

CAPABILITY = Capability(
    name="notifications",
    api_routers=(endpoints.router, endpoints.citizen_router),
    page_routers=(pages.router,),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    nav=(NavEntry("nav.my", "/my", "public", order=25),),
    admin=pages.ADMIN_SECTIONS,
    tasks=tasks.TASKS,
    schedules=tasks.SCHEDULES,
    install=wiring.install,
)
