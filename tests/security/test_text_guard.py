"""NUL, other control characters and lone surrogates are refused at the edge with a 422 naming
the field — in path parameters, query parameters, JSON bodies and forms of every route of the
OpenAPI document, and on the pages' form posts.  On PostgreSQL these were 500s (issue 12)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

BAD_TEXTS = {"nul": "a\x00b", "c0": "a\x01b", "esc": "a\x1bb"}
JSON_BAD = {"nul": '"a\\u0000b"', "surrogate": '"a\\ud800b"', "c0": '"\\u001f"'}


def _operations(client: Any) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get("/openapi.json").json()
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _fill(path: str, value: str = "x1") -> str:
    out = path
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + value + out[end + 1 :]
    return out


def test_every_path_parameter_refuses_nul(world: Any) -> None:
    client = world.client
    checked = []
    for method, path, op in _operations(client):
        for param in (p for p in op.get("parameters", []) if p["in"] == "path"):
            url = path.replace("{" + param["name"] + "}", quote("a\x00b"))
            r = client.request(method, _fill(url), headers=world.h("admin"))
            assert r.status_code == 422, (method, path, r.status_code, r.text)
            assert r.json()["field"] == param["name"], (method, path, r.json())
            checked.append(path)
    assert len(checked) >= 9


@pytest.mark.parametrize(
    ("url", "field"),
    [("/work/cases/{}", "number"), ("/submitted/{}", "number"), ("/work/cases/{}/print/order", "number")],
)
def test_page_path_parameters_refuse_nul(world: Any, url: str, field: str) -> None:
    r = world.client.get(url.format(quote("2026\x00")))
    assert (r.status_code, r.json()["field"]) == (422, field)


@pytest.mark.parametrize("kind", sorted(BAD_TEXTS))
def test_every_query_parameter_refuses_control_characters(world: Any, kind: str) -> None:
    client = world.client
    checked = 0
    for method, path, op in _operations(client):
        for param in (p for p in op.get("parameters", []) if p["in"] == "query"):
            r = client.request(
                method, _fill(path), params={param["name"]: BAD_TEXTS[kind]}, headers=world.h("admin")
            )
            assert r.status_code == 422, (method, path, param["name"], r.status_code, r.text)
            body = r.json()
            assert body["field"] == param["name"]
            assert body["message"]["en"] == (
                f"{param['name']}: contains a control character (such as NUL) or invalid encoding"
            )
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("kind", sorted(JSON_BAD))
def test_every_json_body_refuses_bad_text_naming_the_field(world: Any, kind: str) -> None:
    client = world.client
    checked = 0
    for method, path, op in _operations(client):
        content = op.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        raw = '{"outer": {"items": [1, ' + JSON_BAD[kind] + "]}}"
        r = client.request(
            method,
            _fill(path),
            content=raw.encode(),
            headers={**world.h("admin"), "Content-Type": "application/json"},
        )
        assert r.status_code == 422, (method, path, r.status_code, r.text)
        assert r.json()["field"] == "outer.items.1", (method, path, r.json())
        checked += 1
    assert checked >= 10


def test_case_creation_and_actions_with_nul_anonymously_and_as_staff(world: Any) -> None:
    client = world.client
    body = {"kind": "appeal", "subject": "噪音\x00", "content": "夜间施工", "contact_phone": "13812341234"}
    r = client.post("/api/v1/cases", json=body)
    assert (r.status_code, r.json()["field"]) == (422, "subject")
    number = world.create()["number"]
    r = client.post(
        f"/api/v1/cases/{number}/actions",
        json={"action": "dispatch", "lead_department": "S1", "note": "x\x00"},
        headers=world.h("dispatcher"),
    )
    assert (r.status_code, r.json()["field"]) == (422, "note")
    assert world.get("dispatcher", number)["status"] == "accepted"  # nothing written


@pytest.mark.parametrize(
    ("url", "field", "data"),
    [
        ("/api/v1/auth/token", "username", {"username": "admin\x00", "password": "x"}),
        ("/api/v1/auth/token", "password", {"username": "admin", "password": "\x00"}),
        ("/login", "username", {"username": "a\x00", "password": "x", "csrf_token": "t"}),
        ("/submit", "content", {"subject": "s", "content": "c\x00", "csrf_token": "t"}),
        ("/track", "number", {"number": "2026\x00", "phone": "1234", "csrf_token": "t"}),
    ],
)
def test_forms_refuse_nul_before_anything_else(
    world: Any, url: str, field: str, data: dict[str, str]
) -> None:
    r = world.client.post(url, data=data)
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_undecodable_bytes_in_a_form_or_query_are_refused(world: Any) -> None:
    r = world.client.get("/api/v1/divisions?q=%ff%fe")
    assert (r.status_code, r.json()["field"]) == (422, "q")
    r = world.client.post(
        "/api/v1/auth/token",
        content=b"username=%ff&password=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (r.status_code, r.json()["field"]) == (422, "username")


def test_tabs_and_newlines_still_pass(world: Any) -> None:
    case = world.create(content="第一行\n第二行\t缩进\r\n第三行")
    assert world.get("agent", case["number"])["content"] == "第一行\n第二行\t缩进\r\n第三行"
