"""The classifier learns the city's taxonomy: confirmations → retraining → proposals named in the
city's tree, "暂无足够样本" for categories without enough samples, plain Chinese reasons."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.shared_data import shared_path
from zhizhi.core import audit
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work
from zhizhi.routing import learning

PLACES = [
    "麓山南路",
    "五一大道",
    "芙蓉中路",
    "韶山北路",
    "岳麓大道",
    "湘江中路",
    "劳动西路",
    "万家丽路",
    "人民东路",
    "金星北路",
    "雷锋大道",
    "星沙大道",
    "解放西路",
    "坡子街",
    "黄兴中路",
    "东二环",
]
TEXTS = {
    "SRHJ.01": [
        "{p}小区门口的垃圾桶满了好几天没人清运，臭味很大",
        "{p}垃圾站垃圾堆积如山，环卫迟迟不来清运",
        "{p}路边生活垃圾无人清扫清运，苍蝇很多",
    ],
    "SRHJ.02": [
        "{p}人行道被流动摊贩占道经营，行人只能走马路",
        "{p}商铺把货物摆到人行道上占道经营",
        "{p}夜市摊贩占用道路经营，堵塞交通",
    ],
    "HJBH": [
        "{p}工地夜间施工噪音扰民，无法入睡",
        "{p}工厂排放刺鼻废气，空气污染严重",
        "{p}河道被排入污水，发黑发臭",
    ],
    "CXJS": [
        "{p}小区电梯经常故障停运，物业不维修",
        "{p}老旧小区屋顶漏水，希望改造",
        "{p}小区违章搭建无人管理",
    ],
}


def _tree(world: Any) -> None:
    for code, name, parent in [
        ("SRHJ", "市容环境", None),
        ("SRHJ.01", "垃圾清运", "SRHJ"),
        ("SRHJ.02", "占道经营", "SRHJ"),
    ]:
        r = world.client.post(
            "/api/v1/categories",
            json={"code": code, "name": name, "parent": parent},
            headers=world.h("admin"),
        )
        assert r.status_code == 201, r.text


def _history(world: Any, per_template: int = 3) -> None:
    """Portal cases the agent categorises at 受理, then the dispatcher confirms at 派单 (mixed
    order, so the newest held back are of every category)."""
    work = [(code, t) for code, templates in TEXTS.items() for t in templates for _ in range(per_template)]
    random.Random(7).shuffle(work)
    for i in range(2):  # too few for a category of its own (the oldest: trained on, not held back)
        number = world.create(content=f"{PLACES[i]}小区突然停水一整天，没有任何通知", category="SDQR")[
            "number"
        ]
        world.act("dispatcher", number, "dispatch", lead_department="S1", category="SDQR")
    for n, (code, template) in enumerate(work):
        content = template.format(p=PLACES[n % len(PLACES)] + f"{n + 1}号")
        number = world.create("citizen", channel="web", category=None, subject="", content=content)["number"]
        world.act("agent", number, "accept", category=code)
        world.act("dispatcher", number, "dispatch", lead_department="S1", category=code)


def _classification(world: Any, content: str) -> dict[str, Any]:
    number = world.create("citizen", channel="web", category=None, subject="", content=content)["number"]
    r = world.client.get(f"/api/v1/cases/{number}/suggestions", headers=world.h("dispatcher"))
    assert r.status_code == 200
    return next(s for s in r.json() if s["kind"] == "classification") | {"number": number}


def test_retraining_learns_the_citys_tree(world: Any, tmp_path: Path) -> None:
    _tree(world)
    before = _classification(world, "湘府路小区门口垃圾桶满了三天没人清运，臭味很大")
    # without a city model the general model proposes a category of the tree, said plainly
    assert before["payload"]["category_code"] in {"CXJS", "HJBH", "SDQR", "JYWT"}
    assert any("通用模型" in r for r in before["payload"]["reasons"]["zh"])
    _history(world)
    with unit_of_work() as s:  # no base corpus in tmp_path: the city's confirmations only
        details = learning.train(s, base_dir=tmp_path, actor=audit.Actor.system())
    assert details["n_base"] == 0 and details["n_confirmed"] + details["holdout"]["n"] == 38
    assert details["holdout"]["n"] == 10 and details["holdout"]["accuracy"] is not None
    assert "SDQR" in details["uncovered_first_level"] and "SDQR" in details["insufficient"]
    codes = {c["code"]: c for c in world.client.get("/api/v1/categories", headers=world.h("agent")).json()}
    for text, expected in [
        ("芙蓉路一小区垃圾站三天没有清运，苍蝇乱飞", "SRHJ.01"),
        ("解放路人行道被流动摊贩占道经营，行人走机动车道", "SRHJ.02"),
    ]:
        suggestion = _classification(world, text)
        payload = suggestion["payload"]
        assert payload["category_code"] == expected  # the contract: a category of the city's tree
        assert payload["category"] == codes[expected]["name"]
        assert payload["category_path"].startswith("市容环境 › ")
        assert suggestion["model_version"] == details["model_version"]
        reasons = payload["reasons"]["zh"]
        assert reasons and all("type=" not in r and "rule hit" not in r for r in reasons)
        assert any("暂无足够样本" in r and "水电气热" in r for r in reasons)
    status = world.client.get("/api/v1/nlp/city-model", headers=world.h("admin")).json()
    assert status["kind"] == "city" and status["version"] == details["model_version"] and status["trained_at"]
    assert world.client.get("/api/v1/nlp/city-model", headers=world.h("dispatcher")).status_code == 403


def test_the_dispatchers_choice_decides_the_suggestion(world: Any, tmp_path: Path) -> None:
    _tree(world)
    _history(world)
    with unit_of_work() as s:
        learning.train(s, base_dir=tmp_path, actor=audit.Actor.system())
        before = learning.model_status(s)["confirmations"]
    kept = _classification(world, "五一大道垃圾站好几天没有清运")
    changed = _classification(world, "芙蓉中路垃圾站好几天没有清运")
    assert kept["payload"]["category_code"] == changed["payload"]["category_code"] == "SRHJ.01"
    numbers = [kept["number"], changed["number"]]
    for number, code in zip(numbers, ["SRHJ.01", "CXJS"], strict=True):
        world.act("agent", number, "accept", category=code)
    with unit_of_work() as s:
        after = learning.model_status(s)["confirmations"]
    assert (
        after["corrected"] - before["corrected"] == 1 and after["confirmed"] - before.get("confirmed", 0) == 1
    )
    statuses = []
    for number in numbers:
        r = world.client.get(f"/api/v1/cases/{number}/suggestions", headers=world.h("dispatcher")).json()
        statuses.append(next(x for x in r if x["kind"] == "classification")["status"])
    assert sorted(statuses) == ["accepted", "overridden"]


def test_too_few_confirmed_cases_is_said_plainly(world: Any, tmp_path: Path) -> None:
    with unit_of_work() as s, pytest.raises(Exception) as info:
        learning.train(s, base_dir=tmp_path, actor=audit.Actor.system())
    assert "暂无足够样本" in getattr(info.value, "zh", "")


def test_retraining_is_a_job_with_a_status(world: Any) -> None:
    r = world.client.post("/api/v1/nlp/city-model", headers=world.h("admin"))
    assert r.status_code == 202
    queued = r.json()
    assert queued["status"] == "queued"
    assert queued["status_url"] == f"/api/v1/nlp/city-model/trainings/{queued['training_id']}"
    assert r.headers["location"] == queued["status_url"]
    # the tests run jobs right after the commit: the training has run by now
    done = world.client.get(queued["status_url"], headers=world.h("admin")).json()
    if (learning.BASE_CORPUS / "labelled_messages.csv").is_file():  # the base corpus alone trains
        assert done["status"] == "done"
        assert done["model_version"].startswith("city-")
        assert done["error"] is None
    else:
        assert done["status"] == "failed"
        assert "暂无足够样本" in done["error"]["zh"]
    assert done["finished_at"] is not None
    assert world.client.get(queued["status_url"], headers=world.h("dispatcher")).status_code == 403
    r = world.client.get("/api/v1/nlp/city-model/trainings/999999", headers=world.h("admin"))
    assert r.status_code == 404
    assert r.json()["field"] == "training_id"
    with unit_of_work() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "classifier_training")
        ).all()
    assert list(actions) == ["ai.classifier_train_requested"]


def test_a_queued_training_is_not_queued_twice(world: Any) -> None:
    from zhizhi.core.db import session_factory
    from zhizhi.org import service as org

    with session_factory()() as s:  # never committed: nothing runs, both requests see the first
        admin = org.principal_for_username(s, "admin")
        first, new = learning.request_training(s, admin)
        second, again = learning.request_training(s, admin)
        assert (new, again) == (True, False)
        assert second.id == first.id
        s.rollback()


def test_old_models_are_pruned(world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zhizhi.core.settings import get_settings
    from zhizhi.routing.models import ClassifierModel

    _tree(world)
    _history(world)
    monkeypatch.setenv("ZHIZHI_CLASSIFIER_KEEP_MODELS", "2")
    get_settings.cache_clear()
    try:
        versions = []
        for _ in range(3):
            with unit_of_work() as s:
                versions.append(
                    learning.train(s, base_dir=tmp_path, actor=audit.Actor.system())["model_version"]
                )
    finally:
        monkeypatch.delenv("ZHIZHI_CLASSIFIER_KEEP_MODELS")
        get_settings.cache_clear()
    with unit_of_work() as s:
        kept = s.scalars(select(ClassifierModel.version).order_by(ClassifierModel.id)).all()
        assert learning.active_version(s) == versions[-1]
    assert list(kept) == versions[1:]


@pytest.mark.shared_data
def test_demo_city_proposes_shirong_for_rubbish_and_street_stalls(tmp_path: Path) -> None:
    corpus = shared_path("citizen_messages")
    env = {**os.environ, "ZHIZHI_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}"}

    def run(*args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-m", "zhizhi.cli", *args], env=env, capture_output=True, text=True, timeout=300
        )
        assert out.returncode == 0, out.stderr + out.stdout
        return out.stdout

    run("demo", "--load-only")  # trains the city's classifier from the demo's history
    script = (
        "import json; from zhizhi import registry; from zhizhi.core.db import unit_of_work; "
        "from zhizhi.routing import learning; registry.install(); s = unit_of_work().__enter__(); "
        "print(json.dumps([learning.classify_text(s, t)['category_path'] for t in "
        "['岳麓区银盆岭街道小区门口垃圾站三天没有清运，气味很大', "
        "'芙蓉区五一大道人行道被流动摊贩长期占道经营']]))"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    paths = json.loads(out.stdout.strip().splitlines()[-1])
    assert all(p.startswith("市容环境") for p in paths), paths
    trained = run("nlp", "train", "--city", "--data-dir", str(corpus))  # and again from the CLI
    assert "held-back recent confirmed cases" in trained and "accuracy before" in trained


def test_admin_retrains_on_the_job_queue_and_sees_the_model(client: Any, world: Any) -> None:
    from tests.pages.helpers import login, post_form
    from zhizhi.routing import tasks

    schedule = tasks.classifier_schedule()
    assert (
        schedule is not None and schedule.task == "routing.train_classifier" and schedule.cron == "30 3 * * 1"
    )
    _tree(world)
    _history(world)
    login(client, "admin")
    card = client.get("/admin/classifier").text.split('id="classifier"')[1].split("</section>")[0]
    assert "通用模型" in card and "已记录的人工确认 74 条" in card
    r = post_form(client, "/admin", "/admin/classifier/train", {}, follow_redirects=False)
    assert r.status_code == 303
    card = client.get("/admin/classifier").text.split('id="classifier"')[1].split("</section>")[0]
    version = card.split('id="clf-version">')[1].split("<")[0]
    assert version.startswith("city-") and "通用模型" not in card
    assert "%" in card.split('id="clf-accuracy">')[1].split("</dd>")[0]
    assert "暂无足够样本" in card and "水电气热" in card.split('id="clf-lacking">')[1]
    login(client, "dispatcher")
    r = post_form(client, "/work", "/admin/classifier/train", {}, follow_redirects=False)
    assert r.status_code == 403
