"""The sharing flow through the API: catalogue → request → approval → grant → exchange → log →
the owner's and the data subject's views; and each refusal of the exchange (403, logged)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tests.sharing.conftest import CITIZEN_ID, PROVIDER_ROWS, SharingCity
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work
from zhizhi.core.models import AuditEntry
from zhizhi.sharing.models import ExchangeLog

PERSON = PROVIDER_ROWS["provider_population"][0]
POPULATION_FIELDS = ["id_number", "name", "household_address", "phone"]


def _audit_actions() -> list[str]:
    with unit_of_work() as s:
        return [a for (a,) in s.execute(select(AuditEntry.action).order_by(AuditEntry.seq))]


def _log() -> list[tuple[str, str, str | None, list[str]]]:
    with unit_of_work() as s:
        rows = s.scalars(select(ExchangeLog).order_by(ExchangeLog.id))
        return [(r.resource_code, r.outcome, r.reason, list(r.fields)) for r in rows]


def test_catalogue_search_and_one_source_conflicts(city: SharingCity) -> None:
    r = city.client.get("/api/v1/sharing/resources", params={"q": "社保"}, headers=city.h("st_zj"))
    assert r.status_code == 200
    assert [x["code"] for x in r.json()] == ["RS-SB-001"]
    r = city.client.get("/api/v1/sharing/resources", params={"q": "户籍地址"}, headers=city.h("st_zj"))
    assert [x["code"] for x in r.json()] == ["GA-RK-001"]  # found by a field's label
    r = city.client.get(
        "/api/v1/sharing/resources", params={"share_type": "unconditional"}, headers=city.h("st_zj")
    )
    assert [x["code"] for x in r.json()] == ["SCJG-YYZZ-001"]
    one = city.client.get("/api/v1/sharing/resources/GA-RK-001", headers=city.h("st_zj")).json()
    assert one["owner"] == "GA"
    assert one["share_type"] == "conditional"
    assert one["fields"][0] == {
        "name": "id_number",
        "label": "公民身份号码",
        "grade": "important",
        "personal": "sensitive",
        "mask": "id_number",
        "data_item": "person.id_number",
        "authoritative": True,
    }
    conflicts = city.client.get("/api/v1/sharing/conflicts", headers=city.h("st_zj")).json()
    assert conflicts == [{"data_item": "person.name", "sources": ["GA-RK-001.name", "RS-SB-001.name"]}]
    # members of the public do not browse the catalogue
    assert city.client.get("/api/v1/sharing/resources", headers=city.h("citizen")).status_code == 403


def test_conditional_request_approved_then_exchanged_logged_and_seen(city: SharingCity) -> None:
    req = city.request("st_zj", "GA-RK-001", POPULATION_FIELDS)
    assert req["status"] == "pending"
    assert req["consumer"] == "ZJ"
    assert req["owner"] == "GA"
    assert req["grant_id"] is None
    # before approval: no grant, refused and logged
    r = city.read("ZJ", "GA-RK-001", PERSON["id_number"])
    assert r.status_code == 403
    assert r.json()["reason"] == "no_grant"
    assert r.json()["message"] == {
        "zh": "本部门没有该资源的共享授权",
        "en": "your department holds no grant for this resource",
    }
    # only the owner decides
    city.decide("st_jy", req["number"], True, expect=403)
    city.decide("st_ga", req["number"], False, expect=422)  # a refusal needs a reason
    done = city.decide("st_ga", req["number"], True, reason="符合住房保障审核需要", plain_fields=["name"])
    assert done["status"] == "approved"
    assert done["decided_by"] == "st_ga"
    city.decide("st_ga", req["number"], True, expect=409)
    # the exchange: granted fields only, masked by grade and purpose
    r = city.read("ZJ", "GA-RK-001", PERSON["id_number"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["grant"] == done["grant_id"]
    id_no = PERSON["id_number"]
    assert body["record"] == {
        "id_number": id_no[:6] + "********" + id_no[-4:],  # sensitive: masked
        "name": PERSON["name"],  # approved unmasked
        "household_address": PERSON["household_address"],  # personal, service delivery: plain
        "phone": PERSON["phone"],
    }
    r = city.read("ZJ", "GA-RK-001", PERSON["id_number"], fields="name,phone")
    assert r.json()["record"] == {"name": PERSON["name"], "phone": PERSON["phone"]}
    # ungranted field, purpose outside the grant, another department: 403, each with its reason
    r = city.read("ZJ", "GA-RK-001", PERSON["id_number"], fields="name,gender")
    assert (r.status_code, r.json()["reason"]) == (403, "fields_not_granted")
    r = city.read("ZJ", "GA-RK-001", PERSON["id_number"], purpose="statistics")
    assert (r.status_code, r.json()["reason"]) == (403, "purpose_not_granted")
    assert r.json()["message"]["en"] == "the purpose is outside the grant"
    r = city.read("JY", "GA-RK-001", PERSON["id_number"])
    assert (r.status_code, r.json()["reason"]) == (403, "no_grant")
    r = city.read("ZJ", "GA-RK-001", "430104190001010000")
    assert r.status_code == 404
    assert _log() == [
        ("GA-RK-001", "refused", "no_grant", []),
        ("GA-RK-001", "served", None, POPULATION_FIELDS),
        ("GA-RK-001", "served", None, ["name", "phone"]),
        ("GA-RK-001", "refused", "fields_not_granted", ["name", "gender"]),
        ("GA-RK-001", "refused", "purpose_not_granted", []),
        ("GA-RK-001", "refused", "no_grant", []),
        ("GA-RK-001", "not_found", None, POPULATION_FIELDS),
    ]
    # the owner sees who read its data (record keys masked)
    reads = city.client.get("/api/v1/sharing/reads", headers=city.h("st_ga")).json()
    assert len(reads) == 7
    assert reads[-1]["consumer"] == "ZJ"
    assert reads[-1]["record_key"] == id_no[:6] + "********" + id_no[-4:]
    assert reads[-1]["client_id"] == city.secrets["ZJ"][0]
    assert city.client.get("/api/v1/sharing/reads", headers=city.h("st_zj")).json() == []
    assert city.client.get("/api/v1/sharing/reads", headers=city.h("h_zj")).status_code == 403
    # the person sees which departments read data about them (served reads only)
    mine = city.client.get("/api/v1/sharing/me/reads", headers=city.h("citizen")).json()
    assert mine["id_number"] == CITIZEN_ID[:6] + "********" + CITIZEN_ID[-4:]
    assert [(x["consumer"], x["resource"], x["fields"]) for x in mine["reads"]] == [
        ("ZJ", "GA-RK-001", ["name", "phone"]),
        ("ZJ", "GA-RK-001", POPULATION_FIELDS),
    ]
    other = city.client.get("/api/v1/sharing/me/reads", headers=city.h("citizen2")).json()
    assert other == {"id_number": None, "reads": []}
    actions = _audit_actions()
    assert actions.count("sharing.exchange") == 7
    assert actions.count("sharing.request_approved") == 1
    assert actions.count("sharing.grant_issued") == 1
    assert "sharing.subject_viewed_reads" in actions


def test_unconditional_granted_at_once_and_not_shared_refused(city: SharingCity) -> None:
    req = city.request("st_zj", "SCJG-YYZZ-001", ["credit_code", "name", "legal_representative", "status"])
    assert req["status"] == "approved"
    assert req["decided_by"] == "system"
    assert req["due_date"] is None
    licence = PROVIDER_ROWS["provider_business_licences"][0]
    r = city.read("ZJ", "SCJG-YYZZ-001", licence["credit_code"], purpose="statistics")
    assert (r.status_code, r.json()["reason"]) == (403, "purpose_not_granted")
    r = city.read("ZJ", "SCJG-YYZZ-001", licence["credit_code"])
    assert r.json()["record"] == {
        "credit_code": licence["credit_code"],
        "name": licence["name"],
        "legal_representative": licence["legal_representative"],
        "status": licence["status"],
    }
    r = city.request("st_zj", "GA-ZDRY-001", ["id_number"], expect=422)  # core data
    assert r["field"] == "fields"
    none = city.client.get("/api/v1/sharing/resources/GA-ZDRY-001", headers=city.h("st_zj")).json()
    assert none["share_type"] == "none"


def test_not_shared_resource_is_refused_at_once(city: SharingCity) -> None:
    body = {
        "code": "GA-ZDRY-002",
        "name": "户籍变动记录",
        "owner": "GA",
        "share_type": "none",
        "source_system": "公安人口信息管理系统",
        "update_cycle": "daily",
        "adapter_target": "provider_population",
        "key_field": "id_number",
        "fields": [{"name": "id_number", "label": "身份证号"}, {"name": "name", "label": "姓名"}],
    }
    r = city.client.put("/api/v1/sharing/resources/GA-ZDRY-002", json=body, headers=city.h("admin"))
    assert r.status_code == 201, r.text
    req = city.request("st_zj", "GA-ZDRY-002", ["name"])
    assert req["status"] == "refused"
    assert req["reason"] == "该资源为不予共享类，不通过共享交换提供 / the resource is not shared"


def test_revoked_and_expired_grants_are_refused_with_the_reason(city: SharingCity) -> None:
    clock.freeze(clock.now())
    req = city.request(
        "st_jy", "RS-SB-001", ["name", "insurance_status"], period=("2026-01-01", "2026-12-31")
    )
    done = city.decide("st_rs", req["number"], True)
    key = PROVIDER_ROWS["provider_social_security"][0]["id_number"]
    assert city.read("JY", "RS-SB-001", key).status_code == 200
    r = city.client.post(
        f"/api/v1/sharing/grants/{done['grant_id']}/revoke",
        json={"reason": "超范围使用"},
        headers=city.h("st_jy"),
    )
    assert r.status_code == 403  # only the owner revokes
    r = city.client.post(
        f"/api/v1/sharing/grants/{done['grant_id']}/revoke",
        json={"reason": "超范围使用"},
        headers=city.h("st_rs"),
    )
    assert r.status_code == 200, r.text
    r = city.read("JY", "RS-SB-001", key)
    assert (r.status_code, r.json()["reason"]) == (403, "grant_revoked")
    assert r.json()["message"]["zh"] == "共享授权已被数源部门撤销"
    # a new grant for the same purpose, then time runs past its end
    req = city.request("st_jy", "RS-SB-001", ["name"], period=("2026-01-01", "2026-12-31"))
    city.decide("st_rs", req["number"], True)
    assert city.read("JY", "RS-SB-001", key).status_code == 200
    bearer = city.bearer("JY")
    clock.freeze(clock.as_utc(clock.now()).replace(year=2027, month=1, day=1, hour=0) + timedelta(minutes=1))
    r = city.client.get(
        "/api/v1/exchange/RS-SB-001", params={"key": key, "purpose": "service"}, headers=city.bearer("JY")
    )
    assert (r.status_code, r.json()["reason"]) == (403, "grant_expired")
    # the old bearer expired too (short-lived): 401 in RFC 6750's form
    r = city.client.get(
        "/api/v1/exchange/RS-SB-001", params={"key": key, "purpose": "service"}, headers=bearer
    )
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    states = {
        g["id"]: g["state"] for g in city.client.get("/api/v1/sharing/grants", headers=city.h("st_rs")).json()
    }
    assert sorted(states.values()) == ["expired", "revoked"]


def test_token_endpoint_speaks_rfc_6749(city: SharingCity) -> None:
    cid, secret = city.register("ZJ")
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"client_id": cid, "client_secret": secret}, 400, "invalid_request"),
        (
            {"grant_type": "password", "client_id": cid, "client_secret": secret},
            400,
            "unsupported_grant_type",
        ),
        (
            {"grant_type": "client_credentials", "client_id": cid, "client_secret": "wrong"},
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": secret},
            401,
            "invalid_client",
        ),
    ]
    for data, status, error in cases:
        r = city.client.post("/api/v1/exchange/token", data=data)
        assert (r.status_code, r.json()["error"]) == (status, error), data
        assert r.headers["Cache-Control"] == "no-store"
    # HTTP Basic client authentication (RFC 6749 §2.3.1)
    r = city.client.post(
        "/api/v1/exchange/token", data={"grant_type": "client_credentials"}, auth=(cid, secret)
    )
    assert r.status_code == 200
    assert r.json()["token_type"] == "Bearer"
    assert r.json()["expires_in"] == 600
    # no bearer at all
    r = city.client.get("/api/v1/exchange/GA-RK-001", params={"key": "1", "purpose": "service"})
    assert r.status_code == 401
    # a staff user's token is not an exchange bearer
    r = city.client.get(
        "/api/v1/exchange/GA-RK-001", params={"key": "1", "purpose": "service"}, headers=city.h("admin")
    )
    assert r.status_code == 401


def test_bad_exchange_input_is_a_4xx(city: SharingCity) -> None:
    h = city.bearer("ZJ")
    for params, status in [
        ({"key": "1' OR 1=1", "purpose": "service"}, 422),
        ({"key": "1", "purpose": "curiosity"}, 422),
        ({"key": "1"}, 422),
        ({"key": "x" * 65, "purpose": "service"}, 422),
        ({"key": "1\u0000", "purpose": "service"}, 422),
    ]:
        assert city.client.get("/api/v1/exchange/GA-RK-001", params=params, headers=h).status_code == status
    r = city.client.get("/api/v1/exchange/NOPE", params={"key": "1", "purpose": "service"}, headers=h)
    assert r.status_code == 404
