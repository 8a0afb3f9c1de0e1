"""Tasks for bench_jobs.py, declared as a capability's are (workers register ``CAPABILITY`` with
``--import bench_tasks``)."""

from __future__ import annotations

from zhizhi.core import jobs
from zhizhi.http.capability import Capability


@jobs.task(name="bench.noop", queue="bench")
def noop(n: int) -> None:
    """Does nothing: what is measured is the queue's own cost per job."""


CAPABILITY = Capability(name="bench", tasks=(noop,))
