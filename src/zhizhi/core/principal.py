"""Who is calling: a user with a role, a department and that department's subtree path.

Every layer reads it (row scoping, object policies, audit actors), so it lives in ``core``;
``org`` builds it from a bearer token or a session cookie (``org.service.principal_from_token``).
"""

from __future__ import annotations

from dataclasses import dataclass

from zhizhi.core.audit import Actor
from zhizhi.core.permissions import ROLE_PERMISSIONS, Permission, Role


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller: ``department_path`` ("/1/4/") scopes rows to the department's subtree."""

    user_id: int
    username: str
    display_name: str
    role: Role
    department_id: int | None
    department_path: str | None
    verified_case_id: int | None = None  # a member of the public verified by phone for this one case

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.username)
