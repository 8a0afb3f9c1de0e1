"""The only place that writes SQL for departments, users and bearer tokens.

Other domains never import this module: they ask ``org.service``, which hands them rows as
:class:`~zhizhi.org.schemas.DepartmentRef` or, where their own query needs departments, a SQL
expression built here (:func:`subtree_ids`, :func:`departments_table`, :func:`ids_in_division`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, case, delete, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from zhizhi.org.models import ApiToken, Department, OidcLogin, User

# ---- departments --------------------------------------------------------------------------


def department_by_code(session: Session, code: str, *, active_only: bool = False) -> Department | None:
    stmt = select(Department).where(Department.code == code)
    if active_only:
        stmt = stmt.where(Department.active)
    return session.scalar(stmt)


def department_by_id(session: Session, department_id: int) -> Department | None:
    return session.get(Department, department_id)


def departments_by_ids(session: Session, ids: list[int]) -> list[Department]:
    """The departments with ``ids``: those already in the session without a query (as
    ``Session.get`` does), the others in one ``IN`` query."""
    found: list[Department] = []
    missing: list[int] = []
    for department_id in ids:
        cached = session.identity_map.get(identity_key(Department, department_id))
        if cached is not None:
            found.append(cached)
        else:
            missing.append(department_id)
    if missing:
        found.extend(session.scalars(select(Department).where(Department.id.in_(missing))))
    return found


def ids_by_code(session: Session, codes: list[str]) -> dict[str, int]:
    if not codes:
        return {}
    rows = session.execute(select(Department.code, Department.id).where(Department.code.in_(codes)))
    return {code: department_id for code, department_id in rows}


def departments(session: Session, *, active_only: bool) -> list[Department]:
    """Departments in tree order (by materialised path)."""
    stmt = select(Department).order_by(Department.path)
    if active_only:
        stmt = stmt.where(Department.active)
    return list(session.scalars(stmt))


def _level_rank() -> Any:
    """0 市直部门 (city, its bureaus, centres, utilities), 1 区县, 2 街道乡镇, 3 社区村."""
    return case(
        (Department.kind == "district", 1),
        (Department.kind == "street", 2),
        (Department.kind == "community", 3),
        else_=0,
    )


def search_departments(session: Session, q: str, limit: int) -> list[tuple[str, str, str, str]]:
    """Active departments whose name contains ``q``, or whose code or pinyin initials start with
    it (initials also anywhere): ``(code, name, kind, initials)``, level by level (市直部门 first),
    the closest matches first within a level, then in tree order."""
    low = q.lower()
    name_hit = Department.name.contains(q, autoescape=True)
    code_hit = Department.code.startswith(q, autoescape=True)
    initials_prefix = Department.pinyin_initials.startswith(low, autoescape=True)
    initials_hit = Department.pinyin_initials.contains(low, autoescape=True)
    closeness = case(
        (Department.code == q, 0),
        (Department.name == q, 0),
        (Department.name.startswith(q, autoescape=True), 1),
        (initials_prefix, 1),
        (code_hit, 2),
        else_=3,
    )
    stmt = (
        select(Department.code, Department.name, Department.kind, Department.pinyin_initials)
        .where(Department.active, or_(name_hit, code_hit, initials_hit))
        .order_by(_level_rank(), closeness, Department.path)
        .limit(limit)
    )
    return [(c, n, k, p or "") for c, n, k, p in session.execute(stmt)]


def grouped_choices(session: Session) -> list[tuple[int, str, str]]:
    """``(level rank, code, name)`` of the active departments, level by level, in tree order."""
    rank = _level_rank()
    stmt = (
        select(rank, Department.code, Department.name)
        .where(Department.active)
        .order_by(rank, Department.path)
    )
    return [(int(r), c, n) for r, c, n in session.execute(stmt)]


def department_choices(session: Session) -> list[tuple[str, str]]:
    """``(code, name)`` of the active departments in tree order."""
    rows = session.execute(
        select(Department.code, Department.name).where(Department.active).order_by(Department.path)
    )
    return [(code, name) for code, name in rows]


def code_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Department.id).where(Department.code == code)) is not None


def add_department(session: Session, department: Department) -> None:
    session.add(department)
    session.flush()


def count_departments(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Department)) or 0)


def path_of(session: Session, department_id: int) -> str | None:
    return session.scalar(select(Department.path).where(Department.id == department_id))


def subtree_ids(path: str) -> Select[int]:
    """``SELECT id FROM departments WHERE path LIKE '<path>%'``: the department at ``path`` and
    every unit below it. PostgreSQL reads it once per query by scanning the departments (a
    pattern built from a parameter cannot use the path's index): for lists; a statement about
    one row uses :func:`is_in_subtree`."""
    return select(Department.id).where(Department.path.startswith(path))


def is_in_subtree(column: Any, path: str) -> ColumnElement[bool]:
    """``EXISTS (SELECT 1 FROM departments WHERE id = <column> AND path LIKE '<path>%')``: whether
    the department ``column`` names is the one at ``path`` or below it, decided by one
    primary-key lookup per outer row. For a query about one row (an action's locked case):
    :func:`subtree_ids` reads every department whose path the pattern matches, and PostgreSQL
    cannot use an index for a parameter-built ``LIKE`` pattern, so it scanned all 1,856."""
    return exists().where(Department.id == column, Department.path.startswith(path))


def subtree_id_list(session: Session, path: str) -> list[int]:
    return list(session.scalars(subtree_ids(path)))


def ids_in_division(prefix: str) -> Select[int]:
    """Ids of the departments whose division code starts with ``prefix``."""
    return select(Department.id).where(Department.division_code.startswith(prefix))


def departments_table() -> Subquery:
    """The department columns other domains may join on (``id``, ``code``, ``name``,
    ``division_code``), as a subquery PostgreSQL and SQLite flatten into the outer query."""
    return select(Department.id, Department.code, Department.name, Department.division_code).subquery(
        "department_columns"
    )


def districts(session: Session) -> list[tuple[str, str]]:
    """``(division code, name)`` of the active district departments that have a division code."""
    rows = session.execute(
        select(Department.division_code, Department.name)
        .where(Department.kind == "district", Department.active, Department.division_code.is_not(None))
        .order_by(Department.division_code)
    )
    return [(str(code), str(name)) for code, name in rows]


def active_by_division(session: Session, division_codes: list[str]) -> list[Department]:
    """Active departments whose division code is one of ``division_codes``, oldest first."""
    return list(
        session.scalars(
            select(Department)
            .where(Department.division_code.in_(division_codes), Department.active.is_(True))
            .order_by(Department.id)
        )
    )


# ---- users --------------------------------------------------------------------------------


def user_by_username(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def username_exists(session: Session, username: str) -> bool:
    return session.scalar(select(User.id).where(User.username == username)) is not None


def user_exists(session: Session, user_id: int) -> bool:
    return session.scalar(select(User.id).where(User.id == user_id)) is not None


def staff_names(session: Session, ids: list[int]) -> list[tuple[int, str, int | None]]:
    """``(id, display name, department id)`` of the users among ``ids`` (no login names)."""
    if not ids:
        return []
    rows = session.execute(
        select(User.id, User.display_name, User.department_id).where(User.id.in_(ids))
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def display_names(session: Session, usernames: list[str]) -> dict[str, str]:
    if not usernames:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(usernames))).all()
    return {r[0]: r[1] for r in rows}


def add_user(session: Session, user: User) -> None:
    session.add(user)
    session.flush()


def users(session: Session, limit: int) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username).limit(limit)))


def newest_user_in(session: Session, department_ids: list[int], role: str) -> User | None:
    return session.scalar(
        select(User)
        .where(User.department_id.in_(department_ids), User.role == role)
        .order_by(User.id.desc())
        .limit(1)
    )


def phones_in(session: Session, department_id: int, role: str) -> list[tuple[int, str]]:
    """(user id, phone) of the active users with ``role`` in the department who have a phone."""
    rows = session.execute(
        select(User.id, User.phone)
        .where(
            User.department_id == department_id,
            User.role == role,
            User.active.is_(True),
            User.phone.is_not(None),
        )
        .order_by(User.id)
    ).all()
    return [(user_id, phone) for user_id, phone in rows if phone]


# ---- tokens -------------------------------------------------------------------------------


def add_token(session: Session, token: ApiToken) -> None:
    session.add(token)
    session.flush()


def token_by_digest(session: Session, digest: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))


def principal_row(session: Session, digest: str) -> Any:
    """The token's expiry and revocation with its user and department path: one query."""
    return session.execute(
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


# ---- OIDC logins ----------------------------------------------------------------------------


def add_oidc_login(session: Session, row: OidcLogin) -> None:
    session.add(row)
    session.flush()


def oidc_login(session: Session, state_hash: str) -> OidcLogin | None:
    stmt = select(OidcLogin).where(OidcLogin.state_hash == state_hash).with_for_update()
    return session.scalar(stmt)


def purge_oidc_logins(session: Session, before: Any) -> int:
    result = session.execute(delete(OidcLogin).where(OidcLogin.expires_at < before))
    return int(getattr(result, "rowcount", 0) or 0)
