"""core.throttle's rules called directly on the test database (SQLite by default), with
hand-written expectations: keys, the lockout message and Retry-After, counting per account and
per address, windows, limits, clean-up.  Fast: run against mutants (docs/mutation.md); the same
behaviour through the login page and the public endpoints is tests/security."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from zhizhi.core import clock, throttle
from zhizhi.core.db import unit_of_work
from zhizhi.core.errors import TooManyRequests
from zhizhi.core.settings import get_settings
from zhizhi.core.throttle.models import ThrottleCounter

T0 = datetime(2026, 3, 2, 1, 0, 0, tzinfo=UTC)  # 09:00:00 in Beijing


@pytest.fixture
def limits(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "LOGIN_MAX_FAILURES": "3",
        "LOGIN_ADDRESS_MAX_FAILURES": "5",
        "LOGIN_WINDOW_MINUTES": "10",
        "LOGIN_LOCKOUT_MINUTES": "20",
        "RATE_LIMITS": '{"track": 2, "off": 0, "one": 1}',
    }.items():
        monkeypatch.setenv(f"ZHIZHI_{name}", value)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _counters() -> dict[str, tuple[int, datetime, datetime | None]]:
    with unit_of_work() as s:
        rows = s.scalars(select(ThrottleCounter)).all()
        return {
            r.key: (r.hits, clock.as_utc(r.window_start), r.locked_until and clock.as_utc(r.locked_until))
            for r in rows
        }


def test_keys() -> None:
    assert throttle.account_key("  Alice ") == "login:user:alice"
    assert throttle.account_key("B" * 100) == "login:user:" + "b" * 80
    assert throttle.address_key("10.0.0.1") == "login:addr:10.0.0.1"
    assert throttle.address_key("1" * 70) == "login:addr:" + "1" * 64


def test_lockout_message_and_retry_after() -> None:
    exc = throttle.locked(_at(90.2), T0)
    assert isinstance(exc, TooManyRequests)
    assert exc.zh == "登录失败次数过多，已暂时锁定，请于 2026-03-02 09:01:30（北京时间）后再试"
    assert exc.en == "too many failed logins: locked until 2026-03-02 09:01:30 (Beijing time); try again then"
    assert exc.field == "username"
    assert exc.extra == {"retry_after": 91, "until": "2026-03-02T01:01:30.200000+00:00"}
    assert throttle.locked(_at(3), T0).extra["retry_after"] == 3
    assert throttle.locked(_at(0.01), T0).extra["retry_after"] == 1
    assert throttle.locked(_at(-30), T0).extra["retry_after"] == 1  # never 0 or negative


def test_account_lockout_then_expiry(limits: None) -> None:
    for i in range(2):
        with clock.frozen_at(_at(i)), unit_of_work() as s:
            assert throttle.login_failed(s, "Alice", "1.1.1.1") == []
            throttle.check_login(s, "alice", "1.1.1.1")
    with clock.frozen_at(_at(5)), unit_of_work() as s:
        assert throttle.login_failed(s, "alice", "1.1.1.1") == [("login:user:alice", 3)]
    locked_until = _at(5) + timedelta(minutes=20)
    assert _counters()["login:user:alice"] == (0, _at(5), locked_until)
    assert _counters()["login:addr:1.1.1.1"] == (3, _at(0), None)
    with clock.frozen_at(_at(65)), unit_of_work() as s:
        with pytest.raises(TooManyRequests) as exc:
            throttle.check_login(s, "ALICE", "9.9.9.9")  # the account, from anywhere
        assert exc.value.extra["retry_after"] == 20 * 60 - 60
        throttle.check_login(s, "bob", "1.1.1.1")  # the address is not locked yet
    with (
        clock.frozen_at(locked_until - timedelta(seconds=1)),
        unit_of_work() as s,
        pytest.raises(TooManyRequests),
    ):
        throttle.check_login(s, "alice", "1.1.1.1")
    with clock.frozen_at(locked_until), unit_of_work() as s:
        throttle.check_login(s, "alice", "1.1.1.1")  # the lock ends at its instant


def test_address_lockout_and_window(limits: None) -> None:
    # failures older than the window start a new count
    with clock.frozen_at(_at(0)), unit_of_work() as s:
        throttle.login_failed(s, "u0", "2.2.2.2")
    with clock.frozen_at(_at(600)), unit_of_work() as s:  # exactly the window: still counted
        throttle.login_failed(s, "u0", "2.2.2.2")
    assert _counters()["login:user:u0"][0] == 2
    with clock.frozen_at(_at(1201)), unit_of_work() as s:
        throttle.login_failed(s, "u0", "2.2.2.2")
    assert _counters()["login:user:u0"][:2] == (1, _at(1201))
    # five different accounts from one address lock the address
    locked = []
    for i in range(1, 5):
        with clock.frozen_at(_at(1201 + i)), unit_of_work() as s:
            locked += throttle.login_failed(s, f"u{i}", "2.2.2.2")
    assert locked == [("login:addr:2.2.2.2", 5)]
    with clock.frozen_at(_at(1300)), unit_of_work() as s:
        with pytest.raises(TooManyRequests):
            throttle.check_login(s, "someone-else", "2.2.2.2")
        throttle.unlock(s, "login:addr:2.2.2.2")
    with clock.frozen_at(_at(1301)), unit_of_work() as s:
        throttle.check_login(s, "someone-else", "2.2.2.2")


def test_success_forgets_the_account_only(limits: None) -> None:
    with clock.frozen_at(T0), unit_of_work() as s:
        throttle.login_failed(s, "carol", "3.3.3.3")
        throttle.login_failed(s, "carol", "3.3.3.3")
        throttle.login_succeeded(s, " Carol")
    assert set(_counters()) == {"login:addr:3.3.3.3"}
    assert _counters()["login:addr:3.3.3.3"][0] == 2


def test_rate_limit(limits: None) -> None:
    for i in range(2):
        with clock.frozen_at(_at(i)), unit_of_work() as s:
            throttle.limit(s, "track", "4.4.4.4")
    with clock.frozen_at(_at(10.5)), unit_of_work() as s:
        with pytest.raises(TooManyRequests) as exc:
            throttle.limit(s, "track", "4.4.4.4")
        assert (exc.value.zh, exc.value.en) == (
            "请求过于频繁，请 50 秒后再试",
            "too many requests; retry in 50 seconds",
        )
        assert exc.value.extra == {"retry_after": 50}
        throttle.limit(s, "track", "5.5.5.5")  # another address has its own count
        for _ in range(5):
            throttle.limit(s, "off", "4.4.4.4")  # a zero limit counts nothing
            throttle.limit(s, "unknown", "4.4.4.4")
    with clock.frozen_at(_at(11)), unit_of_work() as s:
        throttle.limit(s, "one", "4.4.4.4")  # a limit of one: the first passes, the second not
        with pytest.raises(TooManyRequests):
            throttle.limit(s, "one", "4.4.4.4")
    assert "rate:off:4.4.4.4" not in _counters()
    assert "rate:unknown:4.4.4.4" not in _counters()
    with clock.frozen_at(_at(30)), unit_of_work() as s, pytest.raises(TooManyRequests):
        throttle.limit(s, "track", "4.4.4.4", window_seconds=40)
    with clock.frozen_at(_at(60)), unit_of_work() as s:  # the window's last instant
        with pytest.raises(TooManyRequests) as exc:
            throttle.limit(s, "track", "4.4.4.4")
        assert exc.value.extra == {"retry_after": 1}
    with clock.frozen_at(_at(60.5)), unit_of_work() as s:  # a new window
        throttle.limit(s, "track", "4.4.4.4")
    assert _counters()["rate:track:" + "4.4.4.4"][:2] == (1, _at(60.5))
    assert "rate:track:" + "x" * 64 not in _counters()
    with clock.frozen_at(_at(61)), unit_of_work() as s:
        throttle.limit(s, "track", "x" * 80)
    assert "rate:track:" + "x" * 64 in _counters()


def test_purge_keeps_recent_and_locked(limits: None) -> None:
    with clock.frozen_at(T0), unit_of_work() as s:
        throttle.limit(s, "track", "old")
        for _ in range(3):
            throttle.login_failed(s, "dave", "6.6.6.6")  # locked for 20 minutes
    with clock.frozen_at(T0 + timedelta(hours=23)), unit_of_work() as s:
        throttle.limit(s, "track", "recent")
    with clock.frozen_at(T0 + timedelta(days=1, seconds=1)), unit_of_work() as s:
        assert throttle.purge(s) == 3  # old, dave (lock over), the address
    assert set(_counters()) == {"rate:track:recent"}
    with clock.frozen_at(T0 + timedelta(days=1, seconds=2)), unit_of_work() as s:
        for _ in range(3):
            throttle.login_failed(s, "erin", "7.7.7.7")
    with clock.frozen_at(T0 + timedelta(days=1, minutes=5)), unit_of_work() as s:
        assert throttle.purge(s, timedelta(seconds=1)) == 2  # the lock in force stays
    assert set(_counters()) == {"login:user:erin"}
