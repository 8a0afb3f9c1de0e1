"""A citizen's text messages follow the language they asked in (issue 13): the portal's page
language, the API's ``language``, Open311's ``locale``, the agent's choice on the intake form,
the sign-in page's language for codes. Sent through the local SMS gateway the test starts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.notifications.gateway import Gateway
from tests.pages.helpers import login, post_form
from zhizhi.cases.models import Case
from zhizhi.core.db import session_factory

PHONE = "13912345678"


def _texts(gateway: Gateway, phone: str = PHONE) -> list[str]:
    return [str(b["text"]) for b in gateway.received if b["to"] == phone]


def _language(number: str) -> str:
    with session_factory()() as s:
        return str(s.scalars(select(Case.language).where(Case.number == number)).one())


def test_api_language_chooses_the_wording(world: Any, gateway: Gateway) -> None:
    english = world.create(contact_phone=PHONE, language="en")
    assert english["language"] == "en"
    chinese = world.create(contact_phone="13912345679")
    assert chinese["language"] == "zh"
    [en_text] = _texts(gateway)
    assert en_text.startswith("[12345] Your appeal") and english["number"] in en_text
    [zh_text] = _texts(gateway, "13912345679")
    assert zh_text.startswith("【12345】您的诉求已受理") and chinese["number"] in zh_text
    # the reply and the reopening follow the case's language too; handlers' messages stay Chinese
    world.act("dispatcher", english["number"], "dispatch", lead_department="S1")
    world.act("h_s1", english["number"], "sign")
    world.act("h_s1", english["number"], "reply", reply="The lamp was repaired.")
    replied = _texts(gateway)[-1]
    assert replied.startswith("[12345] ") and "has answered your appeal" in replied
    r = world.client.post(
        "/api/v1/cases",
        json={"content": "x", "contact_phone": PHONE, "language": "fr"},
        headers=world.h("agent"),
    )
    assert r.status_code == 422 and "language" in r.text


def test_portal_page_language_and_agent_choice(client: Any, world: Any, gateway: Gateway) -> None:
    client.get("/submit?lang=en")
    data = {
        "appeal_type": "complaint",
        "content": "Street lamp out",
        "address": "岳麓区",
        "contact_phone": PHONE,
    }
    r = post_form(client, "/submit", "/submit", data, follow_redirects=False)
    assert r.status_code in (200, 303), r.text
    number = client.cookies.get("zhizhi_last_case") or ""
    with session_factory()() as s:
        case = s.scalars(select(Case).order_by(Case.id.desc())).first()
        assert case is not None
        number = case.number
    assert _language(number) == "en"
    world.act("agent", number, "accept")
    assert _texts(gateway)[-1].startswith("[12345] Your appeal")
    # the intake form: the agent sets the caller's language
    login(client, "agent")
    page = client.get("/work/intake").text
    assert 'name="language"' in page and "英文" in page
    form = {"channel": "hotline", "appeal_type": "complaint", "urgency": "normal", "content": "路灯不亮"}
    r = post_form(
        client, "/work/intake", "/work/intake", form | {"contact_phone": "13912345670", "language": "en"}
    )
    assert r.status_code in (200, 303), r.text
    [text] = _texts(gateway, "13912345670")
    assert text.startswith("[12345] Your appeal")


def test_open311_locale(world: Any, gateway: Gateway) -> None:
    from zhizhi.core import audit
    from zhizhi.core.db import unit_of_work
    from zhizhi.open311 import clients

    with unit_of_work() as s:
        _client, api_key = clients.create_client(s, "partner", actor=audit.Actor(None, "test"))
    r = world.client.post(
        "/open311/v2/requests.json",
        data={
            "api_key": api_key,
            "service_code": "SDQR",
            "description": "No water since morning",
            "lat": "28.18",
            "long": "112.94",
            "phone": PHONE,
            "locale": "en-US",
        },
    )
    assert r.status_code == 201, r.text
    number = r.json()[0]["service_request_id"]
    assert _language(number) == "en"
    world.act("agent", number, "accept")
    assert _texts(gateway)[-1].startswith("[12345] Your appeal")


def test_sign_in_code_in_the_page_language(client: Any, gateway: Gateway) -> None:
    r = client.post("/api/v1/citizen/code", json={"phone": PHONE, "language": "en"})
    assert r.status_code == 202, r.text
    assert _texts(gateway)[-1].startswith("[12345] Your sign-in code is")
    client.get("/my/login?lang=zh")
    r = post_form(client, "/my/login", "/my/code", {"phone": "13912345671"})
    assert r.status_code == 200, r.text
    assert _texts(gateway, "13912345671")[-1].startswith("【12345】您的登录验证码")


def test_account_preference_on_my_cases(world: Any, gateway: Gateway) -> None:
    """A signed-in citizen sets the language on 我的诉求: every case of their phone, and the
    messages that follow, are in it (audited)."""
    import re

    from tests.pages.helpers import csrf_of

    number = world.create(contact_phone=PHONE)["number"]  # asked in Chinese
    assert _texts(gateway)[-1].startswith("【12345】")
    world.client.cookies.clear()
    r = post_form(world.client, "/my/login", "/my/code", {"phone": PHONE})
    code = re.search(r'id="demo-code">[^<]*<strong class="number">(\d{6})</strong>', r.text)
    assert code, "the development demo shows the code"
    token = csrf_of(world.client.get("/my/login").text)
    r = world.client.post(
        "/my/login", data={"phone": PHONE, "code": code.group(1), "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    page = world.client.get("/my").text
    assert 'id="my-language-zh" checked' in page
    r = post_form(world.client, "/my", "/my/language", {"language": "fr"})
    assert r.status_code == 422
    r = post_form(world.client, "/my", "/my/language", {"language": "en"}, follow_redirects=False)
    assert r.status_code == 303
    assert _language(number) == "en"
    page = world.client.get("/my?done=language").text
    assert 'id="my-language-en" checked' in page and 'id="my-language-done"' in page
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已修复。")
    assert "has answered your appeal" in _texts(gateway)[-1]
    world.client.cookies.clear()
    assert (
        post_form(
            world.client, "/my/login", "/my/language", {"language": "en"}, follow_redirects=False
        ).status_code
        == 303
    )
