"""Attachments as a capability: its sweep task (the case engine serves the files: cases.files)."""

from __future__ import annotations

from zhizhi.attachments import tasks
from zhizhi.http.capability import Capability

CAPABILITY = Capability(
    name="attachments",
    tasks=(tasks.sweep_orphans,),
    schedules=tasks.SCHEDULES,
)
