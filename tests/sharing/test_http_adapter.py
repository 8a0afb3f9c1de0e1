"""The HTTP adapter against a provider API that the test starts (a local HTTP server): records,
404, provider failures (503, nothing made up), and masking on top of the provider's answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest

from tests.sharing.conftest import SharingCity

WATER = {
    "0731001": {
        "account": "0731001",
        "holder": "刘建华",
        "phone": "13975112345",
        "address": "湖南省长沙市岳麓区桐梓坡路88号3栋1201室",
        "arrears": "0.00",
    },
}
SEEN: list[str] = []


class Provider(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        SEEN.append(self.path)
        key = unquote(self.path.rsplit("/", 1)[-1])
        if key == "boom":
            self.send_response(500)
            self.end_headers()
            return
        if key == "text":
            body = b"<html>not json</html>"
        elif key in WATER:
            body = json.dumps(WATER[key], ensure_ascii=False).encode()
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def provider() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_adapter_serves_masks_and_fails_honestly(city: SharingCity, provider: str) -> None:
    SEEN.clear()
    body = {
        "code": "SY-YS-001",
        "name": "用水户信息",
        "owner": "SCJG",
        "share_type": "unconditional",
        "source_system": "长沙水业营业收费系统",
        "update_cycle": "daily",
        "adapter": "http",
        "adapter_target": f"{provider}/accounts/{{key}}",
        "key_field": "account",
        "fields": [
            {"name": "account", "label": "户号"},
            {"name": "holder", "label": "户主", "personal": "personal", "mask": "name"},
            {"name": "phone", "label": "联系电话", "personal": "sensitive", "mask": "phone"},
            {"name": "arrears", "label": "欠费金额", "grade": "important"},
        ],
    }
    r = city.client.put("/api/v1/sharing/resources/SY-YS-001", json=body, headers=city.h("admin"))
    assert r.status_code == 201, r.text
    city.request("st_zj", "SY-YS-001", ["account", "holder", "phone"], purpose="verification")
    r = city.read("ZJ", "SY-YS-001", "0731001", purpose="verification")
    assert r.status_code == 200, r.text
    # verification: personal masked, sensitive masked, the ungranted arrears never asked of the answer
    assert r.json()["record"] == {"account": "0731001", "holder": "刘**", "phone": "139****2345"}
    assert SEEN == ["/accounts/0731001"]
    assert city.read("ZJ", "SY-YS-001", "0731999", purpose="verification").status_code == 404
    r = city.read("ZJ", "SY-YS-001", "boom", purpose="verification")
    assert r.status_code == 503
    assert r.json()["message"] == {
        "zh": "数据提供方接口出错（HTTP 500）",
        "en": "the provider API failed (HTTP 500)",
    }
    r = city.read("ZJ", "SY-YS-001", "text", purpose="verification")
    assert (r.status_code, r.json()["message"]["en"]) == (503, "the provider's answer is not JSON")


def test_http_adapter_provider_down(city: SharingCity, provider: str) -> None:
    body = {
        "code": "SY-YS-002",
        "name": "用水户信息（备用）",
        "owner": "SCJG",
        "share_type": "unconditional",
        "source_system": "备用系统",
        "update_cycle": "daily",
        "adapter": "http",
        "adapter_target": "http://127.0.0.1:9/accounts/{key}",  # discard port: nobody listens
        "key_field": "account",
        "fields": [{"name": "account", "label": "户号"}],
    }
    assert (
        city.client.put("/api/v1/sharing/resources/SY-YS-002", json=body, headers=city.h("admin")).status_code
        == 201
    )
    city.request("st_zj", "SY-YS-002", ["account"])
    r = city.read("ZJ", "SY-YS-002", "0731001")
    assert (r.status_code, r.json()["message"]["en"]) == (503, "the provider API is unavailable")
    bad = body | {"code": "SY-YS-003", "adapter_target": "file:///etc/passwd"}
    r = city.client.put("/api/v1/sharing/resources/SY-YS-003", json=bad, headers=city.h("admin"))
    assert (r.status_code, r.json()["field"]) == (422, "adapter_target")
