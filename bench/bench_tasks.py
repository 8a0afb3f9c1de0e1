"""Tasks for bench_jobs.py (workers load them with ``--import bench_tasks``)."""

from __future__ import annotations

from zhizhi.core import jobs


@jobs.task(name="bench.noop", queue="bench")
def noop(n: int) -> None:
    """Does nothing: what is measured is the queue's own cost per job."""
