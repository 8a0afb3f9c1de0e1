"""The organisation API: log in (OAuth2 password grant), who am I, departments, users."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.security import OAuth2PasswordRequestForm

from zhizhi.core.errors import Forbidden, Unauthorized
from zhizhi.core.permissions import ROLE_LABELS, ROLE_PERMISSIONS, Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession, client_address
from zhizhi.org import service
from zhizhi.org.deps import CurrentPrincipal, require
from zhizhi.org.schemas import DepartmentIn, DepartmentOut, DepartmentRef, MeOut, TokenOut, UserIn, UserOut

router = APIRouter(prefix="/api/v1", tags=["auth & organisation"])


@router.post("/auth/token", response_model=TokenOut, summary="Log in (OAuth2 password form) 登录")
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], request: Request, session: DbSession
) -> TokenOut:
    address = client_address(request)
    issued = service.log_in(session, form.username, form.password, address=address)
    if issued is None:
        session.commit()  # the failure is counted (and a lockout audited) although the request fails
        locked = service.lockout(session, form.username, address)
        if locked is not None:
            raise locked
        raise Unauthorized("用户名或密码错误", "incorrect username or password", field="password")
    token, ttl = issued
    return TokenOut(access_token=token, expires_in=ttl)


@router.get("/me", response_model=MeOut, summary="Who am I 当前用户")
def me(principal: CurrentPrincipal) -> MeOut:
    zh, en = ROLE_LABELS[principal.role]
    return MeOut(
        id=principal.user_id,
        username=principal.username,
        display_name=principal.display_name,
        role=principal.role.value,
        role_label={"zh": zh, "en": en},
        department_id=principal.department_id,
        permissions=sorted(p.value for p in ROLE_PERMISSIONS[principal.role]),
    )


@router.get("/departments", response_model=list[DepartmentOut], summary="Departments 部门")
def departments(session: DbSession, _: CurrentPrincipal) -> list[DepartmentRef]:
    return service.departments(session, active_only=True)


@router.get("/departments/search", summary="Unit typeahead 单位检索 (name, code or pinyin initials)")
def search_departments(
    session: DbSession,
    principal: CurrentPrincipal,
    q: Annotated[str, Query(max_length=40)] = "",
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> dict[str, list[dict[str, str]]]:
    """Active departments matching ``q``, level by level (市直部门, 区县, 街道, 社区): the pickers of
    the dispatch forms. Staff only."""
    if principal.role is Role.PUBLIC:
        raise Forbidden("无权检索单位", "you may not search units")
    return {"items": service.search_units(session, q, limit)}


@router.post("/departments", response_model=DepartmentOut, status_code=201)
def create_department(
    body: DepartmentIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.ORG_MANAGE))],
) -> DepartmentRef:
    return service.create_department(
        session,
        code=body.code,
        name=body.name,
        kind=body.kind,
        parent_code=body.parent_code,
        division_code=body.division_code,
        actor=principal.actor,
    )


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(
    body: UserIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.USERS_MANAGE))],
) -> object:
    return service.create_user(
        session,
        username=body.username,
        password=body.password,
        role=body.role,
        department_code=body.department_code,
        display_name=body.display_name,
        actor=principal.actor,
    )
