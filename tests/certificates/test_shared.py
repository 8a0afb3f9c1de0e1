"""Certificates as a shared resource (免提交): another department's staff look up a holder's
certificates with a purpose, every lookup audited; key rotation; public keys; staff reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.certificates.conftest import COMPANY, PERSON, issue, licence, title
from zhizhi.certificates import service
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work
from zhizhi.org import service as org

LOOKUP = "/api/v1/certificates/lookup"


def _audit(action: str) -> list[AuditEntry]:
    with unit_of_work() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_lookup_for_a_service_application_is_audited(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    issue(
        city,
        "clerk_scj",
        {
            "type": "food_business_permit",
            "number": "JY24301040123456",
            "grade": "B",
            "holder": {"name": "长沙麓山餐饮管理有限公司", "id": COMPANY},
            "valid_from": "2021-07-01",
            "valid_to": "2026-06-30",
            "fields": {
                "经营场所": "岳麓区麓山南路932号",
                "主体业态": "餐饮服务经营者",
                "经营项目": "热食类食品制售",
            },
        },
    )
    issue(city, "clerk_zrzy", title())
    body = {
        "holder_id": COMPANY.lower(),
        "types": ["business_licence"],
        "purpose": "食品经营许可延续 免提交营业执照",
    }
    r = city.client.post(LOOKUP, json=body, headers=city.h("h_zj"))
    assert r.status_code == 200, r.text
    assert [c["number"] for c in r.json()] == [COMPANY]
    assert r.json()[0]["fields"]["法定代表人"] == "刘建国"
    assert r.json()[0]["holder"]["masked"] is True  # a handler has no personal:read
    every = city.client.post(LOOKUP, json=body | {"types": []}, headers=city.h("h_zj")).json()
    assert sorted(c["type"] for c in every) == ["business_licence", "food_business_permit"]
    (first, second) = _audit("certificates.lookup")
    assert first.detail == {
        "purpose": "食品经营许可延续 免提交营业执照",
        "types": ["business_licence"],
        "numbers": [COMPANY],
        "issuers": ["SCJ"],
        "reader_department": first.detail["reader_department"],
    }
    assert first.object_id == COMPANY[:6] + "********" + COMPANY[-4:] and first.actor == "h_zj"
    assert second.detail["numbers"] == [COMPANY, "JY24301040123456"]


def test_lookup_by_a_person_and_the_service_function(city: Any) -> None:
    issue(city, "clerk_zrzy", title())
    with unit_of_work() as s:
        handler = org.principal_for_username(s, "h_d1")
        rows = service.lookup_for_holder(
            s, PERSON, ["real_estate_title"], reader=handler, purpose="公积金贷款"
        )
        assert [c.number for c in rows] == ["湘(2025)长沙市不动产权第0123456号"]
    r = city.client.post(
        LOOKUP, json={"holder_id": PERSON, "types": [], "purpose": "核验"}, headers=city.h("admin")
    )
    assert r.json()[0]["holder"] == {"kind": "person", "name": "王小红", "id": PERSON, "masked": False}


def test_lookup_refusals(city: Any) -> None:
    body = {"holder_id": COMPANY, "types": [], "purpose": "办理"}
    assert city.client.post(LOOKUP, json=body, headers=city.h("citizen")).status_code == 403
    assert city.client.post(LOOKUP, json=body, headers=city.h("dispatcher")).status_code == 403
    assert city.client.post(LOOKUP, json=body).status_code == 401
    bad = city.client.post(LOOKUP, json=body | {"holder_id": "123"}, headers=city.h("h_zj"))
    assert bad.status_code == 422 and bad.json()["field"] == "holder_id"
    assert (
        city.client.post(LOOKUP, json=body | {"types": ["x"]}, headers=city.h("h_zj")).json()["field"]
        == "type"
    )
    assert (
        city.client.post(LOOKUP, json={"holder_id": COMPANY, "types": []}, headers=city.h("h_zj")).status_code
        == 422
    )
    assert _audit("certificates.lookup") == []


def test_staff_read_is_audited_and_masked(city: Any) -> None:
    issue(city, "clerk_zrzy", title())
    number = "湘(2025)长沙市不动产权第0123456号"
    r = city.client.get(f"/api/v1/certificates/{number}", headers=city.h("h_zj"))
    assert r.status_code == 200 and r.json()["holder"]["name"] == "王**"
    assert city.client.get(f"/api/v1/certificates/{number}", headers=city.h("citizen")).status_code == 403
    assert city.client.get(f"/api/v1/certificates/{number}", headers=city.h("clerk_scj")).status_code == 200
    reads = _audit("certificates.read")
    assert [(e.actor, e.detail["own_department"]) for e in reads] == [("h_zj", False), ("clerk_scj", False)]
    listed = city.client.get("/api/v1/certificates", headers=city.h("clerk_zrzy")).json()
    assert [c["number"] for c in listed] == [number]
    assert city.client.get("/api/v1/certificates", headers=city.h("clerk_scj")).json() == []


def test_key_rotation_keeps_old_certificates_verifiable(city: Any) -> None:
    old = issue(city, "clerk_scj", licence())
    r = city.client.post("/api/v1/certificates/keys", params={"department": "SCJ"}, headers=city.h("admin"))
    assert r.status_code == 201
    new_key = r.json()["key_id"]
    assert new_key != old["key_id"]
    body = title()
    body["number"] = "湘(2025)长沙市不动产权第0999999号"
    newer = issue(city, "clerk_scj", body)
    assert newer["key_id"] == new_key
    for number in (COMPANY, body["number"]):
        assert (
            city.client.get("/api/v1/certificates/verify", params={"number": number}).json()["outcome"]
            == "valid"
        )
    keys = city.client.get("/api/v1/certificates/keys").json()
    scj = [(k["key_id"], k["retired_at"] is None) for k in keys if k["department"] == "SCJ"]
    assert scj == [(old["key_id"], False), (new_key, True)]  # the old key retired, still listed
    assert "private_key" not in str(keys)
    assert (
        city.client.post(
            "/api/v1/certificates/keys", params={"department": "SCJ"}, headers=city.h("clerk_scj")
        ).status_code
        == 403
    )
