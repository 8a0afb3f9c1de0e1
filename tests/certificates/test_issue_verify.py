"""Issue, verify, revoke and expire through the API; bad input answered 4xx with the field."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from tests.certificates.conftest import COMPANY, PERSON, issue, licence, title, uscc
from zhizhi.certificates import signing
from zhizhi.core import clock
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work

VERIFY = "/api/v1/certificates/verify"


def _verify(world: Any, number: str, code: str | None = None) -> dict[str, Any]:
    params = {"number": number} | ({"code": code} if code else {})
    r = world.client.get(VERIFY, params=params)
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def _codes(result: dict[str, Any]) -> list[str]:
    return [r["code"] for r in result["reasons"]]


def test_a_grade_is_signed_and_verifies_with_masked_holder(city: Any) -> None:
    out = issue(city, "clerk_zrzy", title())
    assert out["grade"] == "A" and out["status"] == "valid"
    assert out["issuer"] == {"code": "ZRZY", "name": "长沙市自然资源和规划局"}
    assert out["jurisdiction"] == "430100000000"
    assert len(out["signature"]) == 128 and out["key_id"].startswith("ZRZY-")
    assert out["holder"] == {
        "kind": "person",
        "name": "王**",
        "id": "430104********" + PERSON[-4:],
        "masked": True,
    }
    assert out["verify_url"].endswith(f"&c={out['check_code']}")
    result = _verify(city, out["number"], out["check_code"])
    assert result["outcome"] == "valid"
    assert _codes(result) == ["signature_ok", "in_validity"]
    assert result["certificate"]["holder"] == {
        "kind": "person",
        "name": "王**",
        "id": "430104********" + PERSON[-4:],
    }
    assert PERSON not in str(result) and "王小红" not in str(result)


def test_organisation_name_and_code_are_public(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    result = _verify(city, COMPANY)
    assert result["outcome"] == "valid"
    assert result["certificate"]["holder"] == {
        "kind": "organisation",
        "name": "长沙麓山餐饮管理有限公司",
        "id": COMPANY,
    }


def test_b_grade_is_unsigned_and_says_so(city: Any) -> None:
    out = issue(
        city,
        "clerk_mz",
        {
            "type": "marriage_certificate",
            "number": "J430104-2024-003187",
            "grade": "B",
            "holder": {"name": "李明", "id": PERSON},
            "valid_from": "2024-05-20",
            "fields": {"配偶姓名": "周婷", "登记日期": "2024-05-20"},
        },
    )
    assert out["signature"] is None and out["key_id"] is None
    result = _verify(city, out["number"])
    assert result["outcome"] == "valid"
    assert result["reasons"][0] == {
        "code": "unsigned",
        "zh": "B 级证照无电子签章，已核对证照库登记信息",
        "en": "grade B carries no electronic seal; checked against the register",
    }


def test_unknown_number(city: Any) -> None:
    result = _verify(city, "NO-SUCH-1")
    assert result["outcome"] == "unknown" and _codes(result) == ["unknown_number"]
    assert result["certificate"] is None


def test_wrong_qr_code_fails(city: Any) -> None:
    out = issue(city, "clerk_scj", licence())
    result = _verify(city, out["number"], "0123456789abcdef")
    assert result["outcome"] == "signature_invalid" and _codes(result) == ["code_mismatch"]


def test_revoke_with_reason_then_verify_says_revoked(city: Any) -> None:
    clock.freeze(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    out = issue(city, "clerk_scj", licence())
    r = city.client.post(
        f"/api/v1/certificates/{COMPANY}/revoke",
        json={"reason": "企业申请注销登记"},
        headers=city.h("clerk_scj"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "revoked" and r.json()["revoke_reason"] == "企业申请注销登记"
    result = _verify(city, COMPANY, out["check_code"])
    assert result["outcome"] == "revoked"
    assert result["reasons"][-1]["zh"] == "已于 2026-03-02 注销：企业申请注销登记"
    again = city.client.post(
        f"/api/v1/certificates/{COMPANY}/revoke", json={"reason": "重复"}, headers=city.h("clerk_scj")
    )
    assert again.status_code == 409 and again.json()["field"] == "number"
    with unit_of_work() as s:
        actions = s.scalars(
            select(AuditEntry.action).where(AuditEntry.object_id == COMPANY).order_by(AuditEntry.seq)
        ).all()
    assert list(actions) == ["certificates.issued", "certificates.revoked"]


def test_only_the_issuing_department_revokes(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    r = city.client.post(
        f"/api/v1/certificates/{COMPANY}/revoke", json={"reason": "越权"}, headers=city.h("clerk_zrzy")
    )
    assert r.status_code == 403
    assert r.json()["message"]["en"] == "only the issuing department may revoke it"
    assert _verify(city, COMPANY)["outcome"] == "valid"


def test_expiry_comes_from_the_clock(city: Any) -> None:
    clock.freeze(datetime(2026, 6, 1, 2, 0, tzinfo=UTC))
    body = {
        "type": "food_business_permit",
        "number": "JY24301040123456",
        "grade": "A",
        "holder": {"name": "长沙麓山餐饮管理有限公司", "id": COMPANY},
        "valid_from": "2021-07-01",
        "valid_to": "2026-06-30",
        "fields": {
            "经营场所": "岳麓区麓山南路932号",
            "主体业态": "餐饮服务经营者（中型餐馆）",
            "经营项目": "热食类食品制售",
        },
    }
    issue(city, "clerk_scj", body)
    assert _verify(city, "JY24301040123456")["outcome"] == "valid"
    clock.freeze(datetime(2026, 7, 1, 2, 0, tzinfo=UTC))  # 10:00 on 1 July in Changsha
    result = _verify(city, "JY24301040123456")
    assert result["outcome"] == "expired"
    assert result["reasons"][-1]["en"] == "valid until 2026-06-30: expired"
    assert result["certificate"]["status"] == "expired"


def test_not_yet_valid(city: Any) -> None:
    clock.freeze(datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    issue(city, "clerk_zrzy", title(valid_from="2026-02-01"))
    assert _verify(city, "湘(2025)长沙市不动产权第0123456号")["outcome"] == "not_yet_valid"


def _problem(world: Any, body: dict[str, Any], user: str = "clerk_scj") -> tuple[int, str | None, str]:
    r = world.client.post("/api/v1/certificates", json=body, headers=world.h(user))
    data = r.json()
    return r.status_code, data.get("field"), data.get("message", {}).get("en", "")


def test_bad_input_is_refused_with_the_field(city: Any) -> None:
    bad_uscc = COMPANY[:17] + ("1" if COMPANY[17] != "1" else "2")
    assert _problem(city, licence(bad_uscc))[:2] == (422, "holder.id")
    assert _problem(
        city,
        title(holder={"name": "王小红", "id": PERSON[:17] + ("0" if PERSON[17] != "0" else "1")}),
        "clerk_zrzy",
    )[:2] == (422, "holder.id")
    no_address = licence()
    del no_address["fields"]["住所"]
    assert _problem(city, no_address) == (422, "fields.住所", "Business licence lacks required fields: 住所")
    assert _problem(
        city, licence(uscc("91430104MA4L0K3D2"), holder={"name": "长沙麓山餐饮管理有限公司", "id": COMPANY})
    ) == (422, "number", "a business licence's number is its credit code")
    assert _problem(city, licence(type="passport"))[:2] == (422, "type")
    assert _problem(city, title(number="湘/2025/1"), "clerk_zrzy")[:2] == (422, "number")
    assert _problem(city, licence(valid_to="2020-01-01"))[:2] == (422, "valid_to")
    assert _problem(city, licence(extra=1))[0] == 422
    marriage_for_company = {
        "type": "marriage_certificate",
        "number": "J1",
        "grade": "B",
        "holder": {"kind": "organisation", "name": "某公司", "id": COMPANY},
        "valid_from": "2024-01-01",
        "fields": {"配偶姓名": "x", "登记日期": "y"},
    }
    assert _problem(city, marriage_for_company, "clerk_mz")[:2] == (422, "holder.kind")
    issue(city, "clerk_scj", licence())
    assert _problem(city, licence()) == (409, "number", f"certificate number {COMPANY} exists")


def test_grade_a_needs_a_key(city: Any) -> None:
    body = {
        "type": "marriage_certificate",
        "number": "J430104-2024-000001",
        "grade": "A",
        "holder": {"name": "李明", "id": PERSON},
        "valid_from": "2024-05-20",
        "fields": {"配偶姓名": "周婷", "登记日期": "2024-05-20"},
    }
    assert _problem(city, body, "clerk_mz") == (
        409,
        "grade",
        "岳麓区民政局 has no signing key: grade A cannot be issued",
    )


def test_missing_private_key_stops_grade_a(city: Any, keys_dir: Any) -> None:
    for path in keys_dir.glob("SCJ-*.json"):
        path.unlink()
    signing._stores.clear()  # a fresh process: nothing cached
    status, field, en = _problem(city, licence())
    assert (status, field) == (503, "grade") and "missing from the key store" in en
    assert _verify(city, COMPANY)["outcome"] == "unknown"  # nothing was written


def test_who_may_issue(city: Any) -> None:
    assert _problem(city, licence(), "citizen")[0] == 403
    assert _problem(city, licence(), "h_zj")[0] == 403  # a handler reads (cert:read) but does not issue
    assert _problem(city, licence(department="ZRZY"))[:2] == (403, "department")
    r = city.client.post("/api/v1/certificates", json=licence())
    assert r.status_code == 401
    out = issue(city, "admin", licence(department="SCJ"))
    assert out["issuer"]["code"] == "SCJ"


def test_qr_encodes_the_verification_url(city: Any) -> None:
    from zhizhi.certificates import qr

    out = issue(city, "clerk_scj", licence())
    r = city.client.get(f"/api/v1/certificates/{COMPANY}/qr", headers=city.h("clerk_scj"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/svg+xml"
    assert r.content == qr.image(out["verify_url"])
    assert out["verify_url"] == f"http://testserver/verify?n={COMPANY}&c={out['check_code']}"
    png = city.client.get(f"/api/v1/certificates/{COMPANY}/qr?format=png", headers=city.h("clerk_scj"))
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert city.client.get(f"/api/v1/certificates/{COMPANY}/qr").status_code == 401
