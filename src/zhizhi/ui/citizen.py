"""The signed-in citizen of a page (the /my account: phone and SMS code), as a port.

The account belongs to ``notifications`` (its cookie, its sessions); capabilities beside it
(``services``: 我的办件) may not import it, so it installs its lookup here and they ask
:func:`phone_of`. No resolver installed: nobody is signed in."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from sqlalchemy.orm import Session

from zhizhi.core.principal import Principal

CITIZEN_COOKIE = "zz_citizen"
LOGIN_URL = "/my/login"

PhoneResolver = Callable[[Session, str], "str | None"]  # session token → phone, or None
_resolver: PhoneResolver | None = None
AccountResolver = Callable[[Session, str], "Principal | None"]  # session token → public account
_accounts: AccountResolver | None = None


def set_phone_resolver(resolver: PhoneResolver) -> None:
    global _resolver
    _resolver = resolver


def phone_of(request: Request, session: Session) -> str | None:
    """The signed-in citizen's phone, or ``None``."""
    token = request.cookies.get(CITIZEN_COOKIE)
    if not token or _resolver is None:
        return None
    return _resolver(session, token)


def set_account_resolver(resolver: AccountResolver) -> None:
    global _accounts
    _accounts = resolver


def account_of(request: Request, session: Session) -> Principal | None:
    """The signed-in citizen's public account (a /my session opened with the account's password),
    or ``None`` — an SMS-code session has a phone but no account."""
    token = request.cookies.get(CITIZEN_COOKIE)
    if not token or _accounts is None:
        return None
    return _accounts(session, token)
