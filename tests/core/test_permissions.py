"""Which role holds which permission, written out by hand (never read from the code)."""

from __future__ import annotations

import pytest

from zhizhi.core.permissions import ROLE_LABELS, ROLE_PERMISSIONS, Permission, Role, has_permission
from zhizhi.core.principal import Principal

ALL = {
    "case:create",
    "case:read",
    "case:read_all",
    "case:accept",
    "case:answer_directly",
    "case:dispatch",
    "case:sign",
    "case:handle",
    "case:reply",
    "case:return",
    "case:review_return",
    "case:request_extension",
    "case:approve_extension",
    "case:suspend",
    "case:supervise",
    "case:rate",
    "case:close",
    "case:reopen",
    "case:review_rating",
    "case:merge",
    "personal:read",
    "org:manage",
    "users:manage",
    "catalogue:manage",
    "calendar:manage",
    "audit:read",
    "cockpit:read",
    "data:manage",
    "cert:issue",
    "cert:read",
    "sharing:request",
    "sharing:approve",
    "sharing:supervise",
    "knowledge:read",
    "knowledge:manage",
    "sharing:clients",
    "open311:clients",
    "application:submit",
    "application:review",
    "application:decide",
    "application:extend",
    "services:items_manage",
    "window:receive",
    "window:stats",
    "window:manage",
    "rating:rectify",
    "service:supervise",
}
APPLICATIONS = {"application:submit", "application:review", "application:decide"}  # a back office
HANDLING = {
    "case:read",
    "knowledge:read",
    "case:sign",
    "case:handle",
    "case:reply",
    "case:return",
    "case:request_extension",
}

EXPECTED: dict[str, set[str]] = {
    "public": {"case:create", "case:read", "case:rate", "application:submit"},
    "intake_agent": {
        "case:read",
        "knowledge:read",
        "case:read_all",
        "case:create",
        "case:accept",
        "case:answer_directly",
        "case:rate",
        "personal:read",
        "case:merge",
    },
    "dispatcher": {
        "case:read",
        "knowledge:read",
        "case:read_all",
        "case:create",
        "case:accept",
        "case:answer_directly",
        "case:dispatch",
        "case:review_return",
        "case:approve_extension",
        "case:suspend",
        "case:merge",
        "case:rate",
        "case:close",
        "case:reopen",
        "personal:read",
    },
    "handler": HANDLING | {"cert:read", "rating:rectify"} | APPLICATIONS,
    "grid_worker": HANDLING | {"case:create"},
    "supervisor": {
        "case:read",
        "knowledge:read",
        "case:read_all",
        "case:supervise",
        "case:approve_extension",
        "case:suspend",
        "case:review_return",
        "case:close",
        "case:reopen",
        "case:review_rating",
        "audit:read",
        "cockpit:read",
        "sharing:supervise",
        "window:stats",
        "rating:rectify",
        "service:supervise",
    },
    "leader": {
        "case:read",
        "knowledge:read",
        "case:read_all",
        "case:create",
        "case:supervise",
        "cockpit:read",
        "application:extend",
        "window:stats",
        "service:supervise",
    },
    "data_steward": {
        "case:read",
        "knowledge:read",
        "knowledge:manage",
        "case:read_all",
        "data:manage",
        "audit:read",
        "cert:issue",
        "cert:read",
        "sharing:request",
        "sharing:approve",
        "sharing:supervise",
        "sharing:clients",
    },
    "item_steward": {"case:read", "knowledge:read", "services:items_manage"},
    "window_clerk": {"knowledge:read", "window:receive", "window:stats", "application:submit"},
    "admin": ALL,
}

LABELS = {
    "public": ("群众", "Member of the public"),
    "intake_agent": ("受理员", "Intake agent"),
    "dispatcher": ("派单员", "Dispatcher"),
    "handler": ("承办人", "Handler"),
    "grid_worker": ("网格员", "Grid worker"),
    "supervisor": ("督办员", "Supervisor"),
    "leader": ("领导", "Leader"),
    "data_steward": ("数据管理员", "Data steward"),
    "item_steward": ("事项管理员", "Service item steward"),
    "window_clerk": ("窗口受理员", "Window clerk"),
    "admin": ("系统管理员", "Administrator"),
}


def test_the_vocabulary() -> None:
    assert {p.value for p in Permission} == ALL
    assert [r.value for r in Role] == list(EXPECTED)


def test_role_permission_map() -> None:
    assert {r.value: {p.value for p in perms} for r, perms in ROLE_PERMISSIONS.items()} == EXPECTED


def test_role_labels() -> None:
    assert {r.value: label for r, label in ROLE_LABELS.items()} == LABELS


@pytest.mark.parametrize("role", list(EXPECTED))
def test_has_permission_and_principal_can_agree_with_the_map(role: str) -> None:
    principal = Principal(1, "u", "u", Role(role), None, None)
    for permission in Permission:
        expected = permission.value in EXPECTED[role]
        assert has_permission(role, permission) is expected, (role, permission)
        assert has_permission(Role(role), permission) is expected, (role, permission)
        assert principal.can(permission) is expected, (role, permission)


def test_unknown_role_is_an_error_not_a_grant() -> None:
    with pytest.raises(ValueError):
        has_permission("superuser", Permission.CASE_READ)
