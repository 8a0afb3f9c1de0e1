"""Org's background work: the daily clean-up of stale throttle counters (login failures and
rate-limit windows older than a day, without a lockout in force) and of OIDC logins that ended
more than a day ago."""

from __future__ import annotations

from zhizhi.core import jobs, throttle
from zhizhi.core.db import unit_of_work
from zhizhi.org import oidc


@jobs.task(name="org.purge_throttle", retry=jobs.Retry(max_attempts=2, base_seconds=60))
def purge_throttle(timestamp: int | None = None) -> None:
    with unit_of_work() as session:
        throttle.purge(session)
        oidc.purge(session)


SCHEDULES = (jobs.periodic("org.purge_throttle", "org.purge_throttle", "17 4 * * *"),)
