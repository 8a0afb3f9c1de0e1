"""A revocation reason is shown on the public verification page: phones and ID numbers typed
into it are stored masked, the words as given encrypted (issue 12, core.freetext)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.certificates.conftest import COMPANY, issue, licence
from tests.crypto.freetext import MASKED, PHONE, SAID, assert_no_plaintext, audit_has_plaintext
from zhizhi.certificates.models import Certificate
from zhizhi.core import freetext
from zhizhi.core.db import session_factory


def test_revoke_reason_masked_everywhere(city: Any) -> None:
    out = issue(city, "clerk_scj", licence())
    r = city.client.post(
        f"/api/v1/certificates/{COMPANY}/revoke",
        json={"reason": f"企业申请注销，{SAID}"},
        headers=city.h("clerk_scj"),
    )
    assert r.status_code == 200, r.text
    assert r.json()["revoke_reason"] == f"企业申请注销，{MASKED}"
    r = city.client.get("/api/v1/certificates/verify", params={"number": COMPANY, "code": out["check_code"]})
    assert r.status_code == 200 and MASKED in r.text and PHONE not in r.text
    page = city.client.get("/verify", params={"n": COMPANY, "c": out["check_code"]}).text
    assert "139****1234" in page and PHONE not in page
    with session_factory()() as s:
        cert = s.scalars(select(Certificate).where(Certificate.number == COMPANY)).one()
        assert freetext.given(cert.personal_text) == {"revoke_reason": f"企业申请注销，{SAID}"}
        cert_id = cert.id
    assert_no_plaintext("certificates", cert_id)
    assert not audit_has_plaintext()
