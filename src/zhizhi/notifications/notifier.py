"""The notifier port: what sends one text message, and its two adapters.

* :class:`LoggingNotifier` (the demo's and development's default): writes the message to the
  log (phone masked) and counts it as sent;
* :class:`HttpSmsGateway`: POSTs JSON to an SMS gateway (``ZHIZHI_SMS_GATEWAY_URL``) with the
  message's idempotency key in the ``Idempotency-Key`` header, so a retry after a lost answer is
  not sent twice by a gateway that honours it.

An adapter raises :class:`TransientFailure` (try again later: timeouts, 5xx, 429, connection
errors) or :class:`PermanentFailure` (the gateway refused this message for good: other 4xx).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import httpx

from zhizhi.core.masking import mask_phone
from zhizhi.core.settings import get_settings

log = logging.getLogger("zhizhi.notifications")


@dataclass(frozen=True, slots=True)
class Outgoing:
    idempotency_key: str
    phone: str
    body: str


class TransientFailure(Exception):
    """The message may go through later."""


class PermanentFailure(Exception):
    """The gateway will never take this message."""


class Notifier(Protocol):
    def send(self, message: Outgoing) -> str | None:
        """Send one message; returns the gateway's id for it (or None)."""


class LoggingNotifier:
    """Writes each message to the log (the phone masked): the demo's outbox needs no gateway."""

    def send(self, message: Outgoing) -> str | None:
        log.info("SMS to %s [%s]: %s", mask_phone(message.phone), message.idempotency_key, message.body)
        return f"log-{message.idempotency_key[:12]}"


class HttpSmsGateway:
    """A gateway speaking JSON over HTTP: ``POST {url}`` ``{"to", "text", "reference"}`` →
    2xx ``{"id": ...}``; ``Authorization: Bearer <token>`` when a token is set."""

    def __init__(self, url: str, token: str = "", timeout: float = 5.0, client: httpx.Client | None = None):
        self.url = url
        self.token = token
        self.client = client or httpx.Client(timeout=timeout)

    def send(self, message: Outgoing) -> str | None:
        headers = {"Idempotency-Key": message.idempotency_key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = {"to": message.phone, "text": message.body, "reference": message.idempotency_key}
        try:
            response = self.client.post(self.url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TransientFailure(f"gateway unreachable: {type(exc).__name__}") from None
        if response.status_code >= 500 or response.status_code == 429:
            raise TransientFailure(f"gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise PermanentFailure(
                f"gateway refused the message: {response.status_code} {response.text[:120]}"
            )
        try:
            data = response.json()
        except ValueError:
            return None
        ident = data.get("id") if isinstance(data, dict) else None
        return str(ident)[:80] if ident is not None else None


_notifier: Notifier | None = None


def use(notifier: Notifier | None) -> None:
    """Install a notifier (tests, benchmarks); ``None``: back to the one the settings name."""
    global _notifier
    _notifier = notifier


def current() -> Notifier:
    """The installed notifier, or the settings' one: the HTTP gateway when
    ``ZHIZHI_SMS_GATEWAY_URL`` is set, the logging adapter otherwise."""
    global _notifier
    if _notifier is None:
        settings = get_settings()
        if settings.sms_gateway_url:
            _notifier = HttpSmsGateway(settings.sms_gateway_url, settings.sms_gateway_token)
        else:
            _notifier = LoggingNotifier()
    return _notifier
