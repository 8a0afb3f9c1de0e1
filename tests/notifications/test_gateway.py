"""The HTTP SMS-gateway adapter against a local gateway server started by the test (no mock):
idempotency keys, retries with exponential backoff, a gateway that is down never blocks or
loses a case, permanent refusals, delivery reports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tests.builders import World
from tests.notifications.gateway import Gateway
from zhizhi.core import clock
from zhizhi.core.db import unit_of_work
from zhizhi.notifications import tasks
from zhizhi.notifications.models import OutboxMessage


def _messages() -> list[OutboxMessage]:
    with unit_of_work() as s:
        rows = list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        s.expunge_all()
    return rows


def test_sends_json_with_the_idempotency_key(world: World, gateway: Gateway) -> None:
    number = world.create()["number"]
    [message] = _messages()
    assert message.status == "sent" and message.attempts == 1
    assert gateway.keys == [message.idempotency_key]
    [body] = gateway.received
    assert (
        body["to"] == "13812341234"
        and number in body["text"]
        and body["reference"] == message.idempotency_key
    )
    assert message.provider_id == f"gw-{message.idempotency_key[:10]}"


def test_gateway_unavailable_waits_and_retries_with_backoff(world: World, gateway: Gateway) -> None:
    gateway.mode = "unavailable"
    start = clock.now()
    clock.freeze(start)
    number = world.create()["number"]  # the case is created all the same
    assert world.get("agent", number)["status"] == "accepted"
    [m] = _messages()
    assert (m.status, m.attempts) == ("pending", 1)
    assert "503" in (m.last_error or "")
    first_wait = m.next_attempt_at - start
    assert first_wait == timedelta(seconds=30)
    tasks.deliver()  # not due yet: nothing tried
    assert _messages()[0].attempts == 1
    clock.freeze(m.next_attempt_at)
    tasks.deliver()
    m2 = _messages()[0]
    assert (m2.status, m2.attempts) == ("pending", 2)
    assert m2.next_attempt_at - m.next_attempt_at == timedelta(seconds=60)  # doubled
    gateway.mode = "ok"
    clock.freeze(m2.next_attempt_at)
    tasks.deliver()
    m3 = _messages()[0]
    assert (m3.status, m3.attempts, m3.last_error) == ("sent", 3, None)
    assert gateway.keys == [m.idempotency_key]  # one message, one key, sent once


def test_gateway_down_never_blocks_a_case(world: World) -> None:
    from zhizhi.notifications import notifier

    down = Gateway().start()
    url = down.url
    down.stop()  # nothing listens there any more
    notifier.use(notifier.HttpSmsGateway(url, timeout=1.0))
    number = world.create()["number"]
    world.act("dispatcher", number, "dispatch", lead_department="S1")
    [m] = _messages()
    assert m.status == "pending" and m.attempts == 1 and "unreachable" in (m.last_error or "")
    again = Gateway().start(port=int(url.rsplit(":", 1)[1].split("/")[0]))
    try:
        clock.freeze(m.next_attempt_at + timedelta(seconds=1))
        tasks.deliver()
        assert _messages()[0].status == "sent"
        assert again.keys == [m.idempotency_key]
    finally:
        again.stop()


def test_refused_for_good_and_out_of_attempts(world: World, gateway: Gateway, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gateway.mode = "refuse"
    world.create()
    [m] = _messages()
    assert (m.status, m.attempts) == ("failed", 1) and "400" in (m.last_error or "")
    monkeypatch.setenv("ZHIZHI_SMS_MAX_ATTEMPTS", "2")
    from zhizhi.core.settings import get_settings

    get_settings.cache_clear()
    try:
        gateway.mode = "unavailable"
        world.create(contact_phone="13900003333")
        m = _messages()[-1]
        clock.freeze(m.next_attempt_at)
        tasks.deliver()
        assert (_messages()[-1].status, _messages()[-1].attempts) == ("failed", 2)
    finally:
        monkeypatch.delenv("ZHIZHI_SMS_MAX_ATTEMPTS")
        get_settings.cache_clear()


def test_delivery_reports(world: World, gateway: Gateway, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from zhizhi.core.settings import get_settings

    world.create()
    [m] = _messages()
    report = {"reference": m.provider_id, "status": "delivered"}
    r = world.client.post("/api/v1/notifications/delivery-reports", json=report)
    assert r.status_code == 404  # off until a token is configured
    monkeypatch.setenv("ZHIZHI_SMS_CALLBACK_TOKEN", "cb-secret")
    get_settings.cache_clear()
    try:
        url = "/api/v1/notifications/delivery-reports"
        r = world.client.post(url, json=report, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401 and r.json()["message"]["en"]
        r = world.client.post(url, json=report | {"extra": 1}, headers={"Authorization": "Bearer cb-secret"})
        assert r.status_code == 422
        for _ in range(2):  # a repeated report changes nothing
            r = world.client.post(url, json=report, headers={"Authorization": "Bearer cb-secret"})
            assert r.status_code == 200 and r.json()["status"] == "delivered"
        assert _messages()[0].status == "delivered" and _messages()[0].delivered_at is not None
        r = world.client.post(
            url,
            json={"reference": "nope", "status": "delivered"},
            headers={"Authorization": "Bearer cb-secret"},
        )
        assert r.status_code == 404
    finally:
        monkeypatch.delenv("ZHIZHI_SMS_CALLBACK_TOKEN")
        get_settings.cache_clear()
