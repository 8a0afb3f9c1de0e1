"""The administration hub's section of signing keys: each department's SM2 public keys, whether
this process's key store holds the private half, and a form that makes a department a new key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.certificates import service
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.http.capability import AdminSection
from zhizhi.http.deps import DbSession
from zhizhi.ui import admin, csrf
from zhizhi.ui.session import Staff

router = APIRouter(include_in_schema=False)


def keys_section(session: Session, lang: str) -> Mapping[str, Any]:
    store = service.key_store()
    rows = service.public_keys(session)
    for row in rows:
        row["in_store"] = (store.directory / f"{row['key_id']}.json").is_file()
    return {"rows": rows, "store": str(store.directory)}


ADMIN_SECTIONS = (
    AdminSection(
        "certkey", "certificate-keys", "admin.cert_keys", "certificates/admin_keys.html", keys_section, 90
    ),
)


@router.post("/admin/certificate-keys", dependencies=[Depends(csrf.verify)])
def create_key(
    request: Request, session: DbSession, principal: Staff, department: Annotated[str, Form()] = ""
) -> Response:
    admin.require(principal, Permission.ORG_MANAGE)
    form = {"department": department}
    try:
        code = department.strip()
        if not code or len(code) > 40:
            raise ValidationFailed("请填写部门编码", "give the department's code", field="department")
        service.create_key(session, code, principal.actor)
    except DomainError as exc:
        return admin.refused(request, session, principal, "certkey", exc, form)
    return RedirectResponse("/admin?done=certkey", status_code=303)
