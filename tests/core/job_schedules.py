"""A schedule every second for the periodic-job tests (worker subprocesses register it with
``--import``)."""

from __future__ import annotations

from tests.core import job_tasks
from zhizhi.core import jobs
from zhizhi.http.capability import Capability

CAPABILITY = Capability(
    name="tests-schedules",
    tasks=job_tasks.CAPABILITY.tasks,
    schedules=(jobs.periodic("tests.every_second", "tests.record", "* * * * * *", token="periodic"),),
)
