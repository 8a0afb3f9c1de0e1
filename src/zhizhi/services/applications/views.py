"""Reading applications: the staff view (masked unless the reader may see personal data, and
then audited), the applicant's own list (by the signed-in phone or account) and public
tracking by number with the applicant's ID number (no personal data shown)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import lifecycles
from zhizhi.cases import service as cases
from zhizhi.core import audit, clock, fieldcrypt
from zhizhi.core.errors import NotFound
from zhizhi.core.masking import mask_id_number, mask_name, mask_phone
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.services.applications import repository as repo
from zhizhi.services.applications import results, rules
from zhizhi.services.applications import schemas as s
from zhizhi.services.applications.enums import ApplicantType
from zhizhi.services.applications.models import Application
from zhizhi.services.items import service as items
from zhizhi.services.items.schemas import ItemVersionView
from zhizhi.services.prefill import service as prefill


def _label(status: str) -> dict[str, str]:
    zh, en = lifecycles.for_kind("application").status_label(status)
    return {"zh": zh, "en": en}


def _may_reveal(principal: Principal | None, case: cases.Case, app: Application) -> bool:
    if principal is None:
        return False
    if principal.role is Role.PUBLIC:
        return principal.user_id != 0 and app.applicant_user_id == principal.user_id
    return principal.can(Permission.PERSONAL_READ) or principal.can(Permission.APPLICATION_REVIEW)


def _masked_id(app: Application, value: str) -> str:
    # an organisation's credit code is public register data; a person's ID number is masked
    return value if app.applicant_type == ApplicantType.ORGANISATION else str(mask_id_number(value))


def application_out(
    session: Session,
    principal: Principal | None,
    case: cases.Case,
    app: Application,
    *,
    reveal: bool = False,
    version: ItemVersionView | None = None,
) -> s.ApplicationOut:
    """``version``: the application's item version when the caller has just read it (a
    submission), so it is not read again."""
    if version is None or version.id != app.item_version_id:
        version = items.version_by_id(session, app.item_version_id)
    unmasked = reveal and _may_reveal(principal, case, app)
    applicant: dict[str, Any] = {"type": app.applicant_type}
    agent: dict[str, Any] | None = None
    if unmasked:
        applicant |= {"name": app.applicant_name, "id_number": app.applicant_id, "phone": app.applicant_phone}
        if app.agent_name:
            agent = {"name": app.agent_name, "id_number": app.agent_id}
        if principal is not None:
            audit.record(
                session,
                "application.personal_read",
                principal.actor,
                object_type="case",
                object_id=case.number,
            )
    else:
        organisation = app.applicant_type == ApplicantType.ORGANISATION
        applicant |= {
            "name": app.applicant_name if organisation else mask_name(app.applicant_name),
            "id_number": _masked_id(app, app.applicant_id),
            "phone": mask_phone(app.applicant_phone),
        }
        if app.agent_name:
            agent = {"name": mask_name(app.agent_name), "id_number": mask_id_number(app.agent_id)}
    life = lifecycles.for_kind("application")
    available = [
        t.action
        for t in life.table.available(case.status)
        if principal is not None and principal.can(t.permission) and life.offered(case, t.action)
    ]
    return s.ApplicationOut(
        number=case.number,
        status=case.status,
        status_label=_label(case.status),
        item={
            "implementation_code": version.implementation_code,
            "name": version.name,
            "version": version.version,
            "version_id": version.id,
            "department": {"code": version.department.code, "name": version.department.name},
            "result": {"type": version.result.type, "certificate_type": version.result.certificate_type},
        },
        channel=app.channel,
        applicant=applicant,
        agent=agent,
        masked=not unmasked,
        form=results.form_of(app) if unmasked else None,
        materials=[
            s.MaterialOut(**(m | {"state_label": rules.state_label(m["state"])})) for m in app.materials
        ],
        round=app.round,
        notice=app.notice if case.status == "correcting" else None,
        legal_limit=app.legal_limit,
        promised_limit=app.promised_limit,
        immediate=app.immediate,
        submitted_at=app.submitted_at,
        accepted_at=app.accepted_at,
        due_at=case.due_at if app.accepted_at else None,
        legal_due_at=app.legal_due_at,
        clock_running=case.clock_stopped_at is None,
        special=app.special,
        extension_days=app.extension_days,
        decision=app.decision,
        decision_basis=app.decision_basis or app.refusal_basis,
        decided_at=app.decided_at,
        certificate_number=app.certificate_number,
        delivery=app.delivery,
        delivered_at=app.delivered_at,
        available_actions=available,
        prefill=_prefill(session, case.id),
    )


def _prefill(session: Session, case_id: int) -> dict[str, Any] | None:
    """The application's 免提交 figure (what the applicant did not have to provide)."""
    got = prefill.figures(session, [case_id]).get(case_id)
    if got is None:
        return None
    return {
        "consent": got.consent,
        "fields_total": got.fields_total,
        "fields_saved": got.fields_saved,
        "materials_total": got.materials_total,
        "materials_saved": got.materials_saved,
        "fields": list(got.fields),
        "materials": [dict(m) for m in got.materials],
    }


