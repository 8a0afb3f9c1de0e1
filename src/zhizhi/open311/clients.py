"""Posting clients of the Open311 server: API keys created by an administrator (``zhizhi
open311 key-create``), shown once, stored as a prefix and a SHA-256 digest; revoked, never
deleted. Every change is audited; each POST counts against the client's rate limit."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock, throttle
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.open311 import repository as repo
from zhizhi.open311.models import Open311Client
from zhizhi.org import service as org

KEY_SHAPE = re.compile(r"^o311_([0-9a-f]{12})_([A-Za-z0-9_-]{20,80})$")
NAME_SHAPE = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")


@dataclass(frozen=True, slots=True)
class ClientInfo:
    name: str
    key_prefix: str
    active: bool
    created_at: str
    created_by: str
    last_used_at: str | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_client(
    session: Session, name: str, *, actor: audit.Actor, key: str | None = None
) -> tuple[Open311Client, str]:
    """A new posting client and its key (returned once, never stored). Its cases are filed
    under a new account ``open311.<name>`` (role 群众, no usable password). ``key``: a given
    key of the right shape (the demo's documented one); otherwise a random one."""
    name = name.strip()
    if key is not None and KEY_SHAPE.match(key) is None:
        raise ValidationFailed("API 密钥格式不正确", "malformed API key", field="key")
    if not NAME_SHAPE.match(name):
        raise ValidationFailed(
            "客户端名称应为 2–40 个字母、数字、点、横线或下划线",
            "a client name is 2–40 letters, digits, dots, dashes or underscores",
            field="name",
        )
    if repo.client_by_name(session, name) is not None:
        raise Conflict(f"客户端 {name} 已存在", f"client {name} already exists", field="name")
    user = org.create_user(
        session,
        username=f"open311.{name}",
        password=secrets.token_urlsafe(32),  # nobody knows it: the account never signs in
        role=Role.PUBLIC,
        display_name=f"Open311 · {name}",
        actor=actor,
    )
    if key is None:
        key = f"o311_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    prefix = KEY_SHAPE.match(key).group(1)  # type: ignore[union-attr]
    if repo.client_by_prefix(session, prefix) is not None:
        raise Conflict("API 密钥前缀已被使用", "this API key prefix is taken", field="key")
    now = clock.now()
    client = Open311Client(
        name=name,
        key_prefix=prefix,
        key_hash=_digest(key),
        user_id=user.id,
        active=True,
        created_at=now,
        created_by=actor.name,
    )
    repo.add(session, client)
    audit.record(session, "open311.client_created", actor, object_type="open311_client", object_id=name)
    return client, key


def revoke_client(session: Session, name: str, *, actor: audit.Actor) -> Open311Client:
    client = repo.client_by_name(session, name)
    if client is None:
        raise NotFound(f"客户端 {name} 不存在", f"client {name} not found", field="name")
    if client.active:
        client.active = False
        client.revoked_at = clock.now()
        session.flush()
        audit.record(session, "open311.client_revoked", actor, object_type="open311_client", object_id=name)
    return client


def list_clients(session: Session) -> list[ClientInfo]:
    return [
        ClientInfo(
            c.name,
            c.key_prefix,
            c.active,
            clock.to_local(c.created_at).isoformat(timespec="seconds"),
            c.created_by,
            clock.to_local(c.last_used_at).isoformat(timespec="seconds") if c.last_used_at else None,
        )
        for c in repo.clients(session)
    ]


def _refused() -> Forbidden:
    return Forbidden("API 密钥无效或已吊销", "invalid or revoked API key", field="api_key")


def authenticate(session: Session, key: str | None) -> tuple[Open311Client, Principal]:
    """The active client holding ``key`` and the principal its cases are filed under; 403
    otherwise (the same answer for a missing, malformed, unknown or revoked key)."""
    if not key:
        raise Forbidden("需要 API 密钥（api_key）", "an API key (api_key) is required", field="api_key")
    match = KEY_SHAPE.match(key)
    if match is None:
        raise _refused()
    client = repo.client_by_prefix(session, match.group(1))
    if client is None or not client.active or not hmac.compare_digest(client.key_hash, _digest(key)):
        raise _refused()
    return client, org.principal_for_username(session, f"open311.{client.name}")


def count_post(session: Session, client: Open311Client) -> None:
    """One POST of ``client`` against its rate limit (group ``open311``, 429 beyond)."""
    throttle.limit(session, "open311", f"client:{client.key_prefix}")
    client.last_used_at = clock.now()
