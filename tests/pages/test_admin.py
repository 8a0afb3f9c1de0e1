"""Administration pages: admin only; departments, users, limits, calendar through the services."""

from __future__ import annotations

from typing import Any

from tests.pages.helpers import login, post_form


def test_admin_is_for_administrators(client: Any, world: Any) -> None:
    login(client, "leader")
    assert client.get("/admin").status_code == 403
    assert 'href="/admin"' not in client.get("/work").text
    r = post_form(
        client, "/work", "/admin/users", {"username": "x", "password": "long-enough", "role": "handler"}
    )
    assert r.status_code == 403


def test_create_department_and_user_with_field_errors(client: Any, world: Any) -> None:
    login(client, "admin")
    page = client.get("/admin/departments").text
    assert "橘子洲街道" in page and 'href="/admin"' in page
    r = post_form(client, "/admin", "/admin/departments", {"code": "D1", "name": "重复", "kind": "district"})
    assert r.status_code == 409 and 'id="d-code-error"' in r.text
    data = {"code": "S9", "name": "<b>新街道</b>", "kind": "street", "parent": "D1"}
    r = post_form(client, "/admin", "/admin/departments", data, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/admin?done=department"
    r = client.get("/admin?done=department", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/departments?done=department"
    assert "&lt;b&gt;新街道&lt;/b&gt;" in client.get(r.headers["location"]).text
    user = {"username": "h_s9", "password": "short", "role": "handler", "department": "S9"}
    r = post_form(client, "/admin", "/admin/users", user)
    assert r.status_code == 422 and 'id="u-password-error"' in r.text
    r = post_form(
        client, "/admin", "/admin/users", user | {"password": "long-enough-1"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "h_s9" in client.get("/admin/users").text


def test_time_limit_and_calendar_import(client: Any, world: Any) -> None:
    login(client, "admin")
    data = {"category": "HJBH", "urgency": "normal", "amount": "0", "unit": "working_days"}
    r = post_form(client, "/admin", "/admin/limits", data)
    assert r.status_code == 422 and 'id="l-amount-error"' in r.text
    r = post_form(client, "/admin", "/admin/limits", data | {"amount": "5"}, follow_redirects=False)
    assert r.status_code == 303
    assert "环境保护" in client.get("/admin/limits").text
    cal = {"year": "2027", "holidays": "2027-01-01 2027-02-03", "makeup_workdays": "2027-01-01"}
    r = post_form(client, "/admin", "/admin/calendar", cal)
    assert r.status_code == 422 and 'id="c-dates-error"' in r.text
    r = post_form(client, "/admin", "/admin/calendar", cal | {"makeup_workdays": "2027-xx"})
    assert r.status_code == 422 and 'id="c-makeup-error"' in r.text
    r = post_form(client, "/admin", "/admin/calendar", cal | {"makeup_workdays": ""}, follow_redirects=False)
    assert r.status_code == 303
    assert "2027" in client.get("/admin/calendar").text.split('id="calendar"')[1]


def test_each_section_has_its_own_page(client: Any, world: Any) -> None:
    login(client, "admin")
    index = client.get("/admin")
    assert index.status_code == 200 and 'id="admin-index"' in index.text
    assert "橘子洲街道" not in index.text  # the index computes no section
    users = client.get("/admin/users").text
    assert 'id="users"' in users and 'id="departments"' not in users and "<h2>" in users
    assert client.get("/admin/nope").status_code == 404
    # a refused write answers the section's own page, not the whole hub
    r = post_form(
        client, "/admin/users", "/admin/users", {"username": "", "password": "x", "role": "handler"}
    )
    assert r.status_code == 422 and 'id="users"' in r.text and 'id="limits"' not in r.text
    login(client, "leader")
    assert client.get("/admin/users").status_code == 403
