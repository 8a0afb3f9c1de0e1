"""Login, bearer tokens (missing, stale, revoked), the login audit trail, /me."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from tests.builders import PASSWORD
from zhizhi.core import clock
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import session_factory, unit_of_work
from zhizhi.org import service


def _login(client: Any, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


class TestLogin:
    def test_password_login_gives_a_bearer_token(self, world: Any) -> None:
        r = _login(world.client, "dispatcher", PASSWORD)
        assert r.status_code == 200
        body = r.json()
        assert body["token_type"] == "bearer" and body["access_token"]
        me = world.client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json()["role"] == "dispatcher" and "case:dispatch" in me.json()["permissions"]

    def test_wrong_password_is_401_and_counted_not_audited(self, world: Any) -> None:
        # single failures are counted (core.throttle); only a lockout is audited (docs/security.md)
        r = _login(world.client, "dispatcher", "wrong-password")
        assert r.status_code == 401 and r.json()["message"]["zh"] == "用户名或密码错误"
        with session_factory()() as s:
            actions = list(s.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))
        assert "auth.login_failed" not in actions

    def test_missing_form_fields_are_422(self, world: Any) -> None:
        r = world.client.post("/api/v1/auth/token", data={"username": "x"})
        assert r.status_code == 422 and r.json()["field"] == "password"

    def test_passwords_are_argon2id(self, world: Any) -> None:
        h = service.hash_password("secret-123")
        assert h.startswith("$argon2id$") and service.verify_password(h, "secret-123")
        assert not service.verify_password(h, "secret-124")


class TestTokens:
    def test_missing_token_is_401(self, client: Any, world: Any) -> None:
        r = client.get("/api/v1/cases")
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"

    def test_garbage_token_is_401(self, client: Any, world: Any) -> None:
        assert client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401

    def test_expired_token_is_401(self, world: Any) -> None:
        token = _login(world.client, "agent", PASSWORD).json()["access_token"]
        clock.freeze(clock.now() + timedelta(days=2))
        r = world.client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401 and "过期" in r.json()["message"]["zh"]

    def test_revoked_token_is_401(self, world: Any) -> None:
        token = _login(world.client, "agent", PASSWORD).json()["access_token"]
        with unit_of_work() as s:
            service.revoke_token(s, token)
        assert (
            world.client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401
        )


class TestAdministration:
    def test_admin_creates_department_and_user(self, world: Any) -> None:
        r = world.client.post(
            "/api/v1/departments",
            json={"code": "S3", "name": "新街道", "kind": "street", "parent_code": "D1"},
            headers=world.h("admin"),
        )
        assert r.status_code == 201
        r = world.client.post(
            "/api/v1/users",
            json={
                "username": "h_s3",
                "password": "long-enough-1",
                "role": "handler",
                "department_code": "S3",
            },
            headers=world.h("admin"),
        )
        assert r.status_code == 201
        assert _login(world.client, "h_s3", "long-enough-1").status_code == 200

    def test_non_admin_cannot_create_users(self, world: Any) -> None:
        r = world.client.post(
            "/api/v1/users",
            json={"username": "x1", "password": "long-enough-1", "role": "admin"},
            headers=world.h("dispatcher"),
        )
        assert r.status_code == 403

    def test_duplicate_username_is_409(self, world: Any) -> None:
        r = world.client.post(
            "/api/v1/users",
            json={"username": "agent", "password": "long-enough-1", "role": "public"},
            headers=world.h("admin"),
        )
        assert r.status_code == 409 and r.json()["field"] == "username"
