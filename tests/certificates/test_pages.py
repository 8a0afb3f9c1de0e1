"""The pages without a browser: issue form → certificate page → revoke; public verification page."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from tests.certificates.conftest import COMPANY, PERSON, issue, licence
from tests.pages.helpers import csrf_of, login


def _issue_form(client: Any, **over: str) -> Any:
    page = client.get("/certificates/new?type=business_licence")
    assert page.status_code == 200
    data = {
        "csrf_token": csrf_of(page.text),
        "type": "business_licence",
        "number": COMPANY,
        "holder_name": "长沙麓山餐饮管理有限公司",
        "holder_id": COMPANY,
        "valid_from": "2024-03-18",
        "valid_to": "",
        "jurisdiction": "",
        "grade": "A",
        "field-0": "有限责任公司",
        "field-1": "刘建国",
        "field-2": "伍拾万元整",
        "field-3": "2024-03-18",
        "field-4": "岳麓区麓山南路932号",
        "field-5": "餐饮服务",
    } | over
    return client.post("/certificates/new", data=data, follow_redirects=False)


def test_issue_view_revoke_and_verify_pages(city: Any) -> None:
    client = city.client
    login(client, "clerk_scj")
    r = _issue_form(client)
    assert r.status_code == 303 and r.headers["location"] == f"/certificates/view?n={COMPANY}&done=issued"
    view = client.get(r.headers["location"])
    assert view.status_code == 200
    assert '<div class="notice" role="status" id="done">证照已签发。</div>' in view.text
    assert '<span class="badge cert-valid" id="cert-status">有效</span>' in view.text
    link = re.search(r'id="verify-link" href="([^"]+)"', view.text)
    assert link is not None
    qr = client.get(f"/certificates/qr.svg?n={COMPANY}")
    assert qr.status_code == 200 and qr.text.startswith("<svg")
    listing = client.get("/certificates")
    assert f'<a href="/certificates/view?n={COMPANY}">{COMPANY}</a>' in listing.text
    revoke = client.post(
        "/certificates/revoke",
        data={"csrf_token": csrf_of(view.text), "number": COMPANY, "reason": "吊销营业执照"},
        follow_redirects=False,
    )
    assert revoke.status_code == 303
    client.cookies.clear()
    public = client.get(link.group(1).replace("http://testserver", "").replace("&amp;", "&"))
    assert public.status_code == 200
    assert '<span id="verify-outcome" data-outcome="revoked">已注销</span>' in public.text
    assert "吊销营业执照" in public.text and "已核对二维码校验码" in public.text


def test_issue_form_errors_are_shown_by_field(city: Any) -> None:
    login(city.client, "clerk_scj")
    r = _issue_form(city.client, holder_id=COMPANY[:17] + ("1" if COMPANY[17] != "1" else "2"))
    assert r.status_code == 422
    assert (
        'id="f-holder-error" role="alert">统一社会信用代码无效（应为 18 位，校验码须符合 GB 32100）' in r.text
    )
    r = _issue_form(city.client, **{"field-4": ""})
    assert r.status_code == 422 and "营业执照缺少必填项：住所" in r.text
    r = _issue_form(city.client, valid_from="yesterday")
    assert r.status_code == 422 and 'id="f-valid_from-error"' in r.text


def test_issue_pages_are_for_issuers(city: Any) -> None:
    login(city.client, "h_zj")
    assert city.client.get("/certificates").status_code == 403
    assert city.client.get("/certificates/new").status_code == 403
    city.client.cookies.clear()
    assert city.client.get("/certificates", follow_redirects=False).status_code in (302, 303)


def test_public_verify_page_in_english_with_masked_holder(city: Any) -> None:
    issue(
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
    person = city.client.get("/verify?n=J430104-2024-003187")
    assert f'<dd id="verify-holder">李*（430104********{PERSON[-4:]}）</dd>' in person.text
    assert PERSON not in person.text and "李明" not in person.text
    issue(city, "clerk_scj", licence())
    page = city.client.get(f"/verify?n={quote(COMPANY)}&lang=en")
    assert '<span id="verify-outcome" data-outcome="valid">Valid</span>' in page.text
    assert f'<dd id="verify-holder">长沙麓山餐饮管理有限公司 ({COMPANY})</dd>' in page.text
    unknown = city.client.get("/verify?n=NOPE-1")
    assert (
        'data-outcome="unknown"' in unknown.text
        and "no certificate with this number is on record" in unknown.text
    )
    empty = city.client.get("/verify")
    assert empty.status_code == 200 and 'id="verify-result"' not in empty.text


def test_signing_keys_in_the_administration_hub(city: Any, keys_dir: Any) -> None:
    login(city.client, "admin")
    page = city.client.get("/admin/certificate-keys")
    assert page.status_code == 200
    assert page.text.count("在密钥库中</td>") == 2  # SCJ and ZRZY, made by the fixture
    r = city.client.post(
        "/admin/certificate-keys",
        data={"csrf_token": csrf_of(page.text), "department": "MZ"},
        follow_redirects=True,
    )
    assert r.status_code == 200 and '<div class="notice" role="status" id="done">' in r.text
    assert len(list(keys_dir.glob("MZ-*.json"))) == 1
    for path in keys_dir.glob("SCJ-*.json"):
        path.unlink()
    page = city.client.get("/admin/certificate-keys")
    assert page.text.count("在密钥库中</td>") == 2 and page.text.count("不在本机密钥库</td>") == 1
    bad = city.client.post(
        "/admin/certificate-keys", data={"csrf_token": csrf_of(page.text), "department": "NOPE"}
    )
    assert bad.status_code == 404 and "部门 NOPE 不存在" in bad.text
    login(city.client, "clerk_scj")
    page = city.client.get("/work")
    refused = city.client.post(
        "/admin/certificate-keys", data={"csrf_token": csrf_of(page.text), "department": "SCJ"}
    )
    assert refused.status_code == 403
