"""Applications send the applicant their own text messages (never the appeal wording), in the
applicant's language, through the local SMS gateway the test starts: 补正告知 with the date,
受理 with the promised date, special procedure, extension with the reason, 准予 / 不予许可, 送达.
An administrator's wording replaces the built-in one; the migration lets the new kinds in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from tests.notifications.conftest import gateway  # noqa: F401  (the local SMS gateway fixture)
from tests.notifications.gateway import Gateway
from tests.pages.helpers import login, post_form
from tests.scratch_db import scratch_database
from tests.services.apps_data import CERT_FIELDS, act, org_application, publish_items, submit
from zhizhi.core.migrate import downgrade, upgrade
from zhizhi.notifications import wording
from zhizhi.notifications.enums import MessageKind

PHONE = "13900001111"  # org_application's
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _texts(gw: Gateway, phone: str = PHONE) -> list[str]:
    return [str(b["text"]) for b in gw.received if b["to"] == phone]


def test_the_whole_path_in_chinese(world: Any, gateway: Gateway) -> None:  # noqa: F811
    publish_items(world)
    number = submit(world)["number"]
    assert _texts(gateway) == []  # submitting sends nothing (the receipt is on the page)
    act(
        world,
        "h_zj",
        number,
        "request_supplement",
        items=[{"code": "food.application_form", "problem": "申请书未盖公章"}],
        respond_days=10,
    )
    [notice] = _texts(gateway)
    assert notice.startswith("【政务服务】") and number in notice and "补正" in notice
    assert DATE.search(notice), notice  # the date to supplement by
    act(world, "h_zj", number, "supplement", materials=[{"code": "food.application_form"}])
    act(world, "h_zj", number, "accept")
    accepted = _texts(gateway)[-1]
    assert "已由" in accepted and "受理" in accepted and DATE.search(accepted)
    act(world, "h_zj", number, "examine")
    act(world, "h_zj", number, "start_special", procedure="inspection", reason="现场核查经营场所")
    special = _texts(gateway)[-1]
    assert "不计入办理时限" in special
    act(world, "h_zj", number, "end_special", result="核查通过")
    act(world, "leader", number, "extend", days=5, reason="情况复杂，需补充核查")
    extended = _texts(gateway)[-1]
    assert "延期" in extended and "情况复杂，需补充核查" in extended and DATE.search(extended)
    act(world, "h_zj", number, "approve", opinion="符合条件", certificate_fields=CERT_FIELDS)
    assert "准予许可" in _texts(gateway)[-1]
    act(world, "h_zj", number, "deliver", method="certificate")
    assert "已送达" in _texts(gateway)[-1]
    texts = _texts(gateway)
    assert len(texts) == 6
    assert not any("诉求" in t or "12345" in t for t in texts)  # never the appeal wording


def test_english_applicant_and_refusals(world: Any, gateway: Gateway) -> None:  # noqa: F811
    publish_items(world)
    english = submit(world, data=org_application(language="en"))["number"]
    act(world, "h_zj", english, "accept")
    act(world, "h_zj", english, "examine")
    act(
        world,
        "h_zj",
        english,
        "deny",
        reason="经营场所不符合要求",
        legal_basis="《食品经营许可管理办法》第十一条",
    )
    accepted, denied = _texts(gateway)
    assert accepted.startswith("[Gov services]") and "accepted" in accepted
    assert denied.startswith("[Gov services]") and "denied" in denied and "经营场所不符合要求" in denied
    other = org_application()
    other["applicant"] = other["applicant"] | {"phone": "13900002222"}
    refused = submit(world, data=other)["number"]
    act(
        world,
        "h_zj",
        refused,
        "refuse_acceptance",
        reason="不属于本机关职权范围",
        legal_basis="《行政许可法》第三十二条",
    )
    [not_accepted] = _texts(gateway, "13900002222")
    assert "不予受理" in not_accepted and "不属于本机关职权范围" in not_accepted
    assert (
        world.client.post(
            "/api/v1/applications", data={"data": '{"item": "x", "language": "fr"}'}
        ).status_code
        == 422
    )


def test_admin_wording_replaces_the_built_in_one(world: Any, gateway: Gateway) -> None:  # noqa: F811
    publish_items(world)
    login(world.client, "admin")
    page = world.client.get("/admin/message-templates")
    assert page.status_code == 200 and "补正告知（申请人）" in page.text and "app_extended" in page.text
    r = post_form(
        world.client,
        "/admin/message-templates",
        "/admin/message-templates",
        {
            "kind": "app_accepted",
            "zh": "【某市政务】{number} 已受理，{deadline} 前办结",
            "en": "[City] {number}",
        },
    )
    assert r.status_code in (200, 303), r.text
    bad = post_form(
        world.client,
        "/admin/message-templates",
        "/admin/message-templates",
        {"kind": "app_accepted", "zh": "{number} {code}", "en": "{number}"},
    )
    assert bad.status_code == 422 and "未知的占位符" in bad.text
    world.client.cookies.clear()
    number = submit(world)["number"]
    act(world, "h_zj", number, "accept")
    [sms] = _texts(gateway)
    assert sms.startswith("【某市政务】") and number in sms and DATE.search(sms)


def test_wording_of_every_application_kind_is_valid() -> None:
    kinds = [k for k in MessageKind if k.value.startswith("app_")]
    assert len(kinds) == 8
    for kind in kinds:
        zh, en = wording.DEFAULTS[kind]
        assert wording.check(kind, zh, en) == (zh, en)
        assert "{number}" in zh and "{number}" in en


def _insert(url: str, kind: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO outbox_messages (kind, idempotency_key, phone, status, attempts, "
                    "next_attempt_at, created_at, body) VALUES (:k, :i, 'x', 'pending', 0, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'b')"
                ),
                {"k": kind, "i": kind + "-key"},
            )
    finally:
        engine.dispose()


def test_migration_0019_svcpdf_goes_down_and_up_again(migrated: str) -> None:
    with scratch_database(migrated, "0019s") as url:
        upgrade(url, "0019_svcpdf")
        _insert(url, "app_supplement")
        downgrade(url, "-1")
        with pytest.raises(IntegrityError):
            _insert(url, "app_denied")
        _insert(url, "accepted")
        upgrade(url, "0019_svcpdf")
        _insert(url, "app_denied")
