"""Consuming systems (接入系统): the OAuth2 client-credentials clients of the exchange.

A department's data steward (``sharing:clients``; an administrator for any department)
registers a system — the secret is shown once and kept only as an argon2 hash — rotates its
secret, binds it to a client certificate for mutual TLS, retires it, and sees the grants it
reads under and its last calls.  Rotation and retirement delete the system's bearer tokens:
this process forgets them at once, the others within ``sharing.cache.TTL_SECONDS``.  Every
change is audited; no change reads or writes the secret in clear except the answer that shows
it once."""

from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, Forbidden, NotFound
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.sharing import repository as repo
from zhizhi.sharing import views
from zhizhi.sharing.models import Client
from zhizhi.sharing.policy import normalise_fingerprint
from zhizhi.sharing.schemas import ClientView, GrantOut, ReadOut


def _require(principal: Principal) -> None:
    if not principal.can(Permission.SHARING_CLIENTS):
        raise Forbidden("无权管理接入系统", "not allowed to manage consuming systems")


def _scope(principal: Principal) -> int | None:
    """The department whose systems the caller manages (None: every department, an admin)."""
    _require(principal)
    if principal.role == Role.ADMIN:
        return None
    if principal.department_id is None:
        raise Forbidden("没有所属部门，不能管理接入系统", "no department: no consuming systems to manage")
    return principal.department_id


def _client(session: Session, principal: Principal, client_id: str) -> Client:
    scope = _scope(principal)
    client = repo.client_by_client_id(session, client_id[:64])
    if client is None or (scope is not None and client.department_id != scope):
        raise NotFound(f"接入系统 {client_id[:64]} 不存在", f"consuming system {client_id[:64]} not found")
    return client


def register_client(
    session: Session, principal: Principal, name: str, department_code: str
) -> tuple[Client, str]:
    """A consuming system of a department; the secret is shown once and kept as an argon2 hash."""
    scope = _scope(principal)
    dept = org.find_department(session, department_code)
    if dept is None:
        raise NotFound(
            f"部门 {department_code} 不存在", f"department {department_code} not found", field="department"
        )
    if scope is not None and scope != dept.id:
        raise Forbidden("只能为本部门登记接入系统", "only systems of your own department")
    client_id = f"{dept.code.lower()}-{secrets.token_hex(6)}"
    secret = secrets.token_urlsafe(32)
    client = Client(
        client_id=client_id,
        secret_hash=org.hash_password(secret),
        name=name,
        department_id=dept.id,
        active=True,
        created_at=clock.now(),
    )
    repo.add(session, client)
    audit.record(
        session,
        "sharing.client_registered",
        principal.actor,
        object_type="sharing_client",
        object_id=client_id,
        department=dept.code,
        name=name,
    )
    return client, secret


def _check_active(client: Client) -> None:
    if not client.active:
        raise Conflict("接入系统已停用", "the consuming system is retired", field="client_id")


def rotate_secret(session: Session, principal: Principal, client_id: str) -> tuple[Client, str]:
    """A new secret (shown once); the old one stops working and the system's tokens are deleted."""
    client = _client(session, principal, client_id)
    _check_active(client)
    secret = secrets.token_urlsafe(32)
    client.secret_hash = org.hash_password(secret)
    client.secret_rotated_at = clock.now()
    tokens = repo.delete_tokens_of(session, client.id)
    session.flush()
    audit.record(
        session,
        "sharing.client_secret_rotated",
        principal.actor,
        object_type="sharing_client",
        object_id=client.client_id,
        tokens_revoked=tokens,
    )
    return client, secret


def retire_client(session: Session, principal: Principal, client_id: str) -> Client:
    """Retire a system for good: no new token, its tokens deleted; its log stays."""
    client = _client(session, principal, client_id)
    _check_active(client)
    client.active = False
    client.retired_at = clock.now()
    client.retired_by = principal.actor.name[:120]
    tokens = repo.delete_tokens_of(session, client.id)
    session.flush()
    audit.record(
        session,
        "sharing.client_retired",
        principal.actor,
        object_type="sharing_client",
        object_id=client.client_id,
        tokens_revoked=tokens,
    )
    return client


def bind_certificate(
    session: Session, principal: Principal, client_id: str, fingerprint: str | None
) -> Client:
    """Bind the system to a client certificate (its SHA-256 fingerprint), or unbind it (None):
    a bound system gets a token only through the mutual-TLS proxy with that certificate."""
    client = _client(session, principal, client_id)
    _check_active(client)
    value = normalise_fingerprint(fingerprint)
    before = client.cert_sha256
    client.cert_sha256 = value
    tokens = repo.delete_tokens_of(session, client.id) if value != before else 0
    session.flush()
    audit.record(
        session,
        "sharing.client_certificate_bound" if value else "sharing.client_certificate_unbound",
        principal.actor,
        object_type="sharing_client",
        object_id=client.client_id,
        fingerprint=value,
        previous=before,
        tokens_revoked=tokens,
    )
    return client


# ---- views -----------------------------------------------------------------------------------


def _views(session: Session, rows: list[Client]) -> list[ClientView]:
    depts = org.departments_by_ids(session, [c.department_id for c in rows])
    last = repo.last_calls(session, [c.client_id for c in rows])
    return [
        ClientView(
            client_id=c.client_id,
            name=c.name,
            department=depts[c.department_id].code,
            department_name=depts[c.department_id].name,
            state="active" if c.active else "retired",
            created_at=c.created_at,
            secret_rotated_at=c.secret_rotated_at,
            retired_at=c.retired_at,
            retired_by=c.retired_by,
            cert_sha256=c.cert_sha256,
            last_call_at=last.get(c.client_id),
        )
        for c in rows
    ]


def list_clients(session: Session, principal: Principal) -> list[ClientView]:
    """The consuming systems the caller manages, oldest first."""
    return _views(session, repo.clients_of(session, _scope(principal)))


def client_detail(
    session: Session, principal: Principal, client_id: str
) -> tuple[ClientView, list[GrantOut], list[ReadOut]]:
    """One system, the grants its department holds (what it may read) and its last calls."""
    client = _client(session, principal, client_id)
    view = _views(session, [client])[0]
    grants = views.grant_outs(session, repo.grants_held(session, client.department_id))
    calls = views.read_outs(session, repo.calls_of_client(session, client.client_id), with_client=True)
    return view, grants, calls
