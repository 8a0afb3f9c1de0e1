"""Organisation shapes: API bodies and answers, and the department reference other domains get."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from zhizhi.core.permissions import Role


@dataclass(frozen=True, slots=True)
class DepartmentRef:
    """A department as other domains see it (``org.service`` lookups return these, never rows)."""

    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    path: str
    division_code: str | None
    active: bool

    @classmethod
    def of(cls, row: Any) -> DepartmentRef:
        return cls(
            row.id, row.code, row.name, row.kind, row.parent_id, row.path, row.division_code, row.active
        )


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - OAuth2 token type, not a secret
    expires_in: int


class DepartmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    division_code: str | None


class DepartmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=120)
    kind: str
    parent_code: str | None = None
    division_code: str | None = Field(default=None, pattern=r"^\d{12}$")


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    display_name: str | None = Field(default=None, max_length=80)
    password: str = Field(min_length=8, max_length=128)
    role: Role
    department_code: str | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    role_label: dict[str, str]
    department_id: int | None
    permissions: list[str]
