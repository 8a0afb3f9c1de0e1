"""A schedule every second for the periodic-job tests (worker subprocesses load it with
``--import``)."""

from __future__ import annotations

from tests.core import job_tasks  # noqa: F401  (declares tests.record)
from zhizhi.core import jobs

jobs.periodic("tests.every_second", "tests.record", "* * * * * *", token="periodic")
