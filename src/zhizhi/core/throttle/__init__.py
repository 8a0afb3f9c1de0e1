"""Throttling shared by every process through the database: login lockouts and rate limits
(the rules are :mod:`zhizhi.core.throttle.rules`; docs/security.md)."""

from __future__ import annotations

from zhizhi.core.throttle.rules import (
    account_key,
    address_key,
    check_login,
    limit,
    locked,
    login_failed,
    login_succeeded,
    purge,
    unlock,
)

__all__ = [
    "account_key",
    "address_key",
    "check_login",
    "limit",
    "locked",
    "login_failed",
    "login_succeeded",
    "purge",
    "unlock",
]
