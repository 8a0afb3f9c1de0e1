"""The applicant downloads the certificate their application resulted in: from the tracking page
(number + credit code checked again) and from 我的办件 signed in with their phone; the API answers
the same; anyone else is refused; every download is audited."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from tests.builders import World
from tests.notifications.test_citizens import _ask_code, _sign_in
from tests.pages.helpers import csrf_of, login
from tests.services.apps_data import CERT_FIELDS, ORG_CODE, act, app_of, publish_items, submit
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import unit_of_work

APPLICANT_PHONE = "13900001111"  # apps_data.org_application's


def _approved(world: World) -> tuple[str, str]:
    publish_items(world)
    number = submit(world)["number"]
    act(world, "h_zj", number, "accept")
    act(world, "h_zj", number, "examine")
    act(world, "h_zj", number, "approve", opinion="符合条件", certificate_fields=CERT_FIELDS)
    cert = app_of(world, number)["certificate_number"]
    assert cert
    return number, cert


def _is_certificate_pdf(body: bytes, cert: str) -> str:
    assert body.startswith(b"%PDF-") and len(body) < 400_000
    reader = PdfReader(io.BytesIO(body))
    text = re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))
    assert cert in text and "食品经营许可证" in text and "扫码核验" in text
    assert len(reader.pages[0].images) == 1
    return text


def test_download_from_tracking_needs_the_id_number_again(world: World) -> None:
    number, cert = _approved(world)
    c = world.client
    c.cookies.clear()
    page = c.post(
        "/services/track",
        data={"number": number, "id_number": ORG_CODE, "csrf_token": csrf_of(c.get("/services/track").text)},
    )
    assert page.status_code == 200 and 'id="tracked-certificate-download"' in page.text
    token = csrf_of(page.text)
    wrong = c.post(
        "/services/track/certificate", data={"number": number, "id_number": "X", "csrf_token": token}
    )
    assert wrong.status_code == 404 and "application/pdf" not in wrong.headers["content-type"]
    nul = c.post(
        "/services/track/certificate",
        data={"number": number + "\x00", "id_number": ORG_CODE, "csrf_token": token},
    )
    assert nul.status_code in (404, 422)
    r = c.post(
        "/services/track/certificate", data={"number": number, "id_number": ORG_CODE, "csrf_token": token}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    text = _is_certificate_pdf(r.content, cert)
    assert "长沙岳麓小厨餐饮有限公司" in text  # the holder's own copy: whole
    with unit_of_work() as s:
        rows = s.scalars(
            select(AuditEntry).where(AuditEntry.action == "certificates.pdf").order_by(AuditEntry.seq)
        ).all()
        assert [(r.object_id, r.detail["via"]) for r in rows] == [(cert, "tracking")]


def test_my_applications_link_and_api_for_the_signed_in_applicant_only(world: World) -> None:
    _, cert = _approved(world)
    c = world.client
    api = f"/api/v1/certificates/{cert}/pdf"
    c.cookies.clear()
    assert c.get(api).status_code == 404  # nobody signed in
    assert c.get(f"/services/my/certificate?n={cert}", follow_redirects=False).status_code == 303
    # another citizen
    _sign_in(world, _ask_code(world, "13700001234"), "13700001234")
    assert c.get(api).status_code == 404
    assert c.get(f"/services/my/certificate?n={cert}").status_code == 404
    # the applicant
    _sign_in(world, _ask_code(world, APPLICANT_PHONE), APPLICANT_PHONE)
    mine = c.get("/services/my")
    assert mine.status_code == 200 and f"/services/my/certificate?n={cert}" in mine.text
    r = c.get(f"/services/my/certificate?n={cert}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    _is_certificate_pdf(r.content, cert)
    en = c.get(api, params={"lang": "en"})
    assert en.status_code == 200
    assert "Scantoverify" in re.sub(r"\s+", "", PdfReader(io.BytesIO(en.content)).pages[0].extract_text())
    c.cookies.clear()
    # staff: the implementing (issuing) department yes, a handler elsewhere no
    assert c.get(api, headers=world.h("h_zj")).status_code == 200
    other: Any = c.get(api, headers=world.h("admin"))
    assert other.status_code == 200  # an administrator
    with unit_of_work() as s:
        vias = [
            r.detail["via"]
            for r in s.scalars(
                select(AuditEntry).where(AuditEntry.action == "certificates.pdf").order_by(AuditEntry.seq)
            )
        ]
    assert vias == ["holder", "holder", "staff", "staff"]


def test_back_office_detail_links_the_pdf_for_the_department(world: World) -> None:
    number, cert = _approved(world)
    c = world.client
    c.cookies.clear()
    login(c, "h_zj")
    detail = c.get(f"/work/applications/{number}")
    assert detail.status_code == 200 and 'id="app-certificate-pdf"' in detail.text
    r = c.get(f"/certificates/pdf?n={cert}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
