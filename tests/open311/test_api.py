"""Open311 GeoReport v2 through the HTTP API: every JSON answer checked against the shared
JSON Schemas, XML parsed, errors in the spec's format with the right status, no personal data
in reads, posted requests stored as encrypted cases of channel ``open311``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from defusedxml import ElementTree
from sqlalchemy import text

from zhizhi.core import clock
from zhizhi.core.db import unit_of_work

V2 = "/open311/v2"
Check = Callable[[str, Any], None]


def post(client: Any, key: str | None, fmt: str = "json", headers: Any = None, **fields: Any) -> Any:
    form = {
        "service_code": "HJBH",
        "description": "麓山南路工地夜间施工噪音扰民，电话 13812345678",
        "address_string": "长沙市岳麓区麓山南路932号",
        "first_name": "三",
        "last_name": "张",
        "phone": "13912345678",
        "attribute[appeal_type]": "complaint",
    } | fields
    if key is not None:
        form["api_key"] = key
    form = {k: v for k, v in form.items() if v is not None}
    return client.post(f"{V2}/requests.{fmt}", data=form, headers=headers)


def assert_error(r: Any, status: int, fmt: str = "json") -> str:
    assert r.status_code == status, r.text
    if fmt == "xml":
        root = ElementTree.fromstring(r.content)
        assert root.tag == "errors"
        error = root.find("error")
        assert error is not None and error.findtext("code") == str(status)
        description = error.findtext("description") or ""
    else:
        body = r.json()
        assert isinstance(body, list) and body[0]["code"] == status
        description = body[0]["description"]
    assert " / " in description  # Chinese, then English
    return description


class TestDiscoveryAndServices:
    def test_discovery_in_both_formats(self, world: Any) -> None:
        r = world.client.get(f"{V2}/discovery.json")
        assert r.status_code == 200
        assert r.json()["endpoints"][0]["url"].endswith("/open311/v2/")
        root = ElementTree.fromstring(world.client.get(f"{V2}/discovery.xml").content)
        assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") is not None

    def test_services_are_the_category_tree(self, world: Any, schema_check: Check) -> None:
        from zhizhi.catalogue.models import Category

        with unit_of_work() as s:
            parent = s.query(Category).filter_by(code="CXJS").one()
            s.add(
                Category(code="CXJS.ZF", name="住房保障", name_en="Housing", parent_id=parent.id, active=True)
            )
        r = world.client.get(f"{V2}/services.json")
        assert r.status_code == 200
        services = r.json()
        schema_check("services.json", services)
        by_code = {s["service_code"]: s for s in services}
        assert {"CXJS", "HJBH", "SDQR", "JYWT", "CXJS.ZF"} <= set(by_code)
        child = by_code["CXJS.ZF"]
        assert child["group"] == "城乡建设" and child["metadata"] is True and child["type"] == "realtime"
        assert child["keywords"].split(",") == ["住房保障", "Housing", "城乡建设"]
        root = ElementTree.fromstring(world.client.get(f"{V2}/services.xml").content)
        assert root.tag == "services"
        codes = {s.findtext("service_code") for s in root.findall("service")}
        assert codes == set(by_code)

    def test_service_definition(self, world: Any, schema_check: Check) -> None:
        r = world.client.get(f"{V2}/services/HJBH.json")
        assert r.status_code == 200
        definition = r.json()
        schema_check("service-definition.json", definition)
        appeal = next(a for a in definition["attributes"] if a["code"] == "appeal_type")
        assert {v["key"] for v in appeal["values"]} >= {"complaint", "consult"}
        root = ElementTree.fromstring(world.client.get(f"{V2}/services/HJBH.xml").content)
        assert root.tag == "service_definition"
        assert root.find("attributes/attribute/values/value/key") is not None
        assert_error(world.client.get(f"{V2}/services/NOPE.json"), 404)
        assert_error(world.client.get(f"{V2}/services/NOPE.xml"), 404, "xml")


class TestPosting:
    def test_a_key_is_required_and_checked(self, world: Any, api_key: str) -> None:
        assert_error(post(world.client, None), 403)
        assert_error(post(world.client, "o311_000000000000_" + "x" * 40), 403)
        assert_error(post(world.client, "not-a-key", "xml"), 403, "xml")
        assert_error(post(world.client, api_key[:-1] + ("A" if api_key[-1] != "A" else "B")), 403)

    def test_post_makes_an_encrypted_case_and_a_token(
        self, world: Any, api_key: str, schema_check: Check
    ) -> None:
        r = post(world.client, api_key)
        assert r.status_code == 201, r.text
        (answer,) = r.json()
        number, token = answer["service_request_id"], answer["token"]
        assert "10 个工作日" in answer["service_notice"]
        case = world.get("agent", number)
        assert case["channel"] == "open311" and case["status"] == "received"
        assert case["category"]["code"] == "HJBH" and case["appeal_type"] == "complaint"
        with unit_of_work() as s:
            raw = s.execute(
                text("SELECT contact_phone, contact_name FROM cases WHERE number = :n"), {"n": number}
            ).one()
        assert "13912345678" not in raw[0] and "张三" not in raw[1]  # stored as envelopes
        revealed = world.client.get(f"/api/v1/cases/{number}?reveal=true", headers=world.h("agent"))
        assert revealed.json()["contact_phone"] in ("13912345678", "139****5678")

        one = world.client.get(f"{V2}/requests/{number}.json")
        assert one.status_code == 200
        schema_check("requests.json", one.json())
        (item,) = one.json()
        schema_check("request.json", item)
        assert item["status"] == "open" and item["service_code"] == "HJBH"
        body = one.text
        assert "13912345678" not in body and "张三" not in body and "13812345678" not in body
        assert "138****5678" in item["description"]
        assert item["expected_datetime"] and item["requested_datetime"].endswith("+08:00")

        tok = world.client.get(f"{V2}/tokens/{token}.json")
        assert tok.status_code == 200 and tok.json() == [{"service_request_id": number, "token": token}]
        root = ElementTree.fromstring(world.client.get(f"{V2}/tokens/{token}.xml").content)
        assert root.findtext("request/service_request_id") == number
        assert_error(world.client.get(f"{V2}/tokens/nope.json"), 404)

    def test_xml_post_and_json_body(self, world: Any, api_key: str) -> None:
        r = post(world.client, api_key, "xml")
        assert r.status_code == 201
        root = ElementTree.fromstring(r.content)
        assert root.tag == "service_requests" and root.findtext("request/service_request_id")
        r = world.client.post(
            f"{V2}/requests.json",
            json={
                "api_key": api_key,
                "service_code": "SDQR",
                "description": "停水",
                "lat": 28.18,
                "long": 112.94,
            },
        )
        assert r.status_code == 201, r.text

    def test_idempotent_retry_gives_the_same_request(self, world: Any, api_key: str) -> None:
        first = post(world.client, api_key, headers={"Idempotency-Key": "k-1"}).json()[0]
        again = post(world.client, api_key, headers={"Idempotency-Key": "k-1"}).json()[0]
        assert first == again

    def test_revoked_key_is_refused(self, world: Any, api_key: str) -> None:
        from zhizhi.core import audit
        from zhizhi.open311 import clients

        with unit_of_work() as s:
            clients.revoke_client(s, "partner", actor=audit.Actor(None, "test"))
            names = [c.name for c in clients.list_clients(s) if not c.active]
        assert names == ["partner"]
        assert_error(post(world.client, api_key), 403)
        from sqlalchemy import select

        from zhizhi.core.audit import AuditEntry

        with unit_of_work() as s:
            audited = s.execute(
                select(AuditEntry.action, AuditEntry.object_id).where(AuditEntry.action.like("open311.%"))
            ).all()
        assert sorted(audited) == [
            ("open311.client_created", "partner"),
            ("open311.client_revoked", "partner"),
        ]

    @pytest.mark.parametrize(
        ("fields", "status"),
        [
            ({"service_code": "NOPE"}, 404),
            ({"service_code": None}, 400),
            ({"description": None}, 400),
            ({"description": "x" * 4001}, 400),
            ({"lat": "north"}, 400),
            ({"lat": "28.1"}, 400),  # without long
            ({"address_string": None}, 400),  # no location at all
            ({"phone": "12"}, 400),
            ({"attribute[appeal_type]": "bribe"}, 400),
            ({"attribute[colour]": "red"}, 400),
            ({"surprise": "1"}, 400),
            ({"jurisdiction_id": "elsewhere"}, 404),
        ],
    )
    def test_malformed_posts(self, world: Any, api_key: str, fields: dict[str, Any], status: int) -> None:
        assert_error(post(world.client, api_key, **fields), status)
        assert_error(post(world.client, api_key, "xml", **fields), status, "xml")

    def test_bodies_that_are_not_forms(self, world: Any, api_key: str) -> None:
        c = world.client
        assert_error(
            c.post(f"{V2}/requests.json", content=b"{", headers={"Content-Type": "application/json"}), 400
        )
        assert_error(c.post(f"{V2}/requests.json", json=[1, 2]), 400)
        assert_error(
            c.post(f"{V2}/requests.json", content=b"<a/>", headers={"Content-Type": "text/xml"}), 400
        )
        assert_error(c.post(f"{V2}/requests.yaml", data={"api_key": api_key}), 400)

    def test_posting_is_rate_limited_per_key(self, world: Any, api_key: str, monkeypatch: Any) -> None:
        from zhizhi.core.settings import get_settings

        monkeypatch.setenv("ZHIZHI_RATE_LIMITS", '{"open311": 2}')
        get_settings.cache_clear()
        try:
            assert post(world.client, api_key).status_code == 201
            assert_error(post(world.client, api_key, service_code="NOPE"), 404)  # counts too
            r = post(world.client, api_key)
            assert_error(r, 429)
            assert int(r.headers["Retry-After"]) > 0
        finally:
            get_settings.cache_clear()


class TestReading:
    def test_filters_paging_and_schema(self, world: Any, api_key: str, schema_check: Check) -> None:
        numbers = [post(world.client, api_key).json()[0]["service_request_id"] for _ in range(3)]
        water = post(world.client, api_key, service_code="SDQR").json()[0]["service_request_id"]
        closed = world.case_in("closed")
        confidential = world.create(confidential=True)["number"]
        application = world.create(kind="application", appeal_type=None)["number"]
        c = world.client

        def ids(**params: Any) -> list[str]:
            r = c.get(f"{V2}/requests.json", params=params)
            assert r.status_code == 200, r.text
            schema_check("requests.json", r.json())
            return [x["service_request_id"] for x in r.json()]

        every = ids()
        assert set(every) == {*numbers, water, closed}  # never confidential cases or applications
        assert confidential not in every and application not in every
        assert ids(service_code="SDQR") == [water]
        assert ids(status="closed") == [closed]
        assert closed not in ids(status="open")
        assert set(ids(status="open,closed")) == set(every)
        assert ids(service_request_id=f"{numbers[0]},{water},{confidential}") in (
            [water, numbers[0]],
            [numbers[0], water],
        )
        assert len(ids(page_size=2)) == 2 and len(ids(page_size=2, page=3)) == 1
        assert ids(page_size=2) + ids(page_size=2, page=2) + ids(page_size=2, page=3) == every
        later = (clock.now() + timedelta(days=1)).isoformat()
        assert ids(start_date=later, end_date=(clock.now() + timedelta(days=2)).isoformat()) == []
        past = (clock.now() - timedelta(days=100)).isoformat()
        assert ids(end_date=past) == []
        assert set(ids(start_date=past)) == set(every)
        closed_item = c.get(f"{V2}/requests/{closed}.json").json()[0]
        assert closed_item["status"] == "closed" and closed_item["agency_responsible"] == "橘子洲街道"
        root = ElementTree.fromstring(c.get(f"{V2}/requests.xml").content)
        assert root.tag == "service_requests" and len(root.findall("request")) == len(every)
        assert_error(c.get(f"{V2}/requests/{confidential}.json"), 404)
        assert_error(c.get(f"{V2}/requests/{application}.xml"), 404, "xml")

    @pytest.mark.parametrize(
        "params",
        [
            {"start_date": "yesterday"},
            {"end_date": "2026-13-01"},
            {"end_date": "0001-01-01T00:00:00+14:00"},
            {"start_date": "9999-12-31T23:59:59-12:00"},
            {"start_date": "2026-02-01", "end_date": "2026-01-01"},
            {"status": "pending"},
            {"page_size": "1001"},
            {"page": "0"},
            {"page": "x"},
            {"service_request_id": ",".join(["1"] * 1001)},
            {"service_request_id": ","},
            {"service_code": "NOPE"},
            {"colour": "red"},
        ],
    )
    def test_malformed_queries(self, world: Any, params: dict[str, str]) -> None:
        r = world.client.get(f"{V2}/requests.json", params=params)
        assert r.status_code in (400, 404)
        assert_error(r, r.status_code)
        assert_error(world.client.get(f"{V2}/requests.xml", params=params), r.status_code, "xml")

    def test_jurisdiction(self, world: Any) -> None:
        from zhizhi.core.settings import get_settings

        mine = get_settings().open311_jurisdiction_id
        assert world.client.get(f"{V2}/services.json", params={"jurisdiction_id": mine}).status_code == 200
        for path in (
            "services.json",
            "requests.json",
            "services/HJBH.json",
            "requests/1.json",
            "tokens/t.json",
        ):
            assert_error(world.client.get(f"{V2}/{path}", params={"jurisdiction_id": "x"}), 404)
        assert_error(world.client.get(f"{V2}/services.xml", params={"jurisdiction_id": "x"}), 404, "xml")
        assert_error(world.client.get(f"{V2}/requests/1.json"), 404)
        assert_error(world.client.get(f"{V2}/services.txt"), 400)

    def test_reads_can_require_a_key(self, world: Any, api_key: str, monkeypatch: Any) -> None:
        from zhizhi.core.settings import get_settings

        monkeypatch.setenv("ZHIZHI_OPEN311_PUBLIC_READ", "false")
        get_settings.cache_clear()
        try:
            assert_error(world.client.get(f"{V2}/requests.json"), 403)
            r = world.client.get(f"{V2}/requests.json", params={"api_key": api_key})
            assert r.status_code == 200
            r = world.client.get(f"{V2}/services.json", headers={"X-Api-Key": api_key})
            assert r.status_code == 200
        finally:
            get_settings.cache_clear()


class TestNeverA500:
    def test_random_queries_and_posts(self, world: Any, api_key: str) -> None:
        from hypothesis import HealthCheck, given, settings
        from hypothesis import strategies as st

        names = st.sampled_from(
            [
                "service_request_id",
                "service_code",
                "start_date",
                "end_date",
                "status",
                "page",
                "page_size",
                "lat",
            ]
        )
        values = st.text(
            st.characters(min_codepoint=32, max_codepoint=0x2FFF, exclude_categories=("Cs",)), max_size=30
        )

        @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.dictionaries(names, values, max_size=4), st.sampled_from(["json", "xml"]))
        def probe(params: dict[str, str], fmt: str) -> None:
            r = world.client.get(f"{V2}/requests.{fmt}", params=params)
            assert r.status_code in (200, 400, 404), r.text
            if r.status_code != 200:
                assert_error(r, r.status_code, fmt)
            p = post(
                world.client, api_key, fmt, **{k.replace("page_size", "long"): v for k, v in params.items()}
            )
            assert p.status_code in (201, 400, 404), p.text

        probe()
