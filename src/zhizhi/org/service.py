"""Departments, users, passwords (argon2id) and bearer tokens: the one place for each use case.

Every department lookup of the platform is here (other domains get :class:`DepartmentRef`s, or a
SQL expression for their own queries such as :func:`subtree_query`).  Services flush, never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, Select, Subquery
from sqlalchemy.orm import Session

from zhizhi.core import audit, clock, fieldcrypt, throttle
from zhizhi.core.errors import Conflict, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.org import department_cache, pinyin, principal_cache
from zhizhi.org import repository as repo
from zhizhi.org.enums import DepartmentKind
from zhizhi.org.models import ApiToken, Department, User
from zhizhi.org.schemas import DepartmentRef

# the encrypted columns of the users table: column → encryption context (key rotation reads it)
ENCRYPTED_COLUMNS = fieldcrypt.encrypted_columns(User)

# OWASP's argon2id baseline (m=19 MiB, t=2, p=1): ~20 ms per verify on this class of machine.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DIVISION_CODE_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# ---- department lookups ---------------------------------------------------------------------


def find_department(session: Session, code: str, *, active_only: bool = True) -> DepartmentRef | None:
    """The department with ``code`` (by default only an active one), or ``None``."""
    dept = repo.department_by_code(session, code, active_only=active_only)
    return None if dept is None else DepartmentRef.of(dept)


def department_by_code(session: Session, code: str) -> DepartmentRef:
    """The department with ``code`` (active or not); 404 naming the field ``department``."""
    dept = repo.department_by_code(session, code)
    if dept is None:
        raise NotFound(f"部门 {code} 不存在", f"department {code} not found", field="department")
    return DepartmentRef.of(dept)


def department(session: Session, department_id: int | None) -> DepartmentRef | None:
    if department_id is None:
        return None
    dept = repo.department_by_id(session, department_id)
    return None if dept is None else DepartmentRef.of(dept)


def departments_by_ids(session: Session, ids: list[int]) -> dict[int, DepartmentRef]:
    """Served from ``department_cache`` (up to 5 s old for another process's changes); the rest
    in one query."""
    wanted = list(dict.fromkeys(ids))
    if session.info.get("departments_changed") or any(
        isinstance(o, Department) for o in (*session.new, *session.dirty)
    ):  # this transaction changed departments: read its own writes
        return {d.id: DepartmentRef.of(d) for d in repo.departments_by_ids(session, wanted)}
    found, missing, generation = department_cache.get_many(wanted)
    if missing:
        fresh = [DepartmentRef.of(d) for d in repo.departments_by_ids(session, missing)]
        department_cache.put_many(fresh, generation)
        found.update((d.id, d) for d in fresh)
    return found


def department_ids(session: Session, codes: list[str]) -> dict[str, int]:
    """``code → id`` of the departments (active or not) among ``codes``."""
    return repo.ids_by_code(session, codes)


def department_names(session: Session, ids: list[int]) -> dict[int, str]:
    return {i: d.name for i, d in departments_by_ids(session, ids).items()}


def departments(session: Session, *, active_only: bool = True) -> list[DepartmentRef]:
    """Departments in tree order."""
    return [DepartmentRef.of(d) for d in repo.departments(session, active_only=active_only)]


def department_choices(session: Session) -> list[tuple[str, str]]:
    """``(code, name)`` of the active departments in tree order, for forms."""
    return repo.department_choices(session)


UNIT_LEVELS: tuple[tuple[str, str], ...] = (
    ("市直部门", "City departments"),
    ("区县", "Districts and counties"),
    ("街道乡镇", "Streets and townships"),
    ("社区村", "Communities and villages"),
)


def unit_choices_grouped(session: Session) -> list[tuple[tuple[str, str], list[tuple[str, str]]]]:
    """Active departments for a unit picker: ``(level label, [(code, name)])``, 市直部门 first,
    then 区县, 街道, 社区 (docs/workbench.md)."""
    groups: dict[int, list[tuple[str, str]]] = {}
    for rank, code, name in repo.grouped_choices(session):
        groups.setdefault(rank, []).append((code, name))
    return [(UNIT_LEVELS[r], groups[r]) for r in sorted(groups)]


def search_units(session: Session, q: str, limit: int = 20) -> list[dict[str, str]]:
    """The typeahead: active departments matching ``q`` by name, code or pinyin initials, level by
    level. ``q`` is trimmed; blank, or over 40 characters → 422 naming ``q``."""
    q = q.strip()
    if not q or len(q) > 40:
        raise ValidationFailed("请输入 1–40 个字符", "type 1 to 40 characters", field="q")
    out = []
    for code, name, kind, initials in repo.search_departments(session, q, max(1, min(limit, 50))):
        rank = {"district": 1, "street": 2, "community": 3}.get(kind, 0)
        zh, en = UNIT_LEVELS[rank]
        out.append(
            {"code": code, "name": name, "kind": kind, "level": zh, "level_en": en, "initials": initials}
        )
    return out


def has_departments(session: Session) -> bool:
    return repo.count_departments(session) > 0


def count_departments(session: Session) -> int:
    return repo.count_departments(session)


def subtree_ids(session: Session, department_id: int) -> list[int]:
    path = repo.path_of(session, department_id)
    return [] if path is None else repo.subtree_id_list(session, path)


def subtree_query(path: str) -> Select[int]:
    """SQL for the ids of the department at ``path`` and every unit below it, for other domains'
    row scoping (``column.in_(subtree_query(path))``)."""
    return repo.subtree_ids(path)


def in_subtree_per_row(column: Any, path: str) -> ColumnElement[bool]:
    """SQL: whether the department id in ``column`` is at ``path`` or below it, one primary-key
    lookup per row — for a statement about one row; lists use ``column.in_(subtree_query(path))``."""
    return repo.is_in_subtree(column, path)


def any_in_subtree(session: Session, department_ids: list[int], path: str | None) -> bool:
    """Whether one of ``department_ids`` is the department at ``path`` or below it."""
    if not path:
        return False
    return any(d.path.startswith(path) for d in departments_by_ids(session, department_ids).values())


def departments_table() -> Subquery:
    """Department columns (``id``, ``code``, ``name``, ``division_code``) to join in other domains'
    aggregate queries (the cockpit's ranking and district map)."""
    return repo.departments_table()


def division_department_ids(prefix: str) -> Select[int]:
    """SQL for the ids of the departments whose division code starts with ``prefix``."""
    return repo.ids_in_division(prefix)


def district_choices(session: Session) -> list[tuple[str, str]]:
    """County-level divisions that have a district department: (6-digit code, name)."""
    return [(code[:6], name.removesuffix("人民政府")) for code, name in repo.districts(session)]


def territorial_department(session: Session, division_chain: list[str]) -> DepartmentRef | None:
    """The active department of the first division in ``division_chain`` (deepest first) that
    has one: the unit responsible for a place (属地)."""
    by_division: dict[str, DepartmentRef] = {}
    for dept in repo.active_by_division(session, division_chain):
        assert dept.division_code is not None
        by_division.setdefault(dept.division_code, DepartmentRef.of(dept))
    return next((by_division[c] for c in division_chain if c in by_division), None)


# ---- departments: use cases -------------------------------------------------------------------


def create_department(
    session: Session,
    *,
    code: str,
    name: str,
    kind: DepartmentKind | str,
    parent: DepartmentRef | None = None,
    parent_code: str | None = None,
    division_code: str | None = None,
    actor: audit.Actor | None = None,
) -> DepartmentRef:
    """Add a department under ``parent`` (or the department ``parent_code``); audited when an
    actor is given (the API and the administration page always give one)."""
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationFailed(
            "编码和名称必填", "code and name are required", field="code" if not code else "name"
        )
    if parent is None and parent_code:
        parent = department_by_code(session, parent_code)
    try:
        kind = DepartmentKind(kind)
    except ValueError as exc:
        raise ValidationFailed("部门类型无效", f"unknown department kind {kind!r}", field="kind") from exc
    if division_code is not None and not (
        len(division_code) == _DIVISION_CODE_LENGTH and division_code.isdigit()
    ):
        raise ValidationFailed(
            "行政区划代码为 12 位数字", "the division code is 12 digits", field="division_code"
        )
    if repo.code_exists(session, code):
        raise Conflict(f"部门编码 {code} 已存在", f"department code {code} already exists", field="code")
    dept = Department(
        code=code,
        name=name,
        kind=kind.value,
        parent_id=parent.id if parent else None,
        division_code=division_code,
        path="/",
        pinyin_initials=pinyin.initials(name),
    )
    repo.add_department(session, dept)
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
    return DepartmentRef.of(dept)


# ---- users ------------------------------------------------------------------------------------


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role | str,
    department: DepartmentRef | None = None,
    department_code: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
    actor: audit.Actor | None = None,
) -> User:
    """Add a user (API, administration page, CLI and demo alike); audited."""
    username = username.strip()
    if not username:
        raise ValidationFailed("用户名必填", "username is required", field="username")
    if department is None and department_code:
        department = department_by_code(session, department_code)
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationFailed("角色无效", f"unknown role {role!r}", field="role") from exc
    if len(password) < 8:
        raise ValidationFailed("密码至少 8 位", "password must have at least 8 characters", field="password")
    if repo.username_exists(session, username):
        raise Conflict(f"用户名 {username} 已存在", f"username {username} already exists", field="username")
    if role not in (Role.PUBLIC, Role.ADMIN, Role.LEADER) and department is None:
        raise ValidationFailed(
            "工作人员必须属于一个部门", "staff users need a department", field="department"
        )
    user = User(
        username=username,
        display_name=(display_name or "").strip() or username,
        password_hash=hash_password(password),
        role=role.value,
        department_id=department.id if department else None,
        phone=phone,
        active=True,
        created_at=clock.now(),
    )
    repo.add_user(session, user)
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


def users(session: Session, limit: int = 500) -> list[User]:
    return repo.users(session, limit)


def staff_names(session: Session, ids: list[int]) -> dict[int, tuple[str, DepartmentRef | None]]:
    """``id → (display name, unit)`` of staff members, for views that name who acted: a staff
    view names a person by display name, role and unit, never by login name (docs/security.md)."""
    rows = repo.staff_names(session, list(dict.fromkeys(i for i in ids if i)))
    units = departments_by_ids(session, [d for _, _, d in rows if d is not None])
    return {i: (name, units.get(d) if d is not None else None) for i, name, d in rows}


def display_names(session: Session, usernames: list[str]) -> dict[str, str]:
    """``login → display name`` for records that kept a login name (who decided, who revoked):
    views show the display name (docs/security.md); a name that is no user's stays as stored."""
    wanted = list(dict.fromkeys(u for u in usernames if u))
    found = repo.display_names(session, wanted)
    return {u: found.get(u, u) for u in wanted}


def user_exists(session: Session, user_id: int) -> bool:
    return repo.user_exists(session, user_id)


def user_display(session: Session, user_id: int) -> str:
    """A staff member's display name (``"#id"`` when the user no longer exists)."""
    user = repo.user_by_id(session, user_id)
    return user.display_name if user is not None else f"#{user_id}"


def username_of(session: Session, user_id: int) -> str:
    user = repo.user_by_id(session, user_id)
    return user.username if user is not None else f"#{user_id}"


def principal_for(session: Session, user: User) -> Principal:
    path = repo.path_of(session, user.department_id) if user.department_id is not None else None
    return Principal(user.id, user.username, user.display_name, Role(user.role), user.department_id, path)


def principal_for_user_id(session: Session, user_id: int) -> Principal | None:
    """The principal of an active user, or None (unknown or deactivated)."""
    user = repo.user_by_id(session, user_id)
    if user is None or not user.active:
        return None
    return principal_for(session, user)


def principal_for_username(session: Session, username: str) -> Principal:
    user = repo.user_by_username(session, username)
    if user is None:
        raise NotFound(f"用户 {username} 不存在", f"user {username} not found", field="username")
    return principal_for(session, user)


def principal_above(session: Session, department_id: int, role: Role) -> Principal | None:
    """The newest user with ``role`` in the department or in a department above it."""
    dept = department(session, department_id)
    if dept is None:
        return None
    ids = [int(x) for x in dept.path.strip("/").split("/")]
    user = repo.newest_user_in(session, ids, role.value)
    return None if user is None else principal_for(session, user)


def user_phone(session: Session, user_id: int) -> str | None:
    """A user's phone (decrypted), for notifications and the citizen's account."""
    user = repo.user_by_id(session, user_id)
    return user.phone if user is not None else None


def unit_phones(session: Session, department_id: int, role: Role = Role.HANDLER) -> list[tuple[int, str]]:
    """(user id, phone) of the unit's active users with ``role`` who gave a phone (notifications)."""
    return repo.phones_in(session, department_id, role.value)


# ---- authentication -----------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_dummy_hash: list[str] = []


def _verify_nobody(password: str) -> None:
    """Spend the time of a real verification for an unknown or disabled user name, so the
    answer's timing does not tell which names exist."""
    if not _dummy_hash:
        _dummy_hash.append(hash_password(secrets.token_urlsafe(16)))
    verify_password(_dummy_hash[0], password)


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user when the password is right (audited ``auth.login``), else ``None``; an unknown or
    disabled name costs the same password hashing as a wrong password."""
    user = repo.user_by_username(session, username)
    if user is None or not user.active:
        _verify_nobody(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    audit.record(
        session, "auth.login", audit.Actor(user.id, user.username), object_type="user", object_id=user.id
    )
    return user


def log_in(
    session: Session, username: str, password: str, *, address: str = "local", staff_only: bool = False
) -> tuple[str, int] | None:
    """A new bearer token and its lifetime in seconds, or ``None``: the API's password grant and
    the staff login page (``staff_only``: members of the public are refused).

    A locked account or source address gets 429 before any password is checked.  A failure is
    counted per account and per address (``core.throttle``, committed by the caller before it
    answers 401); reaching a limit locks for ``ZHIZHI_LOGIN_LOCKOUT_MINUTES`` and writes one
    ``auth.locked`` audit entry — single failures are counted, not audited one by one, so a
    guessing attacker cannot flood the audit trail (docs/security.md)."""
    if not username:
        return None
    throttle.check_login(session, username, address)
    user = authenticate(session, username, password)
    if user is None:
        for key, failures in throttle.login_failed(session, username, address):
            _, kind, subject = key.split(":", 2)
            audit.record(
                session,
                "auth.locked",
                audit.Actor(None, username[:80]),
                object_type="user" if kind == "user" else "address",
                object_id=subject[:64],
                failures=failures,
                minutes=get_settings().login_lockout_minutes,
            )
        return None
    throttle.login_succeeded(session, username)
    if staff_only and user.role == Role.PUBLIC.value:
        return None
    return issue_token(session, user)


def log_in_oidc(session: Session, username: str) -> tuple[str, int]:
    """A session token for ``username``, whose ID token ``org.oidc.finish`` has verified."""
    user = repo.user_by_username(session, username)
    if user is None or not user.active or user.role == Role.PUBLIC.value:
        raise Unauthorized("账号不存在或已停用", "no such active staff account")
    audit.record(
        session,
        "auth.login",
        audit.Actor(user.id, user.username),
        object_type="user",
        object_id=user.id,
        method="oidc",
    )
    return issue_token(session, user)


def unlock(session: Session, *, username: str | None = None, address: str | None = None) -> None:
    """Lift the lockout (and forget the failures) of an account or a source address; audited."""
    key = throttle.account_key(username) if username else throttle.address_key(address or "")
    throttle.unlock(session, key)
    audit.record(
        session,
        "auth.unlocked",
        audit.Actor.system(),
        object_type="user" if username else "address",
        object_id=(username or address or "")[:64],
    )


def lockout(session: Session, username: str, address: str) -> TooManyRequests | None:
    """The 429 to answer when the failure just counted locked the account or the address."""
    try:
        throttle.check_login(session, username, address)
    except TooManyRequests as exc:
        return exc
    return None


def issue_token(session: Session, user: Any) -> tuple[str, int]:
    ttl = get_settings().token_ttl_minutes * 60
    token = secrets.token_urlsafe(32)
    now = clock.now()
    repo.add_token(
        session,
        ApiToken(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
        ),
    )
    return token, ttl


def principal_from_token(session: Session, token: str) -> Principal:
    """One query (token, user and department path), or none for a token seen in the last
    seconds (``principal_cache``)."""
    digest = _digest(token)
    now = clock.now()
    cached = principal_cache.get(digest, now)
    if cached is not None:
        return cached
    row = repo.principal_row(session, digest)
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
    api_token = repo.token_by_digest(session, _digest(token))
    if api_token is not None and api_token.revoked_at is None:
        api_token.revoked_at = clock.now()
