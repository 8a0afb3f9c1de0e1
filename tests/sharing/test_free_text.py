"""Phones and ID numbers typed into a sharing request's texts, its decision reason and a grant's
revocation reason are stored masked, the words as given encrypted; the API, the pages and the
audit trail show the masked text (issue 12, docs/crypto.md "Free text outside cases")."""

from __future__ import annotations

from sqlalchemy import select

from tests.crypto.freetext import MASKED, SAID, assert_no_plaintext, audit_has_plaintext
from tests.pages.helpers import login
from tests.sharing.conftest import SharingCity
from zhizhi.core import freetext
from zhizhi.core.db import session_factory, unit_of_work
from zhizhi.org.models import User
from zhizhi.sharing.models import Grant, ShareRequest

BODY = {
    "resource": "GA-RK-001",
    "purpose": "service",
    "purpose_detail": f"核验公租房申请人，{SAID}",
    "legal_basis": "《公共租赁住房管理办法》第七条",
    "fields": ["name", "phone"],
    "period_start": "2026-01-01",
    "period_end": "2027-12-31",
}


def test_request_texts_and_reasons_masked_at_rest_and_in_views(city: SharingCity) -> None:
    r = city.client.post("/api/v1/sharing/requests", json=BODY, headers=city.h("st_zj"))
    assert r.status_code == 201, r.text
    number = r.json()["number"]
    assert r.json()["purpose_detail"] == f"核验公租房申请人，{MASKED}"
    assert r.json()["legal_basis"] == BODY["legal_basis"]  # nothing to mask: kept as given
    with unit_of_work() as s:  # views name the decider by display name, never by login (docs/security.md)
        s.scalars(select(User).where(User.username == "st_ga")).one().display_name = "公安局数据专员"
    refused = city.decide("st_ga", number, False, reason=f"请先核实本人，{SAID}")
    assert refused["reason"] == f"请先核实本人，{MASKED}"
    assert refused["decided_by"] == "公安局数据专员"
    seen = city.client.get(f"/api/v1/sharing/requests/{number}", headers=city.h("st_ga")).json()
    assert seen["purpose_detail"].endswith(MASKED) and seen["reason"].endswith(MASKED)
    with session_factory()() as s:
        row = s.scalars(select(ShareRequest).where(ShareRequest.number == number)).one()
        assert freetext.given(row.personal_text) == {
            "purpose_detail": BODY["purpose_detail"],
            "reason": f"请先核实本人，{SAID}",
        }
        row_id = row.id
    assert_no_plaintext("sharing_requests", row_id)
    login(city.client, "st_zj")  # the requesting department lists its requests
    page = city.client.get("/sharing/requests").text
    assert MASKED in page and SAID not in page

    again = city.request("st_zj", "GA-RK-001", ["name"])
    done = city.decide("st_ga", again["number"], True, reason=f"同意，{SAID}")
    assert done["reason"] == f"同意，{MASKED}"
    r = city.client.post(
        f"/api/v1/sharing/grants/{done['grant_id']}/revoke",
        json={"reason": f"超范围使用，{SAID}"},
        headers=city.h("st_ga"),
    )
    assert r.status_code == 200, r.text
    grants = city.client.get("/api/v1/sharing/grants", headers=city.h("st_zj")).json()
    assert [g["revoke_reason"] for g in grants if g["id"] == done["grant_id"]] == [f"超范围使用，{MASKED}"]
    with session_factory()() as s:
        grant = s.get(Grant, done["grant_id"])
        assert grant is not None
        assert freetext.given(grant.personal_text) == {"revoke_reason": f"超范围使用，{SAID}"}
    assert_no_plaintext("sharing_grants", done["grant_id"])
    assert not audit_has_plaintext()
