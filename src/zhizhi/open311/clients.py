"""Posting clients of the Open311 server: API keys created by an administrator (the admin page
``/open311/clients`` or ``zhizhi open311 key-create``), shown once, stored as a prefix and a
SHA-256 digest; rotated (a new key, the old one refused at once), revoked, never deleted; each
limited to an area (division code prefix) and to services (category codes with their subtrees).
Every change is audited; each POST counts against the client's rate limit (docs/open311.md)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.addresses import service as addresses
from zhizhi.catalogue import service as catalogue
from zhizhi.core import audit, clock, throttle
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Permission, Role
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
    division_prefix: str | None = None
    service_codes: tuple[str, ...] = ()
    requests: int = 0
    revoked_at: str | None = None


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


def _local(moment: Any) -> str | None:
    return clock.to_local(moment).isoformat(timespec="seconds") if moment else None


def area_name(session: Session, prefix: str | None) -> str | None:
    """The division a prefix names (430104 → 湖南省长沙市岳麓区), when the divisions are loaded."""
    return addresses.division_name(session, prefix.ljust(12, "0")) if prefix else None


def _info(c: Open311Client, counts: dict[int, int]) -> ClientInfo:
    return ClientInfo(
        c.name,
        c.key_prefix,
        c.active,
        _local(c.created_at) or "",
        c.created_by,
        _local(c.last_used_at),
        c.division_prefix,
        tuple(c.service_codes or ()),
        counts.get(c.id, 0),
        _local(c.revoked_at),
    )


def list_clients(session: Session) -> list[ClientInfo]:
    counts = repo.token_counts(session)
    return [_info(c, counts) for c in repo.clients(session)]


# ---- the admin page's use cases (permission open311:clients, each audited) ---------------------


def require_admin(principal: Principal) -> None:
    if not principal.can(Permission.OPEN311_CLIENTS):
        raise Forbidden("无权管理 Open311 接入客户端", "you may not manage Open311 clients")


def client_info(session: Session, principal: Principal, name: str) -> ClientInfo:
    require_admin(principal)
    client = _named(session, name)
    return _info(client, repo.token_counts(session))


def _named(session: Session, name: str) -> Open311Client:
    client = repo.client_by_name(session, name[:80])
    if client is None:
        raise NotFound(f"客户端 {name[:80]} 不存在", f"client {name[:80]} not found", field="name")
    return client


def checked_scope(
    session: Session, division_prefix: str | None, service_codes: list[str]
) -> tuple[str | None, list[str]]:
    """The area and services as stored: a division code prefix (2–12 digits, GB/T 2260 and the
    statistics codes: 43 a province, 4301 a city, 430104 a district …), category codes that exist
    (422 on the field otherwise)."""
    prefix = (division_prefix or "").strip() or None
    if prefix is not None and not re.fullmatch(r"\d{2,12}", prefix):
        raise ValidationFailed(
            f"行政区划代码前缀「{prefix[:12]}」无效（应为 2–12 位数字）",
            f"invalid division code prefix {prefix[:12]!r} (2–12 digits)",
            field="division_prefix",
        )
    codes = list(dict.fromkeys(c.strip() for c in service_codes if c and c.strip()))
    for code in codes:
        if catalogue.find_category(session, code[:80]) is None:
            raise ValidationFailed(
                f"服务代码「{code[:40]}」不存在", f"unknown service_code {code[:40]!r}", field="service_codes"
            )
    return prefix, codes


def admin_create(
    session: Session,
    principal: Principal,
    name: str,
    *,
    division_prefix: str | None = None,
    service_codes: list[str] | None = None,
) -> tuple[Open311Client, str]:
    """A new client from the admin page: its key is returned once, never stored."""
    require_admin(principal)
    return create_scoped(session, name, principal.actor, division_prefix, service_codes or [])


def create_scoped(
    session: Session, name: str, actor: audit.Actor, division_prefix: str | None, service_codes: list[str]
) -> tuple[Open311Client, str]:
    """A new client limited to an area and services (checked first: nothing is created when
    either is invalid); the key is returned once. The admin page and ``zhizhi open311
    key-create --division --service`` both come here."""
    prefix, codes = checked_scope(session, division_prefix, service_codes)
    client, key = create_client(session, name, actor=actor)
    _set_scope(session, client, prefix, codes, actor)  # recorded even when open: the starting scope
    return client, key


def rotate_key(session: Session, principal: Principal, name: str) -> tuple[Open311Client, str]:
    """A new key for an active client; the old key is refused from this commit on."""
    require_admin(principal)
    client = _named(session, name)
    if not client.active:
        raise Conflict("已吊销的客户端不能更换密钥", "a revoked client gets no new key", field="name")
    key = f"o311_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
    old = client.key_prefix
    client.key_prefix, client.key_hash = KEY_SHAPE.match(key).group(1), _digest(key)  # type: ignore[union-attr]
    session.flush()
    audit.record(
        session,
        "open311.key_rotated",
        principal.actor,
        object_type="open311_client",
        object_id=client.name,
        old_prefix=old,
        new_prefix=client.key_prefix,
    )
    return client, key


def set_scope(
    session: Session, principal: Principal, name: str, division_prefix: str | None, service_codes: list[str]
) -> Open311Client:
    require_admin(principal)
    return scope(session, name, division_prefix, service_codes, actor=principal.actor)


def scope(
    session: Session, name: str, division_prefix: str | None, service_codes: list[str], *, actor: audit.Actor
) -> Open311Client:
    """Set a client's area and services (empty: anywhere, any service), audited with before
    and after; for the admin page and the command line."""
    client = _named(session, name)
    prefix, codes = checked_scope(session, division_prefix, service_codes)
    return _set_scope(session, client, prefix, codes, actor)


def _set_scope(
    session: Session, client: Open311Client, prefix: str | None, codes: list[str], actor: audit.Actor
) -> Open311Client:
    """Store an already checked scope and audit it with before and after."""
    before = {"division_prefix": client.division_prefix, "service_codes": list(client.service_codes or [])}
    client.division_prefix, client.service_codes = prefix, codes or None
    session.flush()
    audit.record(
        session,
        "open311.client_scoped",
        actor,
        object_type="open311_client",
        object_id=client.name,
        before=before,
        after={"division_prefix": prefix, "service_codes": codes},
    )
    return client


def admin_revoke(session: Session, principal: Principal, name: str) -> Open311Client:
    require_admin(principal)
    _named(session, name)
    return revoke_client(session, name, actor=principal.actor)


def check_scope(
    session: Session, client: Open311Client, division_code: str | None, category_id: int | None
) -> None:
    """403 when a posted request falls outside the client's area or services (the request's
    unit of work rolls back: nothing is kept)."""
    if client.division_prefix and not (division_code or "").startswith(client.division_prefix):
        raise Forbidden(
            "该请求的位置不在此客户端的受理区域内",
            "the request's place is outside this client's area",
            field="address_string",
        )
    if client.service_codes:
        allowed = set(client.service_codes)
        lineage = set(catalogue.ancestor_codes(session, category_id)) if category_id else set()
        if not allowed & lineage:
            raise Forbidden(
                "此客户端无权提交该服务类别", "this client may not post to this service", field="service_code"
            )


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
