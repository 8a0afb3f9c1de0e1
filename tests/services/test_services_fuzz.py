"""Bad input on every endpoint of one-stop services (issue 14, "Bad input"): NUL characters, lone
surrogates, oversized text and wrong types in every string of every body, path and query
parameter, sent by each role that may reach the endpoint — a 4xx with a bilingual message, never
a 500, on SQLite and PostgreSQL.  The bodies are built from the OpenAPI schema, so a new endpoint
or field is covered without editing this test."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.attachments.photos import PDF
from tests.builders import World
from tests.services.apps_data import LICENCE, publish_items, submit
from tests.services.window_support import build_halls

PREFIXES = (
    "/api/v1/service-items",
    "/api/v1/applications",
    "/api/v1/bundles",
    "/api/v1/bundle-applications",
    "/api/v1/window",
    "/api/v1/service-ratings",
    "/api/v1/service-supervision",
)
# NUL, a lone surrogate (valid JSON, not encodable in UTF-8), oversized text
PAYLOADS = ["a\x00b", "\ud800", "长" * 60_000]
USERS = [None, "citizen", "clerk_a", "h_zj", "istew", "admin"]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _fill(spec: dict[str, Any], schema: dict[str, Any], bad: Any, depth: int = 0) -> Any:
    """A value of ``schema`` whose every string is ``bad``."""
    schema = _resolve(spec, schema)
    if depth > 6:
        return bad
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if _resolve(spec, o).get("type") != "null"]
            return _fill(spec, options[0], bad, depth + 1) if options else None
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        if not props and schema.get("additionalProperties"):
            return {"k": bad}
        return {k: _fill(spec, v, bad, depth + 1) for k, v in props.items()}
    if kind == "array":
        return [_fill(spec, schema.get("items", {}), bad, depth + 1)]
    if kind == "integer":
        return 2**70  # beyond any column
    if kind == "number":
        return 1e308
    if kind == "boolean":
        return "yes"
    return bad


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True)  # a lone surrogate travels as \ud800


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, methods in spec["paths"].items()
        if path.startswith(PREFIXES)
        for method, op in methods.items()
    ]


@pytest.fixture
def fuzz_world(items_world: World) -> World:
    publish_items(items_world)
    build_halls(items_world)
    return items_world


def _check(r: Any, what: str) -> None:
    assert r.status_code < 500, f"{what}: {r.status_code} {r.text[:300]}"
    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
        body = r.json()
        message = body.get("message") if isinstance(body, dict) else None
        if isinstance(message, dict):
            assert message.get("zh") and message.get("en"), f"{what}: {body}"


def test_the_endpoints_are_all_found(fuzz_world: World) -> None:
    spec = fuzz_world.client.get("/openapi.json").json()
    paths = {path for _, path, _ in _operations(spec)}
    assert len(paths) >= 25, paths  # items, applications, bundles, window, ratings, supervision


@pytest.mark.parametrize("payload", range(len(PAYLOADS)), ids=["nul", "surrogate", "huge"])
def test_no_500_on_any_services_endpoint(fuzz_world: World, payload: int) -> None:
    w = fuzz_world
    bad = PAYLOADS[payload]
    spec = w.client.get("/openapi.json").json()
    for method, path, op in _operations(spec):
        url = path
        for param in op.get("parameters", []):
            if param["in"] == "path":
                url = url.replace("{" + param["name"] + "}", "x%00y" if payload == 0 else "x" * 3000)
        query = {p["name"]: bad for p in op.get("parameters", []) if p["in"] == "query"}
        query_text = {k: v.replace("\ud800", "\ufffd")[:400] for k, v in query.items()}
        content = op.get("requestBody", {}).get("content", {})
        for user in USERS:
            headers = w.h(user) if user else {}
            what = f"{method} {url[:80]} as {user}"
            if "application/json" in content:
                body = _fill(spec, content["application/json"]["schema"], bad)
                r = w.client.request(
                    method,
                    url,
                    params=query_text,
                    content=_dump(body),
                    headers=headers | {"Content-Type": "application/json"},
                )
                _check(r, what + " (json)")
                r = w.client.request(  # a wrong type for the whole body
                    method, url, content=_dump([bad]), headers=headers | {"Content-Type": "application/json"}
                )
                _check(r, what + " (json list)")
            if "multipart/form-data" in content:
                data = _dump(
                    {"item": LICENCE, "applicant": {"name": bad, "id_number": bad}, "form": {"x": bad}}
                )
                r = w.client.request(
                    method,
                    url,
                    data={"data": data},
                    files=[("material.food.application_form", ("a\x00b.pdf", PDF, "application/pdf"))],
                    headers=headers,
                )
                _check(r, what + " (multipart)")
            if not content:
                r = w.client.request(method, url, params=query_text, headers=headers)
                _check(r, what)


def test_bundle_submission_with_bad_bodies(fuzz_world: World) -> None:
    """The bundle submission reads its body itself (JSON or multipart): broken JSON, a list, NUL."""
    w = fuzz_world
    for body in ("{", "[1]", _dump({"applicant": {"name": "a\x00b"}}), _dump({"x" * 5000: 1}), "null"):
        for user in (None, "citizen", "clerk_a"):
            headers = (w.h(user) if user else {}) | {"Content-Type": "application/json"}
            r = w.client.post("/api/v1/bundles/NEWBORN/applications", content=body, headers=headers)
            _check(r, f"bundle {body[:20]} as {user}")
            r = w.client.post(
                "/api/v1/bundles/NEWBORN/applications",
                data={"data": body},
                headers=w.h(user) if user else {},
                files=[("material.x", ("x.pdf", PDF, "application/pdf"))],
            )
            _check(r, f"bundle multipart {body[:20]} as {user}")


def test_a_material_file_too_large_is_refused_with_the_field(fuzz_world: World) -> None:
    from zhizhi.core.settings import get_settings

    limit = get_settings().attachment_max_bytes
    big = PDF + b"0" * (limit + 1)
    data = {
        "item": LICENCE,
        "applicant": {"type": "organisation", "name": "某公司", "id_number": "x", "phone": "13900001111"},
        "form": {},
    }
    r = fuzz_world.client.post(
        "/api/v1/applications",
        data={"data": json.dumps(data, ensure_ascii=False)},
        files=[("material.food.application_form", ("big.pdf", big, "application/pdf"))],
        headers=fuzz_world.h("citizen"),
    )
    assert r.status_code in (413, 422), r.text
    body = r.json()
    fields = {body.get("field")} | {e.get("field") for e in body.get("errors", [])}
    assert "materials.food.application_form" in fields, body
    assert body["message"]["zh"] and body["message"]["en"]


# the services' HTML forms: (user, the page with the form, where it posts, extra fields)
FORMS: list[tuple[str | None, str, str, dict[str, str]]] = [
    (None, f"/services/apply/{LICENCE}", f"/services/apply/{LICENCE}", {}),
    (None, "/services/track", "/services/track", {}),
    (None, "/services/rate", "/services/rate/lookup", {}),
    (None, "/services/rate", "/services/rate", {"level": "x", "stage": "x"}),
    (None, "/bundles", "/bundle-status", {}),
    (None, "/bundles", "/bundles/NEWBORN", {"applicant_type": "person", "consent": "1"}),
    ("clerk_a", f"/services/window?item={LICENCE}", "/services/window/receive", {"item": LICENCE}),
    ("istew", "/services/items/new", "/services/items/save", {}),
    ("istew", "/services/items", "/services/items/import", {}),
    ("istew", f"/services/items/view/{LICENCE}", f"/services/items/view/{LICENCE}/retire", {}),
    ("h_zj", "/services/rectifications", "/services/rectifications/1/verify", {}),
    ("h_zj", "/services/rectifications", "/services/rectifications/1/complete", {}),
    ("leader", "/cockpit/services", "/cockpit/instruct", {}),
]
NAME = re.compile(r'name="([^"]+)"')


@pytest.mark.parametrize("bad", ["a\x00b", "长" * 50_000], ids=["nul", "huge"])
def test_no_500_on_the_services_forms(fuzz_world: World, bad: str) -> None:
    """Every field of every services form (the names read from the page itself) set to NUL or
    oversized text: the page answers with its errors (or 4xx), never 500."""
    from tests.pages.helpers import csrf_of, login

    w = fuzz_world
    number = submit(w)["number"]
    forms = [*FORMS, ("h_zj", f"/work/applications/{number}", f"/work/applications/{number}/act", {})]
    for user, page, url, extra in forms:
        w.client.cookies.clear()
        if user:
            login(w.client, user)
        r = w.client.get(page)
        assert r.status_code == 200, f"{page} as {user}: {r.status_code}"
        names = {n for n in NAME.findall(r.text) if n != "csrf_token"}
        actions = ["accept", "request_supplement", "refuse_acceptance", "start_special", "extend"]
        for action in actions if url.endswith("/act") else [None]:
            data = {n: bad for n in names} | extra | ({"action": action} if action else {})
            if "csrf_token" in r.text:
                data["csrf_token"] = csrf_of(r.text)
            answer = w.client.post(url, data=data, follow_redirects=False)
            _check(answer, f"POST {url} ({action}) as {user}")
