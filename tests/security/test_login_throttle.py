"""Brute force: lockout per account and per source address (counted in the database, so every
process sees it), the lockout's end in the message, the unknown-name path as slow as a wrong
password, and failures that no longer flood the audit trail (issue 12)."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.builders import PASSWORD
from tests.pages.helpers import post_form
from zhizhi.core import clock
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import session_factory
from zhizhi.web.app import create_app


def _token(client: Any, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def _audit_count(action: str) -> int:
    with session_factory()() as s:
        return int(s.scalar(select(func.count()).where(AuditEntry.action == action)) or 0)


def test_wrong_passwords_then_the_right_one_is_refused_until_the_lockout_ends(world: Any) -> None:
    clock.freeze(clock.now().replace(microsecond=0))
    statuses = [_token(world.client, "dispatcher", f"guess-{i}").status_code for i in range(100)]
    assert statuses[:4] == [401, 401, 401, 401]
    assert set(statuses[4:]) == {429}  # the 5th failure locks; the next 95 are refused unchecked
    r = _token(world.client, "dispatcher", PASSWORD)
    assert r.status_code == 429
    until = clock.to_local(clock.now() + timedelta(minutes=15)).strftime("%Y-%m-%d %H:%M:%S")
    assert r.json()["message"] == {
        "zh": f"登录失败次数过多，已暂时锁定，请于 {until}（北京时间）后再试",
        "en": f"too many failed logins: locked until {until} (Beijing time); try again then",
    }
    assert r.headers["Retry-After"] == "900"
    assert r.json()["field"] == "username"
    # one audit entry for the lockout, none per failed guess
    assert _audit_count("auth.locked") == 1
    assert _audit_count("auth.login_failed") == 0
    clock.freeze(clock.now() + timedelta(minutes=15, seconds=1))
    assert _token(world.client, "dispatcher", PASSWORD).status_code == 200


def test_the_lockout_holds_in_another_process_reading_the_same_database(world: Any) -> None:
    for i in range(5):
        _token(world.client, "agent", f"guess-{i}")
    with TestClient(create_app()) as other:  # a second app: only the database is shared
        assert _token(other, "agent", PASSWORD).status_code == 429


def test_one_address_guessing_many_names_is_locked_out(world: Any, env: Any) -> None:
    env.set("LOGIN_ADDRESS_MAX_FAILURES", "6")
    statuses = [_token(world.client, f"nobody{i}", "x-password").status_code for i in range(6)]
    assert statuses == [401, 401, 401, 401, 401, 429]
    # the address is locked: even a real user with the right password waits
    r = _token(world.client, "supervisor", PASSWORD)
    assert r.status_code == 429
    with session_factory()() as s:
        rows = list(s.scalars(select(AuditEntry.object_type).where(AuditEntry.action == "auth.locked")))
    assert rows == ["address"]


def test_a_success_forgets_the_accounts_failures(world: Any) -> None:
    for i in range(4):
        assert _token(world.client, "leader", f"guess-{i}").status_code == 401
    assert _token(world.client, "leader", PASSWORD).status_code == 200
    for i in range(4):
        assert _token(world.client, "leader", f"again-{i}").status_code == 401


def test_the_login_page_says_when_the_lockout_ends(world: Any) -> None:
    client = world.client
    for i in range(4):
        r = post_form(client, "/login", "/login", {"username": "steward", "password": f"g{i}"})
        assert r.status_code == 401
    r = post_form(client, "/login", "/login", {"username": "steward", "password": "g5"})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) == 900
    assert 'id="login-locked"' in r.text and "登录失败次数过多，已暂时锁定" in r.text


def test_unknown_names_take_as_long_as_wrong_passwords(world: Any, env: Any) -> None:
    env.set("LOGIN_MAX_FAILURES", "1000")
    env.set("LOGIN_ADDRESS_MAX_FAILURES", "1000")

    def ms(username: str, i: int) -> float:
        start = time.perf_counter()
        assert _token(world.client, username, f"wrong-{i}").status_code == 401
        return (time.perf_counter() - start) * 1000

    ms("dispatcher", 0), ms("no-such-user", 0)  # warm-up (the dummy hash is made on first use)
    known, unknown = [], []
    for i in range(15):  # interleaved, so the machine's load drifts over both alike
        known.append(ms("dispatcher", i))
        unknown.append(ms("no-such-user", i))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.67 < ratio < 1.5, (statistics.median(known), statistics.median(unknown))


def test_an_administrator_lifts_a_lockout_from_the_command_line(world: Any) -> None:
    from typer.testing import CliRunner

    from zhizhi.cli.main import app

    for i in range(5):
        _token(world.client, "h_s1", f"guess-{i}")
    assert _token(world.client, "h_s1", PASSWORD).status_code == 429
    result = CliRunner().invoke(app, ["users", "unlock", "h_s1"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "unlocked h_s1"
    assert _token(world.client, "h_s1", PASSWORD).status_code == 200
    assert _audit_count("auth.unlocked") == 1
