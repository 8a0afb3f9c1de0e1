"""Public portal: submit, track, rate; CSRF; escaping; language switch."""

from __future__ import annotations

from typing import Any

from tests.pages.helpers import csrf_of, post_form

PHONE = "13912345678"


def _submit(client: Any, **fields: Any) -> Any:
    data = {
        "appeal_type": "complaint",
        "content": "小区门口路灯坏了",
        "address": "岳麓区某小区",
        "contact_phone": PHONE,
    }
    return post_form(client, "/submit", "/submit", data | fields, follow_redirects=False)


def test_home_and_faq_render_in_chinese_by_default(client: Any) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert 'lang="zh-CN"' in r.text and "我要反映" in r.text
    assert "/static/vendor/htmx-2.0.11.min.js" in r.text
    assert client.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
    assert "常见问题" in client.get("/faq").text


def test_language_switch_sets_a_cookie(client: Any) -> None:
    r = client.get("/faq?lang=en")
    assert 'lang="en"' in r.text and "Frequently asked questions" in r.text
    assert r.cookies.get("zz_lang") == "en"
    assert "Submit an appeal" in client.get("/").text  # the cookie sticks
    assert "我要反映" in client.get("/?lang=zh").text


def test_post_without_csrf_token_is_refused(client: Any, db: str) -> None:
    client.get("/submit")
    r = client.post("/submit", data={"content": "x", "contact_phone": PHONE})
    assert r.status_code == 403
    assert "CSRF" in r.text
    r = client.post("/submit", data={"content": "x", "contact_phone": PHONE, "csrf_token": "forged.token"})
    assert r.status_code == 403


def test_csrf_token_must_match_the_cookie(client: Any, db: str) -> None:
    token = csrf_of(client.get("/submit").text)
    client.cookies.clear()
    r = client.post("/submit", data={"content": "x", "contact_phone": PHONE, "csrf_token": token})
    assert r.status_code == 403


def test_submit_track_and_rate(client: Any, world: Any) -> None:
    r = _submit(client)
    assert r.status_code == 303
    number = r.headers["location"].rsplit("/", 1)[1]
    page = client.get(r.headers["location"]).text
    assert number in page
    # wrong phone: nothing revealed
    r = post_form(client, "/track", "/track", {"number": number, "phone": "13900000000"})
    assert r.status_code == 404 and "小区门口路灯" not in r.text
    r = post_form(client, "/track", "/track", {"number": number, "phone": PHONE})
    assert r.status_code == 200 and "等待受理" in r.text
    # drive it to replied through the API, then rate as the public
    world.act("agent", number, "accept")
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="路灯已修复。")
    r = post_form(client, "/track", "/track", {"number": number, "phone": PHONE})
    assert "路灯已修复" in r.text and 'action="/track/rate"' in r.text
    data = {"number": number, "phone": PHONE, "rating": "satisfied", "resolved": "true"}
    r = post_form(client, "/track", "/track/rate", data | {"phone": "139 1234 5679"})
    assert r.status_code == 404
    r = post_form(client, "/track", "/track/rate", data)
    assert r.status_code == 200 and "感谢" in r.text
    case = world.get("dispatcher", number)
    assert case["rating"] == "satisfied" and case["resolved"] is True
    timeline = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h("dispatcher")).json()
    assert timeline[-1]["actor"] == "public" and timeline[-1]["actor_kind"] == "public"
    second = data | {"rating": "very_dissatisfied", "resolved": "false"}
    r = post_form(client, "/track", "/track/rate", second)  # the second rating is refused by the guards
    # 409; the page says the case was rated (the form is gone) and does not thank for a new rating
    assert r.status_code == 409 and "您已评价，感谢反馈。" in r.text
    assert 'id="rated-now"' not in r.text and 'action="/track/rate"' not in r.text
    case = world.get("dispatcher", number)
    assert case["rating"] == "satisfied" and case["resolved"] is True


def test_invalid_submission_shows_errors_next_to_fields(client: Any, world: Any) -> None:
    r = _submit(client, content="   ", contact_phone="")
    assert r.status_code == 422
    assert 'id="f-content-error"' in r.text
    r = _submit(client, contact_phone="12345")
    assert r.status_code == 422
    assert 'id="f-contact_phone-error"' in r.text and "电话号码格式不正确" in r.text
    r = _submit(client, contact_phone="")
    assert 'id="f-contact_phone-error"' in r.text and "匿名提交需留联系电话" in r.text


def test_user_text_is_escaped(client: Any, world: Any) -> None:
    evil = "<script>alert(1)</script>'; DROP TABLE cases; --"
    r = _submit(client, content=evil, address='"><img src=x onerror=alert(1)>')
    assert r.status_code == 303
    number = r.headers["location"].rsplit("/", 1)[1]
    r = post_form(client, "/track", "/track", {"number": number, "phone": PHONE})
    assert "<script>alert(1)</script>" not in r.text
    assert "&lt;script&gt;" in r.text
    # and the error page escapes echoed input too
    r = _submit(client, content=evil, contact_phone="<b>x</b>")
    assert "<b>x</b>" not in r.text and "&lt;b&gt;x&lt;/b&gt;" in r.text
    assert world.get("dispatcher", number)["content"] == evil.strip()


def test_submit_form_suggests_addresses_from_the_address_api(client: Any, db: str) -> None:
    import re

    from tests.addresses.test_db_fixtures import small_rows
    from zhizhi.addresses.divisions import import_rows
    from zhizhi.core.db import unit_of_work

    with unit_of_work() as s:
        import_rows(s, small_rows())
    page = client.get("/submit").text
    field = re.search(r'<input type="text" id="f-address"[^>]*>', page)
    assert field, "no address input"
    # without JavaScript it is a plain text input; with it, the script fills the datalist
    assert 'list="address-options"' in field.group(0) and '<datalist id="address-options">' in page
    assert '<script src="/static/address-suggest.js" defer>' in page
    script = client.get("/static/address-suggest.js")
    assert script.status_code == 200 and "data-suggest" in script.text and "innerHTML" not in script.text
    url = re.search(r'data-suggest="([^"]+)"', field.group(0))
    assert url and url.group(1) == "/api/v1/addresses/search"
    r = client.get(url.group(1), params={"q": "岳麓", "limit": 8})  # as the script asks, no login
    assert r.status_code == 200
    options = [i["full_name"] for i in r.json()["items"]]
    assert options and any("岳麓区" in o for o in options)
    # the address typed (or picked) is submitted as plain text
    r = _submit(client, address=options[0])
    assert r.status_code == 303
