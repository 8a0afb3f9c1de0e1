"""Route dependencies: the caller's principal from a bearer token, and permission checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from zhizhi.core.errors import Forbidden, Unauthorized
from zhizhi.core.permissions import ROLE_LABELS, Permission
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.org.service import principal_from_token

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def resolve_principal(request: Request, session: Session, token: str | None) -> Principal | None:
    """The signed-in page user (set by the pages' session middleware), else the bearer token's."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is not None:
        return principal
    if not token:
        return None
    return principal_from_token(session, token)


def optional_principal(
    request: Request, session: DbSession, token: Annotated[str | None, Depends(oauth2)]
) -> Principal | None:
    return resolve_principal(request, session, token)


BearerToken = Annotated[str | None, Depends(oauth2)]


def current_principal(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise Unauthorized("请先登录（缺少访问令牌）", "authentication required (no bearer token)")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


def require(permission: Permission) -> Callable[[Principal], Principal]:
    def _check(principal: CurrentPrincipal) -> Principal:
        if not principal.can(permission):
            zh_role, en_role = ROLE_LABELS[principal.role]
            raise Forbidden(
                f"角色「{zh_role}」无权执行此操作（需要 {permission.value}）",
                f"role {en_role} lacks permission {permission.value}",
                permission=permission.value,
            )
        return principal

    return _check
