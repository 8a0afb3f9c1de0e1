from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhizhi.core import clock
from zhizhi.core.db import Base, UTCDateTime
from zhizhi.core.fieldcrypt import EncryptedText
from zhizhi.core.permissions import Role
from zhizhi.org.enums import DepartmentKind

_ROLES = ", ".join(f"'{r.value}'" for r in Role)
_KINDS = ", ".join(f"'{k.value}'" for k in DepartmentKind)


class Department(Base):
    """A node of the organisation tree; ``path`` ("/1/4/17/") makes subtree queries one LIKE."""

    __tablename__ = "departments"
    __table_args__ = (CheckConstraint(f"kind IN ({_KINDS})", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    path: Mapped[str] = mapped_column(String(400), nullable=False, index=True, default="/")
    division_code: Mapped[str | None] = mapped_column(String(12), index=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    pinyin_initials: Mapped[str | None] = mapped_column(String(120))  # 0009: the typeahead's key

    parent: Mapped[Department | None] = relationship(remote_side="Department.id", lazy="raise")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLES})", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(80), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText("users.phone"))  # 0012: SM4-GCM envelope
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=clock.now)

    department: Mapped[Department | None] = relationship(lazy="raise")


class ApiToken(Base):
    """Opaque bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OidcLogin(Base):
    """One staff login started through the identity provider (统一身份认证): the state's digest,
    the nonce and the PKCE verifier, until the callback uses it once (``used_at``: a replay is
    refused)."""

    __tablename__ = "oidc_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    nonce: Mapped[str] = mapped_column(String(100), nullable=False)
    code_verifier: Mapped[str] = mapped_column(String(200), nullable=False)
    next_path: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
