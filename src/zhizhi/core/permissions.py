"""Permissions as a vocabulary, mapped to roles.

Routes declare the permission they need; repositories scope rows; object policies give the
reason a specific action on a specific object is refused.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PUBLIC = "public"  # 群众 / 企业
    INTAKE_AGENT = "intake_agent"  # 话务员 / 受理员
    DISPATCHER = "dispatcher"  # 派单员
    HANDLER = "handler"  # 承办人
    GRID_WORKER = "grid_worker"  # 网格员
    SUPERVISOR = "supervisor"  # 督办员
    LEADER = "leader"  # 领导
    DATA_STEWARD = "data_steward"  # 数据管理员
    ITEM_STEWARD = "item_steward"  # 事项管理员 (政务服务事项清单)
    WINDOW_CLERK = "window_clerk"  # 综合窗口受理员（政务服务大厅）
    ADMIN = "admin"  # 系统管理员


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.PUBLIC: ("群众", "Member of the public"),
    Role.INTAKE_AGENT: ("受理员", "Intake agent"),
    Role.DISPATCHER: ("派单员", "Dispatcher"),
    Role.HANDLER: ("承办人", "Handler"),
    Role.GRID_WORKER: ("网格员", "Grid worker"),
    Role.SUPERVISOR: ("督办员", "Supervisor"),
    Role.LEADER: ("领导", "Leader"),
    Role.DATA_STEWARD: ("数据管理员", "Data steward"),
    Role.ITEM_STEWARD: ("事项管理员", "Service item steward"),
    Role.WINDOW_CLERK: ("窗口受理员", "Window clerk"),
    Role.ADMIN: ("系统管理员", "Administrator"),
}


class Permission(StrEnum):
    CASE_CREATE = "case:create"
    CASE_READ = "case:read"  # within row scope
    CASE_READ_ALL = "case:read_all"  # city-wide, no department scoping
    CASE_ACCEPT = "case:accept"
    CASE_ANSWER_DIRECTLY = "case:answer_directly"
    CASE_DISPATCH = "case:dispatch"
    CASE_SIGN = "case:sign"
    CASE_HANDLE = "case:handle"
    CASE_REPLY = "case:reply"
    CASE_RETURN = "case:return"
    CASE_REVIEW_RETURN = "case:review_return"
    CASE_REQUEST_EXTENSION = "case:request_extension"
    CASE_APPROVE_EXTENSION = "case:approve_extension"
    CASE_SUSPEND = "case:suspend"
    CASE_SUPERVISE = "case:supervise"
    CASE_RATE = "case:rate"
    CASE_CLOSE = "case:close"
    CASE_REOPEN = "case:reopen"
    CASE_REVIEW_RATING = "case:review_rating"  # decide a 差评复核: reopen, explain or uphold an appeal
    CASE_MERGE = "case:merge"
    PERSONAL_READ = "personal:read"  # unmasked phone numbers and names
    ORG_MANAGE = "org:manage"
    USERS_MANAGE = "users:manage"
    CATALOGUE_MANAGE = "catalogue:manage"
    CALENDAR_MANAGE = "calendar:manage"
    AUDIT_READ = "audit:read"
    COCKPIT_READ = "cockpit:read"
    DATA_MANAGE = "data:manage"
    CERT_ISSUE = "cert:issue"  # issue and revoke the own department's electronic certificates
    CERT_READ = "cert:read"  # read any department's certificates (免提交), audited
    SHARING_REQUEST = "sharing:request"  # request a shared data resource for one's department
    SHARING_APPROVE = "sharing:approve"  # answer requests for (and revoke grants of) one's own resources
    SHARING_SUPERVISE = "sharing:supervise"  # the city-wide queue of pending requests, overdue first
    KNOWLEDGE_READ = "knowledge:read"  # search and read the knowledge base's published articles
    KNOWLEDGE_MANAGE = "knowledge:manage"  # write, publish and retire knowledge articles
    SHARING_CLIENTS = "sharing:clients"  # register, rotate, bind, retire one's department's systems
    OPEN311_CLIENTS = "open311:clients"  # Open311 posting clients: keys, scope, revocation (admins)
    # applications (办件, docs/services.md): submit / supplement / withdraw (the applicant, or staff
    # receiving at a window); review (预审, 受理, 补正告知, 审查, 特别程序, 送达); decide (准予 /
    # 不予); extend (art. 42: the head of the department, once)
    APPLICATION_SUBMIT = "application:submit"
    APPLICATION_REVIEW = "application:review"
    APPLICATION_DECIDE = "application:decide"
    APPLICATION_EXTEND = "application:extend"
    SERVICE_ITEMS_MANAGE = "services:items_manage"  # edit, publish, retire, import the own subtree's items
    WINDOW_RECEIVE = "window:receive"  # receive any item's application at one's comprehensive window
    WINDOW_STATS = "window:stats"  # window statistics: one's own hall, or every hall with case:read_all
    WINDOW_MANAGE = "window:manage"  # set up service halls' windows and assign clerks
    RATING_RECTIFY = "rating:rectify"  # verify and rectify bad service ratings of one's department
    SERVICE_SUPERVISE = "service:supervise"  # electronic supervision of applications and ratings


P = Permission

_STAFF_READ = {P.CASE_READ, P.KNOWLEDGE_READ}
# a department's back office for applications (办件)
_APPLICATIONS = {P.APPLICATION_SUBMIT, P.APPLICATION_REVIEW, P.APPLICATION_DECIDE}
_HANDLING = {P.CASE_SIGN, P.CASE_HANDLE, P.CASE_REPLY, P.CASE_RETURN, P.CASE_REQUEST_EXTENSION}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PUBLIC: frozenset({P.CASE_CREATE, P.CASE_READ, P.CASE_RATE, P.APPLICATION_SUBMIT}),
    Role.INTAKE_AGENT: frozenset(
        _STAFF_READ
        | {P.CASE_READ_ALL, P.CASE_CREATE, P.CASE_ACCEPT, P.CASE_ANSWER_DIRECTLY, P.CASE_RATE}
        | {P.PERSONAL_READ, P.CASE_MERGE}
    ),
    Role.DISPATCHER: frozenset(
        _STAFF_READ
        | {P.CASE_READ_ALL, P.CASE_CREATE, P.CASE_ACCEPT, P.CASE_ANSWER_DIRECTLY, P.CASE_DISPATCH}
        | {P.CASE_REVIEW_RETURN, P.CASE_APPROVE_EXTENSION, P.CASE_SUSPEND, P.CASE_MERGE}
        | {P.CASE_RATE, P.CASE_CLOSE, P.CASE_REOPEN, P.PERSONAL_READ}
    ),
    Role.HANDLER: frozenset(_STAFF_READ | _HANDLING | {P.CERT_READ, P.RATING_RECTIFY} | _APPLICATIONS),
    Role.GRID_WORKER: frozenset(_STAFF_READ | _HANDLING | {P.CASE_CREATE}),
    Role.SUPERVISOR: frozenset(
        _STAFF_READ
        | {P.CASE_READ_ALL, P.CASE_SUPERVISE, P.CASE_APPROVE_EXTENSION, P.CASE_SUSPEND}
        | {P.CASE_REVIEW_RETURN, P.CASE_CLOSE, P.CASE_REOPEN, P.AUDIT_READ, P.COCKPIT_READ}
        | {P.CASE_REVIEW_RATING, P.SHARING_SUPERVISE}
        | {P.WINDOW_STATS, P.RATING_RECTIFY, P.SERVICE_SUPERVISE}
    ),
    Role.LEADER: frozenset(
        _STAFF_READ
        | {P.CASE_READ_ALL, P.CASE_CREATE, P.CASE_SUPERVISE, P.COCKPIT_READ, P.APPLICATION_EXTEND}
        | {P.WINDOW_STATS, P.SERVICE_SUPERVISE}
    ),
    Role.DATA_STEWARD: frozenset(
        _STAFF_READ
        | {P.CASE_READ_ALL, P.DATA_MANAGE, P.AUDIT_READ}
        | {P.CERT_ISSUE, P.CERT_READ, P.KNOWLEDGE_MANAGE}
        | {P.SHARING_REQUEST, P.SHARING_APPROVE, P.SHARING_SUPERVISE, P.SHARING_CLIENTS}
    ),
    Role.ITEM_STEWARD: frozenset(_STAFF_READ | {P.SERVICE_ITEMS_MANAGE}),
    # the comprehensive window (一窗受理): receives any item, prints the receipt or the one-time
    # notice, sees its own hall's statistics; reads only what its hall received (no case:read_all)
    Role.WINDOW_CLERK: frozenset({P.KNOWLEDGE_READ, P.WINDOW_RECEIVE, P.WINDOW_STATS, P.APPLICATION_SUBMIT}),
    Role.ADMIN: frozenset(set(Permission)),
}


def has_permission(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]
