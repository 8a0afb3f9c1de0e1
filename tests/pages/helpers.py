"""Helpers for page tests: CSRF tokens from rendered forms, cookie login."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.builders import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def post_form(client: TestClient, page: str, url: str, data: dict[str, Any], **kw: Any) -> Any:
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**data, "csrf_token": token}, **kw)


def login(client: TestClient, username: str) -> None:
    client.cookies.clear()
    r = post_form(
        client, "/login", "/login", {"username": username, "password": PASSWORD}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
