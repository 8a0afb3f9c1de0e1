"""The consuming systems' pages through the app: least privilege, CSRF, the secret shown once,
rotation, certificate binding and retirement with their errors, both languages."""

from __future__ import annotations

import re

from tests.pages.helpers import csrf_of, login, post_form
from tests.sharing.conftest import SharingCity

SECRET = re.compile(r'id="shown-secret"[^>]*>([^<]+)<')


def _register(city: SharingCity) -> tuple[str, str]:
    r = post_form(
        city.client, "/sharing/clients", "/sharing/clients", {"name": "住房保障系统", "department": "ZJ"}
    )
    assert r.status_code == 200, r.text
    cid = re.search(r'id="shown-client-id"[^>]*>([^<]+)<', r.text)
    secret = SECRET.search(r.text)
    assert cid and secret
    assert r.headers["cache-control"] == "no-store"
    return cid.group(1), secret.group(1)


def _token_status(city: SharingCity, cid: str, secret: str) -> int:
    data = {"grant_type": "client_credentials", "client_id": cid, "client_secret": secret}
    return city.client.post("/api/v1/exchange/token", data=data).status_code


def test_register_rotate_bind_retire_through_the_pages(city: SharingCity) -> None:
    c = city.client
    login(c, "st_zj")
    page = c.get("/sharing/clients")
    assert page.status_code == 200
    assert "接入系统管理" in page.text
    assert 'id="no-clients"' in page.text
    # errors: a blank name, another department, no CSRF token
    r = post_form(c, "/sharing/clients", "/sharing/clients", {"name": "", "department": "ZJ"})
    assert r.status_code == 422
    assert 'id="f-name-error"' in r.text
    r = post_form(c, "/sharing/clients", "/sharing/clients", {"name": "x", "department": "GA"})
    assert r.status_code == 422
    assert "只能为本部门登记接入系统" in r.text
    assert c.post("/sharing/clients", data={"name": "x", "department": "ZJ"}).status_code == 403
    cid, secret = _register(city)
    assert _token_status(city, cid, secret) == 200
    # the secret is not on the system's page once shown
    detail = c.get(f"/sharing/clients/{cid}")
    assert secret not in detail.text
    assert 'id="shown-secret"' not in detail.text
    assert f'id="client-{cid}"' in c.get("/sharing/clients").text
    # rotation shows a new secret once; the old one is void
    r = post_form(c, f"/sharing/clients/{cid}", f"/sharing/clients/{cid}/rotate", {})
    assert r.status_code == 200
    new = SECRET.search(r.text)
    assert new and new.group(1) != secret
    assert _token_status(city, cid, secret) == 401
    assert _token_status(city, cid, new.group(1)) == 200
    # certificate: a bad fingerprint is a 422 on the form, a good one binds
    r = post_form(
        c, f"/sharing/clients/{cid}", f"/sharing/clients/{cid}/certificate", {"fingerprint": "12:34"}
    )
    assert r.status_code == 422
    assert 'id="f-fingerprint-error"' in r.text
    r = post_form(
        c,
        f"/sharing/clients/{cid}",
        f"/sharing/clients/{cid}/certificate",
        {"fingerprint": "AB" * 32},
        follow_redirects=False,
    )
    assert (r.status_code, r.headers["location"]) == (303, f"/sharing/clients/{cid}?done=bound")
    assert "ab" * 32 in c.get(f"/sharing/clients/{cid}").text
    assert _token_status(city, cid, new.group(1)) == 401  # no mutual-TLS proxy configured
    # retirement needs the confirmation
    r = post_form(c, f"/sharing/clients/{cid}", f"/sharing/clients/{cid}/retire", {})
    assert r.status_code == 422
    assert 'id="f-confirm-error"' in r.text
    r = post_form(
        c,
        f"/sharing/clients/{cid}",
        f"/sharing/clients/{cid}/retire",
        {"confirm": "yes"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get(f"/sharing/clients/{cid}?done=retired&lang=en")
    assert "Retired" in page.text
    assert 'id="rotate"' not in page.text  # nothing left to manage
    # a retired system cannot be rotated by a forged POST either
    token = csrf_of(page.text)
    assert c.post(f"/sharing/clients/{cid}/rotate", data={"csrf_token": token}).status_code == 409


def test_who_may_open_the_pages(city: SharingCity) -> None:
    c = city.client
    login(c, "admin")
    cid, _secret = _register(city)
    login(c, "st_jy")  # another department's steward: not found, and an empty list
    assert c.get(f"/sharing/clients/{cid}").status_code == 404
    assert 'id="no-clients"' in c.get("/sharing/clients").text
    token = csrf_of(c.get("/sharing/clients").text)
    assert c.post(f"/sharing/clients/{cid}/rotate", data={"csrf_token": token}).status_code == 404
    login(c, "h_zj")  # a handler of the same department: no sharing:clients
    assert c.get("/sharing/clients").status_code == 403
    assert c.get(f"/sharing/clients/{cid}").status_code == 403
    assert 'id="clients-link"' not in c.get("/sharing").text
    login(c, "st_zj")
    assert 'id="clients-link"' in c.get("/sharing").text
    assert c.get("/sharing/clients/%00").status_code == 422  # NUL refused at the edge
