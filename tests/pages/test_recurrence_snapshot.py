"""The cockpit's city-wide recurrence figures come from a background snapshot (0017): the job
stores one per cockpit period, the page reads it and says when it was computed; filtered or
row-scoped views compute their own; a runner's start queues a first computation when none
exists."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select

from tests.pages.helpers import login
from tests.pages.test_outcomes import NOISE, WATER, _closed
from zhizhi.cases import queries
from zhizhi.cockpit import service, tasks
from zhizhi.cockpit.models import CockpitSnapshot
from zhizhi.core.db import unit_of_work
from zhizhi.org import service as org


def _snapshots() -> dict[str, Any]:
    with unit_of_work() as s:
        return {r.key: r.figures for r in s.scalars(select(CockpitSnapshot))}


def test_job_stores_snapshots_the_page_reads_them(client: Any, world: Any) -> None:
    first = _closed(world, NOISE)
    _closed(world, WATER)
    world.create(**NOISE | {"content": "麓山南路工地夜间施工噪音又开始扰民了"})
    tasks.refresh_recurrence()
    stored = _snapshots()
    span = queries.named_period("30d")
    key = service.snapshot_key(span)
    assert key in stored and all(k.startswith(service.SNAPSHOT_PREFIX) for k in stored)
    with unit_of_work() as s:  # the snapshot holds what a live computation gives
        live, units = service._compute(s, service.READER, span, None, None)
    assert stored[key]["summary"]["recurred_30"] == live["recurred_30"] == 1
    assert stored[key]["summary"]["closed"] == live["closed"] == 2
    assert stored[key]["units"]["S1"]["recurred_30"] == units["S1"]["recurred_30"]
    assert [a for a, _, _ in stored[key]["summary"]["examples"]] == [first]

    with unit_of_work() as s:
        leader = org.principal_for_username(s, "leader")
        ranking = queries.department_ranking(s, leader, span, None)
        summary = service.outcome_figures(s, leader, span, None, None, ranking)
        assert summary["computed_at"] is not None and summary["recurred_30"] == 1
        s1 = next(r for r in ranking if r["code"] == "S1")
        assert s1["outcome"]["recurred_30"] == 1
        filtered = service.outcome_figures(s, leader, span, "SDQR", None, [])
        assert "computed_at" not in filtered and filtered["closed"] == 1  # a filter: computed live

    login(client, "leader")
    page = client.get("/cockpit").text
    assert 'id="recurrence-computed"' in page and 'id="kpi-recurrence-30">50.0%<' in page
    page = client.get("/cockpit", params={"category": "SDQR"}).text
    assert 'id="recurrence-live"' in page

    tasks.refresh_recurrence()  # safe to run again: the same keys, overwritten
    assert set(_snapshots()) == set(stored)


def test_runner_start_computes_a_missing_snapshot(world: Any) -> None:
    with unit_of_work() as s:
        s.execute(delete(CockpitSnapshot))
        assert not service.has_snapshot(s)
    tasks.ensure_recurrence()  # jobs run inline in the tests: the refresh ran at commit
    with unit_of_work() as s:
        assert service.has_snapshot(s)
        count = s.scalar(select(func.count()).select_from(CockpitSnapshot))
    tasks.ensure_recurrence()  # one exists: nothing queued, nothing changed
    with unit_of_work() as s:
        assert s.scalar(select(func.count()).select_from(CockpitSnapshot)) == count
