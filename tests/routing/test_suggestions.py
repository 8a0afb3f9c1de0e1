"""AI suggestions at intake: stored, labelled, audited; a person accepts or overrides."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import session_factory


def _rule(world: Any, **body: Any) -> dict[str, Any]:
    r = world.client.post("/api/v1/dispatch-rules", json=body, headers=world.h("admin"))
    assert r.status_code == 201, r.text
    return dict(r.json())


def _suggestions(world: Any, number: str, username: str = "dispatcher") -> dict[str, dict[str, Any]]:
    r = world.client.get(f"/api/v1/cases/{number}/suggestions", headers=world.h(username))
    assert r.status_code == 200, r.text
    return {s["kind"]: s for s in r.json()}


class TestDispatchRecommendation:
    def test_catalogue_rule_is_recommended_with_reasons(self, world: Any) -> None:
        _rule(world, priority=10, category="HJBH", lead_department="ZJ", note="环境问题由住建局主办（测试）")
        number = world.create(category="HJBH")["number"]
        dispatch = _suggestions(world, number)["dispatch"]
        top = dispatch["payload"]["candidates"][0]
        assert top["lead_department"] == "ZJ" and top["reasons"]["zh"]
        assert dispatch["label"]["zh"].startswith("AI 建议") and not dispatch["needs_review"]
        with session_factory()() as s:
            actions = set(s.scalars(select(AuditEntry.action).where(AuditEntry.object_id == number)))
        assert "ai.suggest.dispatch" in actions

    def test_priority_orders_the_rules(self, world: Any) -> None:
        _rule(world, priority=50, category="HJBH", lead_department="D2")
        _rule(world, priority=5, category="HJBH", lead_department="ZJ")
        number = world.create(category="HJBH")["number"]
        leads = [
            c["lead_department"] for c in _suggestions(world, number)["dispatch"]["payload"]["candidates"]
        ]
        assert leads == ["ZJ", "D2"]

    def test_no_matching_rule_goes_to_the_human_queue(self, world: Any) -> None:
        number = world.create(category="SDQR")["number"]
        dispatch = _suggestions(world, number)["dispatch"]
        assert dispatch["payload"]["candidates"] == [] and dispatch["needs_review"] is True
        queue = world.client.get("/api/v1/routing/review-queue", headers=world.h("dispatcher")).json()[
            "items"
        ]
        assert number in {i["number"] for i in queue}

    def test_accept_and_override_are_recorded_and_counted(self, world: Any) -> None:
        _rule(world, priority=10, category="HJBH", lead_department="ZJ")
        a = world.create(category="HJBH")["number"]
        b = world.create(category="HJBH")["number"]
        world.act("dispatcher", a, "dispatch", lead_department="ZJ")
        world.act("dispatcher", b, "dispatch", lead_department="S1", note="属地街道更合适")
        assert _suggestions(world, a)["dispatch"]["status"] == "accepted"
        overridden = _suggestions(world, b)["dispatch"]
        assert overridden["status"] == "overridden" and overridden["decision_reason"] == "属地街道更合适"
        rates = world.client.get("/api/v1/routing/acceptance", headers=world.h("supervisor")).json()[
            "categories"
        ]
        assert rates == [
            {"category": "HJBH", "accepted": 1, "overridden": 1, "decided": 2, "acceptance_rate": 0.5}
        ]

    def test_rule_validation(self, world: Any) -> None:
        r = world.client.post("/api/v1/dispatch-rules", json={"category": "HJBH"}, headers=world.h("admin"))
        assert r.status_code == 422 and r.json()["field"] == "lead_department"
        r = world.client.post(
            "/api/v1/dispatch-rules", json={"lead_department": "NOPE"}, headers=world.h("admin")
        )
        assert r.status_code == 422 and r.json()["field"] == "lead_department"
        r = world.client.post(
            "/api/v1/dispatch-rules", json={"lead_department": "ZJ"}, headers=world.h("h_zj")
        )
        assert r.status_code == 403


class TestDuplicates:
    def test_near_identical_appeal_proposes_the_open_case(self, world: Any) -> None:
        first = world.create(
            subject="麓山南路工地夜间施工噪音", content="麓山南路932号工地每天夜里施工到凌晨两点，噪音扰民"
        )["number"]
        world.create(subject="公交站牌损坏", content="五一大道公交站牌被撞坏，存在安全隐患")
        second = world.create(
            subject="麓山南路夜间施工噪音扰民", content="麓山南路932号附近工地夜间施工到凌晨，严重扰民"
        )["number"]
        dup = _suggestions(world, second)["duplicates"]
        numbers = [c["number"] for c in dup["payload"]["candidates"]]
        assert numbers and numbers[0] == first
        world.act("dispatcher", second, "merge", parent=first)
        assert _suggestions(world, second)["duplicates"]["status"] == "accepted"

    def test_unrelated_appeal_has_no_duplicate(self, world: Any) -> None:
        world.create(subject="麓山南路工地夜间施工噪音", content="麓山南路932号工地每天夜里施工到凌晨两点")
        other = world.create(subject="社保转移", content="想咨询养老保险关系从外省转入长沙的办理流程")[
            "number"
        ]
        assert _suggestions(world, other)["duplicates"]["payload"]["candidates"] == []


class TestClassification:
    def test_uncategorised_appeal_gets_a_labelled_classification(self, world: Any) -> None:
        number = world.create(
            category=None,
            subject="小区旁工厂排放废气",
            content="小区旁边的化工厂每天晚上排放刺鼻废气，居民呼吸困难，请环保部门查处",
        )["number"]
        cls = _suggestions(world, number)["classification"]
        assert cls["model_version"] and cls["payload"]["category"]
        assert abs(sum(cls["payload"]["probabilities"].values()) - 1) < 0.2
        assert cls["payload"]["category"] == "环境保护"

    def test_suggestions_respect_case_scoping(self, world: Any) -> None:
        number = world.case_in("dispatched", lead="S1")
        r = world.client.get(f"/api/v1/cases/{number}/suggestions", headers=world.h("h_d2"))
        assert r.status_code == 403


class TestHotspotSnapshots:
    def test_a_burst_of_similar_appeals_becomes_the_top_hotspot(self, world: Any) -> None:
        for i in range(6):
            world.create(
                subject="梅溪湖片区夜间渣土车噪音",
                content=f"梅溪湖二路渣土车每晚凌晨通行，噪音扰民严重（第{i}位居民）",
                contact_phone=f"1390000{i:04d}",
            )
        world.create(subject="社保转移", content="想咨询养老保险关系转入长沙的流程")
        world.create(subject="路灯不亮", content="芙蓉中路一段路灯连续三晚不亮")
        r = world.client.post("/api/v1/hotspots/refresh", headers=world.h("leader"))
        assert r.status_code == 200 and r.json()["hotspots"] >= 1
        top = world.client.get("/api/v1/hotspots", headers=world.h("leader")).json()["hotspots"][0]
        assert top["count"] >= 5 and "渣土车" in top["title"] + top["topic"]
        assert len(top["case_numbers"]) == top["count"]

    def test_hotspots_need_city_wide_read(self, world: Any) -> None:
        assert world.client.get("/api/v1/hotspots", headers=world.h("h_s1")).status_code == 403


class TestQueue:
    def test_intake_queues_the_suggestions_job_and_the_queue_computes_it(
        self, world: Any, monkeypatch: Any
    ) -> None:
        from tests.core.jobs_support import queued, run_due
        from zhizhi.core.jobs import registry
        from zhizhi.core.settings import get_settings
        from zhizhi.routing.models import CaseSuggestion

        monkeypatch.setattr(get_settings(), "jobs_inline", False)  # the real queue of the database
        monkeypatch.setattr(registry, "_start_hooks", [])
        numbers = [world.create(category="HJBH")["number"] for _ in range(3)]
        world.create(
            kind="application", appeal_type=None, subject="依申请公开", content="申请公开小区改造资金使用情况"
        )
        waiting = queued("routing.suggest")
        assert [j["status"] for j in waiting] == ["todo"] * 3  # appeals only; not the application
        with session_factory()() as s:
            assert s.scalars(select(CaseSuggestion)).all() == []
        run_due(get_settings().database_url, ["ai"])
        assert queued("routing.suggest") == []
        for number in numbers:
            assert set(_suggestions(world, number)) == {"classification", "dispatch", "duplicates"}

    def test_with_ai_off_nothing_is_queued_and_the_first_view_computes(
        self, world: Any, monkeypatch: Any
    ) -> None:
        from tests.core.jobs_support import queued
        from zhizhi.core.settings import get_settings

        monkeypatch.setattr(get_settings(), "jobs_inline", False)
        monkeypatch.setattr(get_settings(), "ai_mode", "off")
        number = world.create(category="HJBH")["number"]
        # only the acceptance SMS's delivery (notifications) is queued: no AI job
        assert [j["task"] for j in queued()] == ["notifications.deliver"]
        assert set(_suggestions(world, number)) == {"classification", "dispatch", "duplicates"}


class TestHotspotJobs:
    def test_a_start_without_snapshot_queues_one_refresh(self, db: str, monkeypatch: Any) -> None:
        from tests.core.jobs_support import queued
        from zhizhi import registry as capabilities
        from zhizhi.core.db import unit_of_work
        from zhizhi.core.settings import get_settings
        from zhizhi.routing import hotspots, tasks

        capabilities.install()  # the tasks are known however this test is run (alone or not)
        monkeypatch.setattr(get_settings(), "jobs_inline", False)
        tasks.ensure_hotspots()
        tasks.ensure_hotspots()  # a second process starting: deduplicated by the queueing lock
        assert [j["task"] for j in queued()] == ["routing.refresh_hotspots"]
        monkeypatch.setattr(get_settings(), "jobs_inline", True)
        with unit_of_work() as s:
            hotspots.compute(s)
        monkeypatch.setattr(get_settings(), "jobs_inline", False)
        from tests.core.jobs_support import run_due

        run_due(get_settings().database_url, ["ai"])  # the queued refresh runs
        # (other capabilities' periodic jobs, e.g. audit.anchor, may be deferred by that run)
        refreshes = lambda: [j for j in queued() if j["task"] == "routing.refresh_hotspots"]  # noqa: E731
        before = refreshes()
        tasks.ensure_hotspots()  # a snapshot exists now: nothing queued
        assert (refreshes(), before) == ([], [])

    def test_the_roots_register_the_schedule_from_the_setting(self, monkeypatch: Any) -> None:
        from zhizhi import registry as capabilities
        from zhizhi.core.jobs import registry
        from zhizhi.core.settings import get_settings
        from zhizhi.routing import tasks

        monkeypatch.setattr(registry, "SCHEDULES", {})
        monkeypatch.setattr(get_settings(), "hotspot_interval_minutes", 15)
        capabilities.install()  # what the web app, the worker, the CLI and the demo loader run
        assert registry.SCHEDULES[tasks.HOTSPOTS_SCHEDULE].cron == "*/15 * * * *"
        assert registry.SCHEDULES[tasks.HOTSPOTS_SCHEDULE].queueing_lock == tasks.HOTSPOTS_LOCK
        assert {"routing.suggest", "routing.refresh_hotspots"} <= set(registry.TASKS)
        monkeypatch.setattr(registry, "SCHEDULES", {})
        monkeypatch.setattr(get_settings(), "hotspot_interval_minutes", 0)
        capabilities.install()
        assert tasks.HOTSPOTS_SCHEDULE not in registry.SCHEDULES
