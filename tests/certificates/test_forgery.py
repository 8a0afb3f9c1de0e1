"""Forged and altered certificates fail verification and say why: a field changed in the
database, a wrong signature, a signature by another department's key, an altered document."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, update

from tests.certificates.conftest import COMPANY, issue, licence, title
from zhizhi.certificates import signing
from zhizhi.certificates.models import Certificate, SigningKey
from zhizhi.core import fieldcrypt
from zhizhi.core.db import unit_of_work
from zhizhi.core.settings import get_settings

TITLE = "湘(2025)长沙市不动产权第0123456号"


def _verify(world: Any, number: str, code: str | None = None) -> dict[str, Any]:
    params = {"number": number} | ({"code": code} if code else {})
    out: dict[str, Any] = world.client.get("/api/v1/certificates/verify", params=params).json()
    return out


def _codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reasons"]]


def _private(department: str) -> tuple[str, str, str]:
    """(key id, private, public) of the department's key, read from the test's key store."""
    folder = get_settings().certificate_keys_dir
    (path,) = folder.glob(f"{department}-*.json")
    body = json.loads(path.read_text())
    private = fieldcrypt.decrypt(body["private_key_wrapped"], signing.wrap_context(body["key_id"]))
    return body["key_id"], private, body["public_key"]


def test_a_field_changed_in_the_database_is_detected(city: Any) -> None:
    out = issue(city, "clerk_zrzy", title())
    with unit_of_work() as s:
        cert = s.scalars(select(Certificate).where(Certificate.number == TITLE)).one()
        s.execute(
            update(Certificate)
            .where(Certificate.id == cert.id)
            .values(fields=dict(cert.fields) | {"面积": "共有宗地面积 8,231.5㎡ / 房屋建筑面积 196.42㎡"})
        )
    result = _verify(city, TITLE, out["check_code"])
    assert result["outcome"] == "signature_invalid"
    assert _codes(result) == ["record_altered", "bad_signature"]


def test_a_field_changed_and_the_digest_recomputed_still_fails_the_signature(city: Any) -> None:
    from zhizhi.certificates import service

    issue(city, "clerk_zrzy", title())
    with unit_of_work() as s:
        cert = s.scalars(select(Certificate).where(Certificate.number == TITLE)).one()
        cert.holder_name = "王大红"
        cert.digest = signing.digest(service.payload(cert))
    result = _verify(city, TITLE)  # typed by number: no QR code to compare
    assert result["outcome"] == "signature_invalid" and _codes(result) == ["bad_signature"]
    assert result["reasons"][0]["en"] == (
        "the SM2 signature does not verify: the content was changed or the issuer did not sign it"
    )


def test_a_wrong_signature_is_detected(city: Any) -> None:
    issue(city, "clerk_zrzy", title())
    with unit_of_work() as s:
        s.execute(update(Certificate).where(Certificate.number == TITLE).values(signature="1" * 128))
    assert _codes(_verify(city, TITLE)) == ["bad_signature"]


def test_a_signature_by_another_departments_key_is_detected(city: Any) -> None:
    from zhizhi.certificates import service

    issue(city, "clerk_zrzy", title())
    _, scj_private, scj_public = _private("SCJ")
    with unit_of_work() as s:
        cert = s.scalars(select(Certificate).where(Certificate.number == TITLE)).one()
        # SCJ signs the very payload ZRZY issued (its key id unchanged): the signature fails
        cert.signature = signing.sign(scj_private, scj_public, signing.canonical(service.payload(cert)))
    assert _codes(_verify(city, TITLE)) == ["bad_signature"]


def test_a_record_pointing_at_another_departments_key_is_detected(city: Any) -> None:
    from zhizhi.certificates import service

    issue(city, "clerk_zrzy", title())
    scj_key, scj_private, scj_public = _private("SCJ")
    with unit_of_work() as s:
        cert = s.scalars(select(Certificate).where(Certificate.number == TITLE)).one()
        cert.key_id = scj_key  # a forger with SCJ's key re-signs everything consistently
        data = service.payload(cert)
        cert.digest = signing.digest(data)
        cert.signature = signing.sign(scj_private, scj_public, signing.canonical(data))
    result = _verify(city, TITLE)
    assert result["outcome"] == "signature_invalid" and _codes(result) == ["foreign_key"]
    assert result["reasons"][0]["zh"] == "签名密钥不属于发证部门"


def test_an_unregistered_key_is_detected(city: Any) -> None:
    issue(city, "clerk_zrzy", title())
    with unit_of_work() as s:
        key_id = s.scalars(select(Certificate.key_id).where(Certificate.number == TITLE)).one()
        s.execute(update(SigningKey).where(SigningKey.key_id == key_id).values(key_id="ZRZY-forged"))
    assert _codes(_verify(city, TITLE)) == ["unknown_key"]


def _document(world: Any, number: str) -> dict[str, Any]:
    r = world.client.get(f"/api/v1/certificates/{number}/document", headers=world.h("admin"))
    assert r.status_code == 200, r.text
    doc: dict[str, Any] = r.json()
    return doc


def test_a_presented_document_is_checked_against_its_signature_and_the_register(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    doc = _document(city, COMPANY)
    genuine = city.client.post("/api/v1/certificates/verify", json=doc).json()
    assert genuine["outcome"] == "valid" and _codes(genuine) == ["signature_ok", "in_validity"]
    altered = json.loads(json.dumps(doc))
    altered["payload"]["fields"]["注册资本"] = "伍仟万元整"
    result = city.client.post("/api/v1/certificates/verify", json=altered).json()
    assert result["outcome"] == "signature_invalid"
    assert _codes(result) == ["bad_signature", "differs_from_registry"]
    assert (
        result["reasons"][1]["en"] == "the presented certificate differs from the register: fields.注册资本"
    )


def test_a_document_signed_with_another_departments_key(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    doc = _document(city, COMPANY)
    zrzy_key, zrzy_private, zrzy_public = _private("ZRZY")
    doc["key_id"] = zrzy_key
    doc["signature"] = signing.sign(zrzy_private, zrzy_public, signing.canonical(doc["payload"]))
    result = city.client.post("/api/v1/certificates/verify", json=doc).json()
    assert result["outcome"] == "signature_invalid" and _codes(result) == ["foreign_key"]


def test_a_document_for_an_unknown_number(city: Any) -> None:
    r = city.client.post(
        "/api/v1/certificates/verify", json={"payload": {"number": "FAKE-1"}, "signature": None}
    )
    assert r.status_code == 200 and r.json()["outcome"] == "unknown"
    assert city.client.post("/api/v1/certificates/verify", json={"payload": {}, "x": 1}).status_code == 422


def test_the_document_needs_personal_read(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    r = city.client.get(f"/api/v1/certificates/{COMPANY}/document", headers=city.h("clerk_scj"))
    assert r.status_code == 403


def test_lone_surrogates_in_a_presented_document_are_refused_at_the_edge(city: Any) -> None:
    """Invalid text never reaches verification: 422 naming the field (docs/security.md)."""
    issue(city, "clerk_scj", licence())
    doc = _document(city, COMPANY)
    raw = json.dumps(doc, ensure_ascii=False).replace("刘建国", "\\ud800")  # JSON allows a lone surrogate
    r = city.client.post(
        "/api/v1/certificates/verify", content=raw, headers={"content-type": "application/json"}
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_text")
    odd = json.dumps({"payload": {"number": "\\ud800"}}).replace("\\\\ud800", "\\ud800")
    r = city.client.post(
        "/api/v1/certificates/verify", content=odd, headers={"content-type": "application/json"}
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_text")
