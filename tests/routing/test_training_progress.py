"""The admin classifier page shows the retraining queued or running (htmx polls its box every
3 s, no script of ours), and the outcome once it is done or failed; only administrators see it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from tests.pages.helpers import login
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work
from zhizhi.routing.models import ClassifierTraining


def _training(**values: Any) -> int:
    with unit_of_work() as s:  # a row as the job queue leaves it (no job: nothing runs)
        row = ClassifierTraining(requested_by="admin", requested_at=clock.now(), **values)
        s.add(row)
        s.flush()
        return row.id


def _set(training_id: int, **values: Any) -> None:
    with unit_of_work() as s:
        s.execute(update(ClassifierTraining).where(ClassifierTraining.id == training_id).values(**values))


def test_admin_page_follows_a_retraining(client: Any, world: Any) -> None:
    login(client, "admin")
    card = client.get("/admin/classifier").text.split('id="classifier"')[1].split("</section>")[0]
    assert 'id="clf-training"' not in card  # none asked for yet

    tid = _training(status="queued")
    card = client.get("/admin/classifier").text.split('id="classifier"')[1].split("</section>")[0]
    box = card.split('id="clf-training"')[1].split("</div>")[0]
    assert 'hx-get="/admin/classifier/training"' in box and 'hx-trigger="every 3s"' in box
    assert "排队中" in box and "admin" in box

    _set(tid, status="running", started_at=clock.now())
    box = client.get("/admin/classifier/training").text
    assert 'data-status="running"' in box and "正在训练" in box and "hx-trigger" in box
    assert "<script" not in box and " on" not in box.split(">")[0]  # no inline script or handler

    _set(tid, status="done", finished_at=clock.now(), model_version="city-20261201-abc")
    box = client.get("/admin/classifier/training").text
    assert 'data-status="done"' in box and "city-20261201-abc" in box
    assert "hx-trigger" not in box  # finished: the box stops polling

    failed = _training(status="failed", finished_at=clock.now(), error_zh="暂无足够样本", error_en="too few")
    assert failed > tid
    box = client.get("/admin/classifier/training?lang=en").text
    assert 'data-status="failed"' in box and "too few" in box and "Failed" in box

    login(client, "dispatcher")
    assert client.get("/admin/classifier/training").status_code == 403
