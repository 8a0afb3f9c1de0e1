"""Departments, users, passwords (argon2id) and bearer tokens. Services flush, never commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from zhizhi.core.permissions import Role
from zhizhi.core.settings import get_settings
from zhizhi.org import principal_cache
from zhizhi.org.enums import DepartmentKind
from zhizhi.org.models import ApiToken, Department, User
from zhizhi.org.schemas import Principal

# OWASP's argon2id baseline (m=19 MiB, t=2, p=1): ~20 ms per verify on this class of machine.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# ---- departments -------------------------------------------------------------------------


def department_by_code(session: Session, code: str) -> Department:
    dept = session.scalar(select(Department).where(Department.code == code))
    if dept is None:
        raise NotFound(f"部门 {code} 不存在", f"department {code} not found", field="department")
    return dept


def create_department(
    session: Session,
    *,
    code: str,
    name: str,
    kind: DepartmentKind | str,
    parent: Department | None = None,
    division_code: str | None = None,
    actor: audit.Actor | None = None,
) -> Department:
    try:
        kind = DepartmentKind(kind)
    except ValueError as exc:
        raise ValidationFailed("部门类型无效", f"unknown department kind {kind!r}", field="kind") from exc
    if session.scalar(select(Department.id).where(Department.code == code)) is not None:
        raise Conflict(f"部门编码 {code} 已存在", f"department code {code} already exists", field="code")
    dept = Department(
        code=code,
        name=name,
        kind=kind.value,
        parent_id=parent.id if parent else None,
        division_code=division_code,
        path="/",
    )
    session.add(dept)
    session.flush()
    dept.path = f"{parent.path if parent else '/'}{dept.id}/"
    if actor is not None:
        audit.record(
            session,
            "org.department_created",
            actor,
            object_type="department",
            object_id=code,
            name=name,
            kind=kind.value,
        )
    return dept


def subtree_ids(session: Session, department_id: int) -> list[int]:
    path = session.scalar(select(Department.path).where(Department.id == department_id))
    if path is None:
        return []
    return list(session.scalars(select(Department.id).where(Department.path.startswith(path))))


# ---- users ---------------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role | str,
    department: Department | None = None,
    display_name: str | None = None,
    phone: str | None = None,
    actor: audit.Actor | None = None,
) -> User:
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationFailed("角色无效", f"unknown role {role!r}", field="role") from exc
    if len(password) < 8:
        raise ValidationFailed("密码至少 8 位", "password must have at least 8 characters", field="password")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户名 {username} 已存在", f"username {username} already exists", field="username")
    if role not in (Role.PUBLIC, Role.ADMIN, Role.LEADER) and department is None:
        raise ValidationFailed(
            "工作人员必须属于一个部门", "staff users need a department", field="department"
        )
    user = User(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role.value,
        department_id=department.id if department else None,
        phone=phone,
        active=True,
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "org.user_created",
        actor or audit.Actor.system(),
        object_type="user",
        object_id=user.id,
        username=username,
        role=role.value,
        department=department.code if department else None,
    )
    return user


def principal_for(session: Session, user: User) -> Principal:
    path = None
    if user.department_id is not None:
        path = session.scalar(select(Department.path).where(Department.id == user.department_id))
    return Principal(user.id, user.username, user.display_name, Role(user.role), user.department_id, path)


# ---- authentication ------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user, or ``None`` after queuing a ``auth.login_failed`` audit entry."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        audit.record(
            session,
            "auth.login_failed",
            audit.Actor(None, username[:80]),
            object_type="user",
            object_id=username[:64],
        )
        return None
    audit.record(
        session, "auth.login", audit.Actor(user.id, user.username), object_type="user", object_id=user.id
    )
    return user


def issue_token(session: Session, user: User) -> tuple[str, int]:
    ttl = get_settings().token_ttl_minutes * 60
    token = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(
        ApiToken(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        )
    )
    session.flush()
    return token, ttl


def principal_from_token(session: Session, token: str) -> Principal:
    """One query (token, user and department path), or none for a token seen in the last
    seconds (``principal_cache``)."""
    digest = _digest(token)
    now = clock.now()
    cached = principal_cache.get(digest, now)
    if cached is not None:
        return cached
    row = session.execute(
        select(
            ApiToken.revoked_at,
            ApiToken.expires_at,
            User.id,
            User.username,
            User.display_name,
            User.role,
            User.active,
            User.department_id,
            Department.path,
        )
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(Department, Department.id == User.department_id)
        .where(ApiToken.token_hash == digest)
    ).first()
    if row is None:
        raise Unauthorized("令牌无效", "invalid token")
    if row.revoked_at is not None or row.expires_at <= now:
        raise Unauthorized("令牌已过期或已注销，请重新登录", "token expired or revoked; log in again")
    if not row.active:
        raise Unauthorized("账号已停用", "account disabled")
    principal = Principal(row.id, row.username, row.display_name, Role(row.role), row.department_id, row.path)
    principal_cache.put(digest, row.expires_at, principal)
    return principal


def revoke_token(session: Session, token: str) -> None:
    api_token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if api_token is not None and api_token.revoked_at is None:
        api_token.revoked_at = clock.now()
