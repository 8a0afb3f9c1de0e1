"""Case page: AI suggestions panel (labelled, a person decides), dispatch pre-fill, merge candidates."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete

from tests.pages.helpers import login, post_form
from zhizhi.core.db import session_factory
from zhizhi.routing.models import CaseSuggestion

LABEL = "AI 建议（需人工确认）"


def _rule(world: Any, **body: Any) -> None:
    r = world.client.post("/api/v1/dispatch-rules", json=body, headers=world.h("admin"))
    assert r.status_code == 201, r.text


def _section(page: str, id_: str) -> str:
    return page.split(f'id="{id_}"', 1)[1].split("</div>", 1)[0]


def test_panel_shows_classification_dispatch_and_is_labelled(client: Any, world: Any) -> None:
    _rule(world, priority=10, category="HJBH", lead_department="ZJ", note="环境问题由住建局主办（测试）")
    number = world.create(category="HJBH")["number"]
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{number}").text
    assert 'id="ai-suggestions"' in page and LABEL in page
    cls = _section(page, "ai-classification")
    assert "置信度" in cls and re.search(r"<li>[^<]+：\d+\.\d%</li>", cls)
    dispatch = _section(page, "ai-dispatch")
    assert "（ZJ）" in dispatch and "环境问题由住建局主办" in dispatch and "置信度" in dispatch
    # English label
    assert "AI suggestion (a person decides)" in client.get(f"/work/cases/{number}?lang=en").text


def test_dispatch_form_is_prefilled_but_the_person_chooses(client: Any, world: Any) -> None:
    _rule(world, priority=10, category="HJBH", lead_department="ZJ")
    number = world.create(category="HJBH")["number"]
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{number}").text
    form = page.split('id="act-dispatch"', 1)[1].split("</form>", 1)[0]
    assert '<option value="ZJ" selected>' in form and 'id="dispatch-lead_department-ai"' in form
    # the dispatcher overrides the suggestion; the decision is recorded as overridden
    r = post_form(
        client,
        f"/work/cases/{number}",
        f"/work/cases/{number}/act",
        {"action": "dispatch", "lead_department": "S1", "note": "属地街道更合适"},
    )
    assert r.status_code == 200, r.text
    assert world.get("dispatcher", number)["lead_department"]["code"] == "S1"
    r = client.get(f"/api/v1/cases/{number}/suggestions", headers=world.h("dispatcher"))
    assert {s["kind"]: s for s in r.json()}["dispatch"]["status"] == "overridden"


def test_no_rule_means_no_prefill(client: Any, world: Any) -> None:
    number = world.create(category="SDQR")["number"]
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{number}").text
    section = _section(page, "ai-dispatch")
    assert "派单目录中没有匹配的规则，请人工派单" in section and "需人工研判" in section
    form = page.split('id="act-dispatch"', 1)[1].split("</form>", 1)[0]
    assert " selected>" not in form.split("lead_department", 2)[-1].split("</select>", 1)[0]


def test_merge_form_offers_the_duplicate_candidates(client: Any, world: Any) -> None:
    first = world.create(
        subject="麓山南路工地夜间施工噪音", content="麓山南路932号工地每天夜里施工到凌晨两点，噪音扰民"
    )["number"]
    second = world.create(
        subject="麓山南路夜间施工噪音扰民", content="麓山南路932号附近工地夜间施工到凌晨，严重扰民"
    )["number"]
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{second}").text
    dups = page.split('id="ai-duplicates"', 1)[1].split("</section>", 1)[0]
    assert f'href="/work/cases/{first}"' in dups and "相似度" in dups
    merge = page.split('id="act-merge"', 1)[1].split("</form>", 1)[0]
    assert 'list="merge-candidates"' in merge and f'<option value="{first}">' in merge
    assert ' required aria-describedby="merge-parent-hint"' in merge  # attributes stay apart
    r = post_form(
        client, f"/work/cases/{second}", f"/work/cases/{second}/act", {"action": "merge", "parent": first}
    )
    assert r.status_code == 200 and world.get("dispatcher", second)["status"] == "merged"


def test_missing_suggestions_are_computed_when_the_page_opens(client: Any, world: Any) -> None:
    number = world.create(category="HJBH")["number"]
    with session_factory()() as s:
        s.execute(delete(CaseSuggestion))
        s.commit()
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{number}").text
    assert 'id="ai-dispatch"' in page and 'id="ai-classification"' in page
    with session_factory()() as s:
        assert s.query(CaseSuggestion).count() >= 2


def test_handler_sees_only_cases_in_scope(client: Any, world: Any) -> None:
    number = world.case_in("dispatched", lead="S1")
    login(client, "h_d2")
    r = client.get(f"/work/cases/{number}")
    assert r.status_code == 403 and LABEL not in r.text


def test_a_handler_sees_no_duplicate_candidates_outside_their_scope(client: Any, world: Any) -> None:
    """Least privilege on the panel too: a candidate the viewer could not open is left out (its
    number and place with it), as in the suggestions API (docs/security.md)."""
    text = {
        "subject": "麓山南路工地夜间施工噪音",
        "content": "麓山南路932号工地每天夜里施工到凌晨两点，噪音扰民",
    }
    other = world.create(**text)["number"]  # not dispatched: the city-wide roles see it, S1 does not
    mine = world.create(**text)["number"]
    world.act("dispatcher", mine, "dispatch", lead_department="S1")
    login(client, "dispatcher")
    page = client.get(f"/work/cases/{mine}").text
    assert f'href="/work/cases/{other}"' in page.split('id="ai-duplicates"', 1)[1]  # a real candidate
    login(client, "h_s1")
    page = client.get(f"/work/cases/{mine}")
    assert page.status_code == 200
    assert other not in page.text
