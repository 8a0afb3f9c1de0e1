"""The signed-in citizen of a page (the /my account: phone and SMS code), as a port.

The account belongs to ``notifications`` (its cookie, its sessions); capabilities beside it
(``services``: 我的办件) may not import it, so it installs its lookup here and they ask
:func:`phone_of`. No resolver installed: nobody is signed in."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from sqlalchemy.orm import Session

CITIZEN_COOKIE = "zz_citizen"
LOGIN_URL = "/my/login"

PhoneResolver = Callable[[Session, str], "str | None"]  # session token → phone, or None
_resolver: PhoneResolver | None = None


def set_phone_resolver(resolver: PhoneResolver) -> None:
    global _resolver
    _resolver = resolver


def phone_of(request: Request, session: Session) -> str | None:
    """The signed-in citizen's phone, or ``None``."""
    token = request.cookies.get(CITIZEN_COOKIE)
    if not token or _resolver is None:
        return None
    return _resolver(session, token)
