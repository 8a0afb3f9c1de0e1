"""Each role lands on a page with its work: the leader on the cockpit, the administrator on the
administration index, the others on the workbench queue that holds their cases; hotspots exist
as soon as a job runner has started."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.builders import PASSWORD
from tests.pages.helpers import post_form


def _land(client: Any, username: str, next: str | None = None) -> str:
    client.cookies.clear()
    data = {"username": username, "password": PASSWORD} | ({"next": next} if next is not None else {})
    r = post_form(client, "/login", "/login", data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(r.headers["location"])


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("leader", "/cockpit"),
        ("admin", "/admin"),
        ("dispatcher", "/work"),
        ("grid", "/work"),
        ("h_s1", "/work"),
    ],
)
def test_each_role_lands_on_its_page(client: Any, world: Any, username: str, landing: str) -> None:
    assert _land(client, username) == landing
    page = client.get(landing)
    assert page.status_code == 200


def test_an_asked_for_page_wins_over_the_landing_page(client: Any, world: Any) -> None:
    assert _land(client, "leader", "/work?queue=overdue") == "/work?queue=overdue"
    assert _land(client, "leader", "//evil.example/") == "/cockpit"  # never off-site
    assert _land(client, "admin", "") == "/admin"


def _current_queue(html: str) -> str:
    found = re.findall(r'id="q-(\w+)" aria-current="page"', html)
    assert len(found) == 1, found
    return str(found[0])


def test_the_workbench_opens_a_queue_with_work(client: Any, world: Any) -> None:
    new = world.case_in("dispatched", lead="S1")
    signed = world.case_in("in_progress", lead="S1")
    _land(client, "h_s1b")  # the handler's own queue (待签收) holds a case: it opens there
    page = client.get("/work").text
    assert _current_queue(page) == "dispatched" and new in page
    world.act("h_s1", new, "sign")  # now 待签收 is empty: 办理中, where both cases are, opens
    page = client.get("/work").text
    assert _current_queue(page) == "in_progress" and signed in page and new in page
    # a role whose queues are all empty still gets its own queue
    _land(client, "h_zj")
    assert _current_queue(client.get("/work").text) == "dispatched"
    # an explicit queue is kept even when empty
    _land(client, "h_s1")
    assert _current_queue(client.get("/work?queue=returned").text) == "returned"


def test_hotspots_are_computed_when_a_runner_starts(client: Any, world: Any, monkeypatch: Any) -> None:
    from tests.core.jobs_support import backend
    from tests.pages.helpers import login
    from zhizhi import registry
    from zhizhi.core.db import unit_of_work
    from zhizhi.core.settings import get_settings
    from zhizhi.routing import hotspots

    for _ in range(3):
        world.create(content="麓山南路932号小区垃圾站三天没有清运，气味很大")
    login(client, "leader")
    assert 'id="hotspots-empty"' in client.get("/cockpit").text  # nothing computed yet
    registry.install()
    monkeypatch.setattr(get_settings(), "jobs_inline", False)
    url = get_settings().database_url
    if backend() == "postgresql":
        from zhizhi.core.jobs import pg

        pg.run_worker(url, queues=["ai"], once=True, poll_seconds=0.05)  # start hooks, then the jobs
    else:
        from zhizhi.core.jobs import local

        runner = local.Runner(url, queues=["ai"], schedules=False, poll_seconds=0.05).start()
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with unit_of_work() as s:
                    if hotspots.latest(s) is not None:
                        break
                time.sleep(0.1)
        finally:
            runner.stop()
    with unit_of_work() as s:
        snapshot = hotspots.latest(s)
        assert snapshot is not None and snapshot.cases_considered == 3
    page = client.get("/cockpit").text
    assert 'id="hotspots-empty"' not in page and "尚未计算热点" not in page
