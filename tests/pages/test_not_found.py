"""A mistyped address: a browser gets the shell's 404 page in its language; machines (the API,
Open311, anything not asking for HTML) keep the bilingual problem document."""

from __future__ import annotations

from typing import Any

HTML = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_a_browser_gets_a_page_in_its_language(client: Any) -> None:
    r = client.get("/services/windw", headers=HTML)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "页面不存在" in r.text and 'href="/"' in r.text
    en = client.get("/no-such-page?lang=en", headers=HTML)
    assert en.status_code == 404 and "Page not found" in en.text and "页面不存在" not in en.text


def test_machines_keep_the_problem_document(client: Any) -> None:
    for path, headers in (
        ("/api/v1/no-such-thing", HTML),  # an API path, even from a browser
        ("/open311/v2/nothing.json", HTML),
        ("/no-such-page", {"accept": "application/json"}),
        ("/no-such-page", {}),
    ):
        r = client.get(path, headers=headers)
        assert r.status_code == 404, path
        assert r.headers["content-type"].startswith("application/problem+json"), path
        assert r.json()["message"] == {"zh": "未找到", "en": "Not Found"}


def test_other_errors_are_unchanged(client: Any) -> None:
    r = client.post("/services", headers=HTML)  # a page that only answers GET
    assert r.status_code == 405 and r.json()["code"] == "http_405"
