"""Consuming systems through the API: register, list, rotate the secret, bind a client certificate
(mutual TLS behind a proxy), retire; least privilege, audit, and the audit chain still verifying
after exchange calls whose log row and audit entry are written together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from tests.sharing.conftest import PROVIDER_ROWS, SharingCity
from zhizhi.core import audit
from zhizhi.core.db import session_factory, unit_of_work
from zhizhi.core.models import AuditEntry
from zhizhi.core.settings import get_settings

PERSON = PROVIDER_ROWS["provider_population"][0]
FP = "AB:" * 31 + "CD"  # a SHA-256 fingerprint as proxies print it
FP_HEX = ("ab" * 31 + "cd").lower()


@pytest.fixture
def mtls_header(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("ZHIZHI_SHARING_CLIENT_CERT_HEADER", "X-Client-Cert-SHA256")
    get_settings.cache_clear()
    yield "X-Client-Cert-SHA256"
    monkeypatch.delenv("ZHIZHI_SHARING_CLIENT_CERT_HEADER")
    get_settings.cache_clear()


def _token(city: SharingCity, cid: str, secret: str, headers: dict[str, str] | None = None) -> Any:
    return city.client.post(
        "/api/v1/exchange/token",
        data={"grant_type": "client_credentials", "client_id": cid, "client_secret": secret},
        headers=headers or {},
    )


def _actions() -> list[str]:
    with unit_of_work() as s:
        return [a for (a,) in s.execute(select(AuditEntry.action).order_by(AuditEntry.seq))]


def _grant_population(city: SharingCity) -> None:
    req = city.request("st_zj", "GA-RK-001", ["id_number", "name"])
    city.decide("st_ga", req["number"], True, reason="住房保障审核")


def test_steward_manages_own_systems_only(city: SharingCity) -> None:
    c = city.client
    r = c.post(
        "/api/v1/sharing/clients", json={"name": "住房保障系统", "department": "ZJ"}, headers=city.h("st_zj")
    )
    assert r.status_code == 201, r.text
    cid = r.json()["client_id"]
    # another department: cannot register for it, cannot see or touch ZJ's system
    r = c.post("/api/v1/sharing/clients", json={"name": "x", "department": "ZJ"}, headers=city.h("st_jy"))
    assert r.status_code == 403
    assert c.get("/api/v1/sharing/clients", headers=city.h("st_jy")).json() == []
    assert c.get(f"/api/v1/sharing/clients/{cid}", headers=city.h("st_jy")).status_code == 404
    assert c.post(f"/api/v1/sharing/clients/{cid}/rotate", headers=city.h("st_jy")).status_code == 404
    assert c.post(f"/api/v1/sharing/clients/{cid}/retire", headers=city.h("st_jy")).status_code == 404
    # roles without sharing:clients
    for user in ("h_zj", "supervisor", "citizen"):
        assert c.get("/api/v1/sharing/clients", headers=city.h(user)).status_code == 403
        assert c.post(f"/api/v1/sharing/clients/{cid}/rotate", headers=city.h(user)).status_code == 403
    # the own steward and the admin see it; the secret is never listed
    mine = c.get("/api/v1/sharing/clients", headers=city.h("st_zj")).json()
    assert [(x["client_id"], x["state"], x["department"]) for x in mine] == [(cid, "active", "ZJ")]
    assert not {"client_secret", "secret_hash"} & set(mine[0])
    assert cid in [x["client_id"] for x in c.get("/api/v1/sharing/clients", headers=city.h("admin")).json()]
    # bad paths and bodies are 4xx
    assert c.get("/api/v1/sharing/clients/NO%00PE", headers=city.h("st_zj")).status_code == 422
    r = c.put(
        f"/api/v1/sharing/clients/{cid}/certificate", json={"fingerprint": "zz"}, headers=city.h("st_zj")
    )
    assert r.status_code == 422
    r = c.put(f"/api/v1/sharing/clients/{cid}/certificate", json={"x": 1}, headers=city.h("st_zj"))
    assert r.status_code == 422


def test_rotate_then_retire(city: SharingCity) -> None:
    _grant_population(city)
    cid, secret = city.register("ZJ")
    bearer = {"Authorization": f"Bearer {_token(city, cid, secret).json()['access_token']}"}
    params = {"key": PERSON["id_number"], "purpose": "service"}
    assert city.client.get("/api/v1/exchange/GA-RK-001", params=params, headers=bearer).status_code == 200
    # the detail: its department's grants and its last calls
    detail = city.client.get(f"/api/v1/sharing/clients/{cid}", headers=city.h("st_zj")).json()
    assert [g["resource"] for g in detail["grants"]] == ["GA-RK-001"]
    assert [(x["outcome"], x["client_id"]) for x in detail["calls"]] == [("served", cid)]
    assert detail["client"]["last_call_at"] is not None
    # rotation: a new secret shown once; the old secret and the old bearer stop working
    r = city.client.post(f"/api/v1/sharing/clients/{cid}/rotate", headers=city.h("st_zj"))
    assert r.status_code == 200
    new_secret = r.json()["client_secret"]
    assert new_secret != secret
    assert _token(city, cid, secret).status_code == 401
    assert city.client.get("/api/v1/exchange/GA-RK-001", params=params, headers=bearer).status_code == 401
    assert _token(city, cid, new_secret).status_code == 200
    # retirement: no token any more, the state shows it; a second retirement is a conflict
    r = city.client.post(f"/api/v1/sharing/clients/{cid}/retire", headers=city.h("st_zj"))
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["retired_by"]) == ("retired", "st_zj")
    assert _token(city, cid, new_secret).status_code == 401
    assert (
        city.client.post(f"/api/v1/sharing/clients/{cid}/retire", headers=city.h("st_zj")).status_code == 409
    )
    assert (
        city.client.post(f"/api/v1/sharing/clients/{cid}/rotate", headers=city.h("st_zj")).status_code == 409
    )
    actions = _actions()
    for action in ("sharing.client_registered", "sharing.client_secret_rotated", "sharing.client_retired"):
        assert action in actions
    with session_factory()() as s:
        result = audit.verify(s)
    assert result.ok, result.problem


def test_certificate_bound_client_needs_the_proxy_and_its_certificate(
    city: SharingCity, mtls_header: str
) -> None:
    cid, secret = city.register("ZJ")
    r = city.client.put(
        f"/api/v1/sharing/clients/{cid}/certificate", json={"fingerprint": FP}, headers=city.h("st_zj")
    )
    assert r.status_code == 200, r.text
    assert r.json()["cert_sha256"] == FP_HEX
    # no certificate, another certificate: 401 invalid_client, audited
    r = _token(city, cid, secret)
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")
    assert _token(city, cid, secret, {mtls_header: "00" * 32}).status_code == 401
    assert _token(city, cid, secret, {mtls_header: "garbage"}).status_code == 401
    # the registered certificate, in any of the proxies' spellings
    assert _token(city, cid, secret, {mtls_header: FP_HEX}).status_code == 200
    assert _token(city, cid, secret, {mtls_header: "sha256:" + FP_HEX.upper()}).status_code == 200
    # the right certificate does not replace the secret
    assert _token(city, cid, "wrong", {mtls_header: FP_HEX}).status_code == 401
    # unbinding: the secret alone is enough again
    r = city.client.put(
        f"/api/v1/sharing/clients/{cid}/certificate", json={"fingerprint": None}, headers=city.h("st_zj")
    )
    assert r.json()["cert_sha256"] is None
    assert _token(city, cid, secret).status_code == 200
    actions = _actions()
    assert actions.count("sharing.token_refused") == 3
    assert "sharing.client_certificate_bound" in actions
    assert "sharing.client_certificate_unbound" in actions


def test_without_a_proxy_a_bound_client_gets_no_token(city: SharingCity) -> None:
    cid, secret = city.register("ZJ")
    r = city.client.put(
        f"/api/v1/sharing/clients/{cid}/certificate", json={"fingerprint": FP_HEX}, headers=city.h("admin")
    )
    assert r.status_code == 200
    # the header is not trusted when no proxy is configured
    assert _token(city, cid, secret, {"X-Client-Cert-SHA256": FP_HEX}).status_code == 401
