"""Open311 posting clients on the administration hub (issue 13): list, create (the key shown
once), scope to an area and services, rotate, revoke; administrators only; every change audited;
the key's scope enforced on POST. Through the pages with a TestClient (Chromium: *_browser)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from tests.pages.helpers import login, post_form
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import session_factory
from zhizhi.open311.models import Open311Client

V2 = "/open311/v2"
PAGE = "/admin/open311-clients"


def _key(html: str) -> str:
    found = re.search(r'id="shown-key"[^>]*>([^<]+)<', html)
    assert found, html[:2000]
    return found.group(1).strip()


def _post(client: Any, key: str, service: str = "SDQR") -> Any:
    return client.post(
        f"{V2}/requests.json",
        data={
            "api_key": key,
            "service_code": service,
            "description": "停水",
            "lat": "28.18",
            "long": "112.94",
        },
    )


def _actions(name: str) -> list[str]:
    with session_factory()() as s:
        rows = s.scalars(
            select(AuditEntry.action).where(
                AuditEntry.object_type == "open311_client", AuditEntry.object_id == name
            )
        ).all()
    return list(rows)


def test_admin_creates_scopes_rotates_and_revokes(client: Any, world: Any) -> None:
    login(client, "admin")
    page = client.get(PAGE).text
    assert 'id="o3-none"' in page and 'action="/admin/open311-clients"' in page
    r = post_form(
        client, PAGE, PAGE, {"name": "street-app", "division_prefix": "430104", "service_codes": ["SDQR"]}
    )
    assert r.status_code == 200, r.text
    key = _key(r.text)
    assert r.headers["cache-control"].startswith("no-store")
    with session_factory()() as s:
        row = s.scalars(select(Open311Client).where(Open311Client.name == "street-app")).one()
        assert key not in (row.key_hash, row.key_prefix) and key.startswith(f"o311_{row.key_prefix}_")
        assert (row.division_prefix, row.service_codes) == ("430104", ["SDQR"])
    # the detail page never shows the key again
    detail = client.get(f"{PAGE}/street-app").text
    assert key not in detail and "430104" in detail and 'id="shown-key"' not in detail
    # area limited to 430104: a request it cannot place there is refused, nothing kept
    r = _post(world.client, key)
    assert r.status_code == 403, r.text
    # the whole city, SDQR only
    r = post_form(client, f"{PAGE}/street-app", f"{PAGE}/street-app/scope", {"service_codes": ["SDQR"]})
    assert r.status_code in (200, 303), r.text
    assert _post(world.client, key).status_code == 201
    assert _post(world.client, key, "CXJS").status_code == 403
    listing = client.get(PAGE).text
    row_html = listing.split('id="o3-street-app"', 1)[1].split("</tr>", 1)[0]
    assert "SDQR" in row_html and ">1<" in row_html  # one request posted; last used shown
    assert "从未使用" not in row_html
    # rotate: the old key stops at once
    r = post_form(client, f"{PAGE}/street-app", f"{PAGE}/street-app/rotate", {})
    assert r.status_code == 200, r.text
    new = _key(r.text)
    assert new != key
    assert _post(world.client, key).status_code == 403
    assert _post(world.client, new).status_code == 201
    # revoke needs the confirmation
    r = post_form(client, f"{PAGE}/street-app", f"{PAGE}/street-app/revoke", {})
    assert r.status_code == 422 and "f-confirm-error" in r.text
    r = post_form(client, f"{PAGE}/street-app", f"{PAGE}/street-app/revoke", {"confirm": "yes"})
    assert r.status_code in (200, 303)
    assert _post(world.client, new).status_code == 403
    assert "已吊销" in client.get(f"{PAGE}/street-app").text
    assert _actions("street-app") == [
        "open311.client_created",
        "open311.client_scoped",
        "open311.client_scoped",
        "open311.key_rotated",
        "open311.client_revoked",
    ]


def test_bad_input_and_permissions(client: Any, world: Any) -> None:
    login(client, "admin")
    r = post_form(client, PAGE, PAGE, {"name": "x y"})
    assert r.status_code == 422 and 'id="o3-name-error"' in r.text
    r = post_form(client, PAGE, PAGE, {"name": "okname", "division_prefix": "43ab"})
    assert r.status_code == 422 and "2–12" in r.text
    r = post_form(client, PAGE, PAGE, {"name": "okname", "service_codes": ["NOPE"]})
    assert r.status_code == 422
    r = post_form(client, PAGE, PAGE, {"name": "okname", "division_prefix": "\x00"})
    assert r.status_code in (400, 422)
    with session_factory()() as s:  # nothing of a refused form is kept
        assert s.scalars(select(Open311Client)).all() == []
    assert client.get(f"{PAGE}/nobody").status_code == 404
    r = post_form(client, PAGE, PAGE, {"name": "kept"})
    assert r.status_code == 200
    login(client, "dispatcher")
    assert client.get(f"{PAGE}/kept").status_code == 403
    assert client.get(PAGE).status_code == 403
    r = post_form(client, "/work", f"{PAGE}/kept/rotate", {})
    assert r.status_code == 403
    assert _actions("kept") == ["open311.client_created", "open311.client_scoped"]
    # English
    login(client, "admin")
    english = client.get(f"{PAGE}/kept?lang=en").text
    assert "Rotate the key" in english and "The whole city" in english


def test_the_client_page_names_its_creator_not_the_login(client: Any, world: Any) -> None:
    from sqlalchemy import update

    from zhizhi.core.db import unit_of_work
    from zhizhi.org.models import User

    with unit_of_work() as s:
        s.execute(update(User).where(User.username == "admin").values(display_name="周建平"))
    login(client, "admin")
    assert post_form(client, PAGE, PAGE, {"name": "named-app"}).status_code == 200
    page = client.get(f"{PAGE}/named-app").text
    assert "· 周建平</dd>" in page and "· admin</dd>" not in page
