"""In Chromium: the admin classifier page follows a running retraining by itself (htmx polls
the box every 3 s; no script of ours) and shows the outcome once it is done, at desktop and
390-px widths (docs/intelligence-classifier.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from tests.pages.test_crypto_browser import _login
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work
from zhizhi.routing.models import ClassifierTraining

pytestmark = pytest.mark.browser
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def test_admin_sees_a_retraining_finish(browser: Any, live_server: str) -> None:
    with unit_of_work() as s:
        row = ClassifierTraining(
            status="running", requested_by="admin", requested_at=clock.now(), started_at=clock.now()
        )
        s.add(row)
        s.flush()
        tid = row.id
    for width, suffix in ((1280, ""), (390, "-phone")):
        page = _login(browser, live_server, "admin", width)
        csp: list[str] = []

        def blocked(message: Any, seen: list[str] = csp) -> None:
            if "Content Security Policy" in message.text:
                seen.append(message.text)

        page.on("console", blocked)
        page.goto("/admin/classifier")
        state = page.locator("#clf-training-state")
        assert state.inner_text() == "正在训练（通常需要一到几分钟）"
        page.locator("#clf-training").scroll_into_view_if_needed()
        page.screenshot(path=str(DOCS_IMG / f"classifier-training{suffix}.png"), full_page=True)
        if width == 390:
            continue
        with unit_of_work() as s:
            s.execute(
                update(ClassifierTraining)
                .where(ClassifierTraining.id == tid)
                .values(status="done", finished_at=clock.now(), model_version="city-demo-model")
            )
        page.locator('#clf-training[data-status="done"]').wait_for(timeout=20_000)  # swapped by htmx
        assert "city-demo-model" in page.locator("#clf-training").inner_text()
        assert not [m for m in csp if "script" in m], csp  # no script blocked: nothing inline
        with unit_of_work() as s:  # the next width starts from a running training again
            s.execute(
                update(ClassifierTraining)
                .where(ClassifierTraining.id == tid)
                .values(status="running", finished_at=None, model_version=None)
            )
        page.context.close()
