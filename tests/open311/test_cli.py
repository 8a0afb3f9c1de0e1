"""``zhizhi open311``: the administrator's key commands, and the client commands against the
app served by a local uvicorn started here."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from zhizhi.cli.main import app as cli

runner = CliRunner()


@pytest.fixture
def server(world: Any) -> Iterator[str]:
    import uvicorn

    from zhizhi.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/open311/v2/"
    srv.should_exit = True
    thread.join(timeout=10)


def run(*args: str) -> Any:
    result = runner.invoke(cli, ["open311", *args])
    return result


def test_keys_and_client_round_trip(server: str) -> None:
    made = run("key-create", "city-app")
    assert made.exit_code == 0, made.output
    key = made.output.strip().splitlines()[-1]
    assert key.startswith("o311_")
    assert run("key-create", "city-app").exit_code == 2  # a name is used once
    listed = run("key-list")
    assert "city-app" in listed.output and key not in listed.output

    services = run("services", "--endpoint", server)
    assert services.exit_code == 0, services.output
    assert "HJBH" in {s["service_code"] for s in json.loads(services.output)}

    posted = run(
        "post",
        "--endpoint",
        server,
        "--api-key",
        key,
        "--service-code",
        "HJBH",
        "--description",
        "广场舞音响声音过大",
        "--address",
        "长沙市岳麓区麓山南路932号",
        "--phone",
        "13912345678",
        "--appeal-type",
        "complaint",
    )
    assert posted.exit_code == 0, posted.output
    number = json.loads(posted.output)["service_request_id"]

    got = run("get", number, "--endpoint", server)
    assert got.exit_code == 0, got.output
    item = json.loads(got.output)
    assert item["service_request_id"] == number and item["status"] == "open"
    assert "13912345678" not in got.output

    listed_requests = run("requests", "--endpoint", server, "--service-code", "HJBH", "--status", "open")
    assert number in [r["service_request_id"] for r in json.loads(listed_requests.output)]

    refused = run(
        "post", "--endpoint", server, "--service-code", "HJBH", "--description", "x", "--address", "a"
    )
    assert refused.exit_code == 1 and "403" in refused.output
    missing = run("get", "20990101000001", "--endpoint", server)
    assert missing.exit_code == 1 and "404" in missing.output

    assert run("key-revoke", "city-app").exit_code == 0
    assert "revoked" in run("key-list").output
    after = run(
        "post", "--endpoint", server, "--api-key", key, "--service-code", "HJBH", "--description", "x"
    )
    assert after.exit_code == 1 and "403" in after.output
    assert run("key-revoke", "nobody").exit_code == 2


def test_unreachable_server(db: str) -> None:
    result = run("services", "--endpoint", "http://127.0.0.1:9/open311/v2/")
    assert result.exit_code == 2


def test_key_create_and_scope_from_the_command_line(world: Any) -> None:
    from sqlalchemy import select

    from zhizhi.core.db import unit_of_work
    from zhizhi.core.models import AuditEntry

    made = run("key-create", "district-app", "--division", "430104", "--service", "HJBH")
    assert made.exit_code == 0, made.output
    line = next(x for x in run("key-list").output.splitlines() if x.startswith("district-app"))
    assert "430104" in line and "HJBH" in line
    # a bad scope: refused with the field's words, and no client is created
    bad = run("key-create", "bad-app", "--division", "43x1")
    assert bad.exit_code == 2 and "行政区划代码前缀" in bad.output
    unknown = run("key-create", "bad-app", "--service", "NO-SUCH")
    assert unknown.exit_code == 2 and "NO-SUCH" in unknown.output
    assert "bad-app" not in run("key-list").output
    # widen to anywhere, any service; then narrow again — each change audited with before/after
    assert run("key-scope", "district-app").exit_code == 0
    line = next(x for x in run("key-list").output.splitlines() if x.startswith("district-app"))
    assert "430104" not in line and "HJBH" not in line
    assert run("key-scope", "district-app", "--division", "4301").exit_code == 0
    assert run("key-scope", "no-such-app", "--division", "4301").exit_code == 2
    with unit_of_work() as s:
        changes = [
            e.detail
            for e in s.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "open311.client_scoped", AuditEntry.object_id == "district-app")
                .order_by(AuditEntry.seq)
            )
        ]
    assert [c["after"]["division_prefix"] for c in changes] == ["430104", None, "4301"]
    assert changes[1]["before"] == {"division_prefix": "430104", "service_codes": ["HJBH"]}
