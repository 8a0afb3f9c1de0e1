"""Results of applications as electronic certificates, and the form helpers the handlers and
the submission share.

*Rule:* approving an application whose item's result is a certificate issues it (SM2-signed,
grade A, in the name of the implementing department) through ``certificates.service`` in the
same unit of work: if the certificate cannot be issued (no signing key, a field missing), the
approval fails whole."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from zhizhi.cases.lifecycles import Context
from zhizhi.cases.service import Case
from zhizhi.certificates import service as certificates
from zhizhi.certificates.enums import HolderKind
from zhizhi.certificates.schemas import HolderIn, IssueIn
from zhizhi.core import clock
from zhizhi.core.errors import FieldProblem, ValidationFailed
from zhizhi.org import service as org
from zhizhi.services.applications import rules
from zhizhi.services.applications.enums import ApplicantType
from zhizhi.services.applications.models import Application
from zhizhi.services.items import service as items

DEFAULT_VALIDITY_YEARS = 5  # a licence without a validity given at the decision
PENDING_FILES = "applications.pending_files"  # session.info key: files stored for the action


def form_of(app: Application) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(app.form or "{}")
    return value


def set_form(app: Application, form: dict[str, Any]) -> None:
    app.form = json.dumps(form, ensure_ascii=False, sort_keys=True)


def check_form(version: Any, form: dict[str, Any]) -> list[FieldProblem]:
    return rules.form_problems(
        version.fields,
        form,
        lambda v: certificates.holder_id_valid(v, HolderKind.PERSON),
        lambda v: certificates.holder_id_valid(v, HolderKind.ORGANISATION),
    )


def pending_files(ctx: Context) -> dict[str, list[int]]:
    """Material code → attachment ids the service stored for the action under way."""
    stored: dict[str, list[int]] = ctx.session.info.pop(PENDING_FILES, None) or {}
    return stored


def _valid_to(given: date | None, start: date) -> date:
    if given is not None:
        return given
    try:
        return start.replace(year=start.year + DEFAULT_VALIDITY_YEARS) - timedelta(days=1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + DEFAULT_VALIDITY_YEARS, day=28)


def certificate_number(case: Case, type_code: str, holder_id: str) -> str:
    # a business licence's number is its unified social credit code (certificates' rule)
    return holder_id if type_code == "business_licence" else f"ZZ{case.number}"


def jurisdiction(session: Any, department_id: int) -> str | None:
    """The division code of the department or of the nearest unit above it (a city's bureau
    issues for the city)."""
    dept = org.department(session, department_id)
    for _ in range(12):
        if dept is None:
            return None
        if dept.division_code:
            return dept.division_code
        dept = org.department(session, dept.parent_id)
    return None


def issue_if_due(
    ctx: Context, case: Case, app: Application, given: dict[str, str], valid_to: date | None
) -> dict[str, Any]:
    """Issue the item's result certificate if it has one: the payload names it."""
    version = items.version_by_id(ctx.session, app.item_version_id)
    type_code = version.result.certificate_type
    if not type_code:
        return {}
    kind = certificates.certificate_type(type_code)
    labels = {f.code: f.label for f in version.fields}
    fields, missing = rules.certificate_fields(kind.fields, given, form_of(app), labels)
    if missing:
        raise ValidationFailed(
            f"签发{kind.name}还缺少：{'、'.join(missing)}",
            f"to issue the {kind.name_en} these fields are missing: {', '.join(missing)}",
            errors=[
                FieldProblem(
                    f"certificate_fields.{n}", f"请填写证照项目「{n}」", f"certificate field {n} is required"
                )
                for n in missing
            ],
        )
    holder_kind = HolderKind.PERSON if app.applicant_type == ApplicantType.PERSON else HolderKind.ORGANISATION
    today = clock.today_local()
    body = IssueIn(
        type=type_code,
        number=certificate_number(case, type_code, app.applicant_id),
        holder=HolderIn(kind=holder_kind, name=app.applicant_name, id=app.applicant_id),
        valid_from=today,
        valid_to=_valid_to(valid_to, today),
        fields=fields,
        jurisdiction=jurisdiction(ctx.session, app.department_id),
    )
    cert = certificates.issue_for_department(
        ctx.session, app.department_id, ctx.principal.actor, ctx.principal.username, body
    )
    app.certificate_number = cert.number
    return {"certificate": cert.number, "certificate_type": type_code}
