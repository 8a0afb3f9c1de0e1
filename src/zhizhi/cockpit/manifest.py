"""The cockpit as a capability: its pages, its navigation entry (leaders and supervisors) and the
background refresh of its recurrence figures."""

from __future__ import annotations

from pathlib import Path

from zhizhi.cockpit import pages, services_pages, tasks
from zhizhi.core.permissions import Permission, Role
from zhizhi.http.capability import Capability, NavEntry

CAPABILITY = Capability(
    name="cockpit",
    page_routers=(pages.router, services_pages.router),
    templates=Path(__file__).parent / "templates",
    locale=Path(__file__).parent / "locale",
    tasks=(tasks.refresh_recurrence,),
    schedules=(tasks.recurrence_schedule,),
    install=tasks.install,
    nav=(
        NavEntry(
            "nav.cockpit",
            "/cockpit",
            "staff",
            Permission.COCKPIT_READ,
            order=30,
            landing=frozenset({Role.LEADER.value}),
        ),
    ),
)
