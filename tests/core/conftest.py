"""The job-queue tests' tasks are registered for every test of this folder, as a composition
root registers a capability's tasks from its manifest."""

from __future__ import annotations

import pytest

from tests.core import job_tasks
from zhizhi.core import jobs


@pytest.fixture(autouse=True)
def _test_tasks() -> None:
    jobs.register(job_tasks.CAPABILITY.tasks)
