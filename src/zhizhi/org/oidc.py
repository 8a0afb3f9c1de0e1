"""Staff login through the city's identity provider (统一身份认证): OpenID Connect,
authorization code with PKCE, through Authlib (its OAuth 2 client for the authorization URL
and the code exchange; joserfc, Authlib's JOSE library, for the ID token's signature and
claims).  Local accounts remain.

* :func:`start` writes one ``oidc_logins`` row (the state's SHA-256, a nonce, the PKCE
  verifier, 10 minutes) and returns the provider's authorization URL; the page sets the state
  in an HttpOnly cookie too, so the callback must come back to the browser that started it.
* :func:`finish` refuses — and audits ``auth.oidc_refused`` with the reason — a state that does
  not match the cookie, is unknown, expired or already used (a replay), a provider error, a
  failed code exchange, an ID token with a bad signature, issuer, audience, expiry or nonce,
  and a username claim naming no active staff account (unless auto-provisioning is on).  The
  login row is marked used before the code is exchanged, so a callback works once.
* On success it issues the same session token as the password login (``auth.login`` audited
  with ``method=oidc``)."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import warnings
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.core.permissions import Role
from zhizhi.core.settings import Settings, get_settings
from zhizhi.org import repository as repo
from zhizhi.org.models import OidcLogin

LOGIN_TTL = timedelta(minutes=10)
METADATA_TTL_SECONDS = 3600.0
HTTP_TIMEOUT_SECONDS = 10.0
ALGORITHMS = ["RS256", "ES256", "PS256", "EdDSA"]


class OidcRefused(Exception):
    """A callback refused; ``reason`` is recorded in the audit trail."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def enabled(settings: Settings | None = None) -> bool:
    s = settings or get_settings()
    return bool(s.oidc_issuer and s.oidc_client_id)


def _client(settings: Settings, redirect_uri: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from authlib.integrations.httpx_client import OAuth2Client
    return OAuth2Client(
        settings.oidc_client_id,
        settings.oidc_client_secret or None,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post" if settings.oidc_client_secret else "none",
        timeout=HTTP_TIMEOUT_SECONDS,
    )


@dataclass
class _Provider:
    issuer: str
    metadata: dict[str, Any]
    jwks: dict[str, Any]
    fetched: float


_cache: dict[str, _Provider] = {}
_lock = threading.Lock()


def provider(settings: Settings, *, refresh: bool = False) -> _Provider:
    """The provider's discovery document and keys, kept an hour per process."""
    import httpx

    issuer = settings.oidc_issuer.rstrip("/")
    with _lock:
        known = _cache.get(issuer)
        if known is not None and not refresh and time.monotonic() - known.fetched < METADATA_TTL_SECONDS:
            return known
    with httpx.Client(timeout=HTTP_TIMEOUT_SECONDS) as http:
        metadata = http.get(f"{issuer}/.well-known/openid-configuration").raise_for_status().json()
        if str(metadata.get("issuer", "")).rstrip("/") != issuer:
            raise OidcRefused("the discovery document names another issuer")
        jwks = http.get(metadata["jwks_uri"]).raise_for_status().json()
    found = _Provider(issuer, metadata, jwks, time.monotonic())
    with _lock:
        _cache[issuer] = found
    return found


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def start(session: Session, *, redirect_uri: str, next_path: str = "") -> tuple[str, str]:
    """A new login: ``(authorization URL, state)``."""
    settings = get_settings()
    meta = provider(settings).metadata
    state, nonce, verifier = (secrets.token_urlsafe(32), secrets.token_urlsafe(24), secrets.token_urlsafe(48))
    now = clock.now()
    repo.add_oidc_login(
        session,
        OidcLogin(
            state_hash=_digest(state),
            nonce=nonce,
            code_verifier=verifier,
            next_path=next_path[:300],
            created_at=now,
            expires_at=now + LOGIN_TTL,
        ),
    )
    with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    return str(url), state


@dataclass(frozen=True)
class Finished:
    username: str
    next_path: str


def _refuse(session: Session, reason: str, **detail: Any) -> OidcRefused:
    audit.record(
        session, "auth.oidc_refused", audit.Actor(None, "oidc"), object_type="login", reason=reason, **detail
    )
    return OidcRefused(reason)


def finish(
    session: Session,
    *,
    state: str,
    cookie_state: str | None,
    code: str,
    error: str | None,
    redirect_uri: str,
) -> Finished:
    """Check the callback and the ID token; the username to sign in (see the module doc)."""
    if not state or not cookie_state or not secrets.compare_digest(state, cookie_state):
        raise _refuse(session, "state does not match this browser's login")
    row = repo.oidc_login(session, _digest(state))
    if row is None:
        raise _refuse(session, "unknown state")
    now = clock.now()
    if row.used_at is not None:
        raise _refuse(session, "state already used (replay)")
    row.used_at = now  # used once, whatever follows
    if row.expires_at < now:
        raise _refuse(session, "login expired")
    if error:
        raise _refuse(session, "the provider refused", error=error[:100])
    if not code:
        raise _refuse(session, "no authorization code")
    settings = get_settings()
    try:
        prov = provider(settings)
    except Exception as exc:  # discovery or keys unreachable or malformed
        raise _refuse(session, "provider unreachable or misconfigured", error=type(exc).__name__) from exc
    try:
        with _client(settings, redirect_uri) as client:
            token = client.fetch_token(
                prov.metadata["token_endpoint"], code=code, code_verifier=row.code_verifier
            )
    except Exception as exc:  # the provider's answer, whatever went wrong there
        raise _refuse(session, "code exchange failed", error=type(exc).__name__) from exc
    claims = _verified_claims(session, settings, prov, str(token.get("id_token") or ""), row.nonce)
    username = str(claims.get(settings.oidc_username_claim) or "").strip()
    if not username:
        raise _refuse(session, "no username claim", claim=settings.oidc_username_claim)
    _account(session, settings, username)
    return Finished(username, row.next_path)


def _verified_claims(
    session: Session, settings: Settings, prov: _Provider, id_token: str, nonce: str
) -> dict[str, Any]:
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    if not id_token:
        raise _refuse(session, "no ID token")
    try:
        keys = KeySet.import_key_set(prov.jwks)  # type: ignore[arg-type]
        decoded = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise _refuse(session, "ID token signature invalid", error=type(exc).__name__) from exc
    claims = dict(decoded.claims)
    registry = jwt.JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": prov.metadata["issuer"]},
        aud={"essential": True, "value": settings.oidc_client_id},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise _refuse(session, "ID token claims invalid", error=type(exc).__name__) from exc
    if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
        raise _refuse(session, "nonce does not match")
    return claims


def _account(session: Session, settings: Settings, username: str) -> None:
    user = repo.user_by_username(session, username)
    if user is not None:
        if not user.active or user.role == Role.PUBLIC.value:
            raise _refuse(session, "account disabled or not staff", username=username[:64])
        return
    if not settings.oidc_auto_provision:
        raise _refuse(session, "no such account", username=username[:64])
    from zhizhi.org import service  # the account is created by the one use case for it

    service.create_user(
        session,
        username=username,
        password=secrets.token_urlsafe(24),  # never told to anyone: this account signs in via OIDC
        role=settings.oidc_provision_role,
        department_code=settings.oidc_provision_department or None,
        actor=audit.Actor(None, "oidc"),
    )


def purge(session: Session) -> int:
    return repo.purge_oidc_logins(session, clock.now() - timedelta(days=1))
