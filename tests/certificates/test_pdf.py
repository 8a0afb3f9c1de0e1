"""The certificate as a PDF: it parses, says what the certificate says (Chinese text extracted,
the number, the QR as an image), masks per the reader, refuses others and is audited."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.certificates.conftest import COMPANY, PERSON, issue, licence, title
from zhizhi.certificates import pdf
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work
from zhizhi.core.errors import ServiceUnavailable

MAX_BYTES = 400_000  # an A4 page with a font subset and a QR: far below this


def _get(world: Any, number: str, user: str | None, **params: str) -> Any:
    headers = world.h(user) if user else {}
    return world.client.get(f"/api/v1/certificates/{number}/pdf", headers=headers, params=params)


def _text(body: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(body))
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_issuing_department_downloads_a_parseable_pdf_with_the_qr(city: Any) -> None:
    out = issue(city, "clerk_scj", licence())
    r = _get(city, COMPANY, "clerk_scj")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f'filename="certificate-{COMPANY}.pdf"' in r.headers["content-disposition"]
    assert r.headers["cache-control"] == "no-store"
    body = r.content
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert 5_000 < len(body) < MAX_BYTES
    reader, text = _text(body)
    flat = _flat(text)
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4 portrait
    for words in ("营业执照", COMPANY, "长沙麓山餐饮管理有限公司", "长沙市市场监督管理局", "扫码核验"):
        assert words in flat, words
    for words in (
        "法定代表人",
        "刘建国",
        "湖南省长沙市岳麓区麓山南路932号",
        out["key_id"],
        out["check_code"],
    ):
        assert _flat(words) in flat, words
    assert pdf.fingerprint(out["signature"]).replace(" ", "") in flat
    assert "SM2" in flat and "为准" in flat  # the signed document is the authority, said on it
    images = reader.pages[0].images
    assert len(images) == 1 and images[0].image is not None  # the QR
    assert images[0].image.size[0] >= 200


def test_person_masked_for_staff_without_personal_read_and_english(city: Any) -> None:
    issue(city, "clerk_zrzy", title())
    number = "湘(2025)长沙市不动产权第0123456号"
    r = _get(city, number, "clerk_zrzy", lang="en")
    assert r.status_code == 200, r.text
    _, text = _text(r.content)
    flat = _flat(text)
    assert "Realestatetitle" in flat.replace("-", "") or "RealEstate" in flat or "title" in flat.lower()
    assert "Scantoverify" in flat and "Issuedby" in flat
    assert "王**" in flat and PERSON not in flat and "王小红" not in flat
    assert PERSON[-4:] in flat
    assert 'filename="certificate-20250123456.pdf"' in r.headers["content-disposition"]


def test_others_are_refused_and_downloads_are_audited(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    assert _get(city, COMPANY, "clerk_zrzy").status_code == 403  # another department
    assert _get(city, COMPANY, None).status_code == 404  # nobody signed in: existence not told
    assert _get(city, "NO-SUCH-NUMBER", "clerk_scj").status_code == 404
    assert _get(city, "x" * 81, "clerk_scj").status_code == 422
    assert _get(city, COMPANY, "clerk_scj", lang="fr").status_code == 422
    assert _get(city, "%00", "clerk_scj").status_code in (404, 422)
    assert _get(city, COMPANY, "clerk_scj").status_code == 200
    with unit_of_work() as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "certificates.pdf").order_by(AuditEntry.seq)
        ).all()
        assert [(r.object_id, r.actor) for r in rows] == [(COMPANY, "clerk_scj")]
        assert rows[0].detail["via"] == "staff" and rows[0].detail["unmasked"] is False


def test_revoked_certificate_is_stamped(city: Any) -> None:
    issue(city, "clerk_scj", licence())
    r = city.client.post(
        f"/api/v1/certificates/{COMPANY}/revoke",
        json={"reason": "企业申请注销登记"},
        headers=city.h("clerk_scj"),
    )
    assert r.status_code == 200, r.text
    _, text = _text(_get(city, COMPANY, "clerk_scj").content)
    assert "已注销" in _flat(text)


def test_no_cjk_font_is_a_clear_503(city: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    issue(city, "clerk_scj", licence())
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ("/nonexistent/font.ttc",))
    monkeypatch.delenv(pdf.FONT_ENV, raising=False)
    with pytest.raises(ServiceUnavailable):
        pdf.font_path()
    r = _get(city, COMPANY, "clerk_scj")
    assert r.status_code == 503 and "fonts-wqy-microhei" in r.text


def test_certificate_page_offers_the_pdf_to_the_issuing_department(city: Any) -> None:
    from tests.pages.helpers import login

    issue(city, "clerk_scj", licence())
    client = city.client
    login(client, "clerk_scj")
    view = client.get(f"/certificates/view?n={COMPANY}")
    assert view.status_code == 200 and 'id="cert-pdf"' in view.text
    r = client.get(f"/certificates/pdf?n={COMPANY}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    client.cookies.clear()
    login(client, "clerk_zrzy")  # reads certificates (cert:read) but is not the issuer
    view = client.get(f"/certificates/view?n={COMPANY}")
    assert 'id="cert-pdf"' not in view.text
    assert client.get(f"/certificates/pdf?n={COMPANY}").status_code == 403