def read(session: Session, principal: Principal, number: str, *, reveal: bool = True) -> s.ApplicationOut:
    """One application in the principal's scope (the case engine's visibility rules)."""
    case = cases.get_case(session, principal, number)
    app = repo.by_case_id(session, case.id)
    if app is None:
        raise NotFound(f"办件 {number} 不存在", f"application {number} not found", field="number")
    return application_out(session, principal, case, app, reveal=reveal)


def _steps(session: Session, principal: Principal, number: str) -> list[dict[str, Any]]:
    life = lifecycles.for_kind("application")
    out = []
    for e in cases.timeline(session, principal, number):
        action = life.actions.get(e.action)
        if e.action != "create" and (action is None or not action.public):
            continue
        zh, en = action.plain if action else ("已提交申请", "Submitted")
        out.append({"action": e.action, "at": e.at, "zh": zh, "en": en, "to_status": e.to_status})
    return out


_TRACKER = Principal(0, "tracking", "进度查询", Role.ADMIN, None, None)


def track(session: Session, number: str, id_number: str) -> s.TrackingOut:
    """Public tracking: the number and the applicant's ID number or credit code must match
    (compared through the blind index); 404 otherwise (never says which one was wrong)."""
    app = repo.by_number(session, number.strip()[:20])
    wanted = set(fieldcrypt.id_number_indexes(id_number)) if id_number.strip() else set()
    if app is None or not any(fieldcrypt.same(app.applicant_id_index, i) for i in wanted):
        raise NotFound(
            "未找到该办件：请核对办件编号和申请人证件号码",
            "no such application: check the number and the applicant's ID number",
            field="number",
        )
    case = cases.case_by_id(session, app.case_id)
    assert case is not None
    version = items.version_by_id(session, app.item_version_id)
    return s.TrackingOut(
        number=app.number,
        item=version.name,
        status=case.status,
        status_label=_label(case.status),
        submitted_at=app.submitted_at,
        due_at=case.due_at if app.accepted_at else None,
        notice=app.notice if case.status == "correcting" else None,
        certificate_number=app.certificate_number,
        steps=_steps(session, _TRACKER, app.number),
    )


def mine(session: Session, *, phone: str | None = None, user_id: int | None = None) -> list[dict[str, Any]]:
    """我的办件: the applications of a signed-in citizen (their phone, or their account)."""
    rows: dict[int, Application] = {}
    if phone:
        rows |= {a.id: a for a in repo.of_phone(session, fieldcrypt.phone_indexes(phone), 100)}
    if user_id:
        rows |= {a.id: a for a in repo.of_user(session, user_id, 100)}
    apps = sorted(rows.values(), key=lambda a: a.submitted_at, reverse=True)
    versions = items.versions_by_ids(session, [a.item_version_id for a in apps])
    out = []
    for app in apps:
        case = cases.case_by_id(session, app.case_id)
        if case is None:
            continue
        v = versions.get(app.item_version_id)
        out.append(
            {
                "number": app.number,
                "item": v.name if v else app.implementation_code,
                "status": case.status,
                "status_label": _label(case.status),
                "submitted_at": app.submitted_at,
                "due_at": case.due_at if app.accepted_at else None,
                "certificate_number": app.certificate_number,
                "notice": app.notice if case.status == "correcting" else None,
            }
        )
    return out


def holds_certificate(session: Session, phone: str, certificate_number: str) -> bool:
    """Whether the citizen signed in with ``phone`` applied for what resulted in the certificate
    (the holder check ``certificates.printing`` asks; installed by the manifest)."""
    apps = repo.of_phone(session, fieldcrypt.phone_indexes(phone), 200)
    return any(a.certificate_number == certificate_number for a in apps)


def list_rows(session: Session, rows: list[cases.Case]) -> list[dict[str, Any]]:
    """The queue's rows: the case, its item and the applicant as a reviewer lists them (masked)."""
    apps = repo.by_case_ids(session, [c.id for c in rows])
    versions = items.versions_by_ids(session, [a.item_version_id for a in apps.values()])
    out = []
    for case in rows:
        app = apps.get(case.id)
        if app is None:
            continue
        v = versions.get(app.item_version_id)
        organisation = app.applicant_type == ApplicantType.ORGANISATION
        out.append(
            {
                "number": case.number,
                "item": v.name if v else app.implementation_code,
                "applicant": app.applicant_name if organisation else mask_name(app.applicant_name),
                "status": case.status,
                "status_label": _label(case.status),
                "submitted_at": app.submitted_at,
                "due_at": case.due_at if app.accepted_at else None,
                "round": app.round,
                "channel": app.channel,
                "clock_running": case.clock_stopped_at is None,
                "overdue": case.clock_stopped_at is None and case.due_at < clock.now(),
            }
        )
    return out
