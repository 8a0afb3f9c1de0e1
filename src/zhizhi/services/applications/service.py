"""Application use cases: submit (online or at a window), supplement with files, views with
masking, the applicant's own list and public tracking. One function per use case; flushes,
never commits. The lifecycle's actions go through ``cases.service.perform`` (the case action
API) — see ``lifecycle`` and ``handlers``.

``submit`` is the entry other parts of one-stop services build on (the window, bundles)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.attachments import service as attachments
from zhizhi.attachments.service import Upload
from zhizhi.cases import service as cases
from zhizhi.cases.enums import CaseKind, CaseStatus, Channel
from zhizhi.cases.schemas import normalise_phone
from zhizhi.certificates import service as certificates
from zhizhi.certificates.enums import HolderKind
from zhizhi.core import audit, fieldcrypt
from zhizhi.core.errors import Conflict, DomainError, FieldProblem, Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.services.applications import repository as repo
from zhizhi.services.applications import results, rules
from zhizhi.services.applications import schemas as s
from zhizhi.services.applications.enums import PRE_REVIEW_WORKING_DAYS, ApplicantType, SubmitChannel
from zhizhi.services.applications.lifecycle import register
from zhizhi.services.applications.models import Application
from zhizhi.services.items import service as items
from zhizhi.services.items.schemas import ItemVersionView
from zhizhi.services.prefill import service as prefill

register()  # the lifecycle of kind "application" (also the manifest's install hook)
ENCRYPTED_COLUMNS = fieldcrypt.encrypted_columns(Application)
fieldcrypt.register_table("applications", ENCRYPTED_COLUMNS)
ANONYMOUS = Principal(0, "anonymous", "匿名申请人", Role.PUBLIC, None, None)
_PERSON_TYPE = "1"  # services.items ApplicantType.NATURAL_PERSON


@dataclass(frozen=True, slots=True)
class Submitted:
    case: cases.Case
    application: Application
    version: ItemVersionView  # the version it was made under, as read for the submission


@dataclass(slots=True)
class Files:
    """Uploaded files per material code (the API's multipart parts ``material.<code>``)."""

    by_code: dict[str, list[Upload]] = field(default_factory=dict)


def _version(session: Session, item_version: ItemVersionView | str | int) -> ItemVersionView:
    if isinstance(item_version, str):
        return items.published_version(session, item_version)  # 404 / 409 (retired), field item
    version_id = item_version if isinstance(item_version, int) else item_version.id
    return items.version_by_id(session, version_id, for_new_application=True)


def _applicant(
    version: ItemVersionView, applicant: s.ApplicantIn, agent: s.AgentIn | None
) -> list[FieldProblem]:
    out: list[FieldProblem] = []
    kind = HolderKind.PERSON if applicant.type is ApplicantType.PERSON else HolderKind.ORGANISATION
    try:
        certificates.validate_holder_id(kind, applicant.id_number, "applicant.id_number")
    except DomainError as exc:
        out.extend(exc.errors)
    types = set(version.applicant_types)
    person = applicant.type is ApplicantType.PERSON
    if types and ((person and _PERSON_TYPE not in types) or (not person and not types - {_PERSON_TYPE})):
        out.append(
            FieldProblem(
                "applicant.type", "本事项不受理该类申请人", "this item does not serve this type of applicant"
            )
        )
    if agent is not None:
        try:
            certificates.validate_holder_id(HolderKind.PERSON, agent.id_number, "agent.id_number")
        except DomainError as exc:
            out.extend(exc.errors)
    for where, phone in (
        ("applicant.phone", applicant.phone),
        ("agent.phone", agent.phone if agent else None),
    ):
        if phone:
            try:
                normalise_phone(phone)
            except ValueError:
                out.append(FieldProblem(where, "电话号码格式不正确", "invalid phone number"))
    return out


def _prepare_files(files: Files, known: set[str]) -> tuple[dict[str, list[Any]], list[FieldProblem]]:
    prepared: dict[str, list[Any]] = {}
    problems: list[FieldProblem] = []
    for code, uploads in files.by_code.items():
        where = f"materials.{code}"
        if code not in known:
            problems.append(FieldProblem(where, f"本事项没有材料 {code}", f"the item has no material {code}"))
            continue
        try:
            prepared[code] = attachments.prepare(uploads, field=where)
        except ValidationFailed as exc:  # wrong type, too many pixels…: listed with the rest
            problems.extend(exc.errors)
    return prepared, problems


def _store(
    session: Session, case_id: int, prepared: dict[str, list[Any]], actor: audit.Actor
) -> dict[str, list[int]]:
    stored: dict[str, list[int]] = {}
    for code, files in prepared.items():
        rows = attachments.save(
            session, case_id, files, stage="intake", public=False, actor=actor, field=f"materials.{code}"
        )
        stored[code] = [r.id for r in rows]
    return stored


def _rest(
    version: ItemVersionView,
    form: Mapping[str, Any],
    materials: Sequence[s.MaterialIn],
    by_data: Sequence[str],
    files: Files | None,
    public: bool,
) -> tuple[list[FieldProblem], dict[str, list[Any]], list[dict[str, Any]]]:
    """The form's and the materials' problems, the checked files and the materials checklist."""
    problems = results.check_form(version, dict(form))
    known = {m.code for m in version.materials}
    unknown = [m.code for m in materials if m.code not in known] + [c for c in by_data if c not in known]
    problems += [
        FieldProblem(f"materials.{c}", f"本事项没有材料 {c}", f"the item has no material {c}")
        for c in unknown
    ]
    if public:  # a paper original is checked by a clerk, never declared by the applicant online
        problems += [
            FieldProblem(
                f"materials.{m.code}", "网上申请请上传材料文件", "online, upload the material's file"
            )
            for m in materials
            if m.received and m.code in known
        ]
    prepared, file_problems = _prepare_files(files or Files(), known)
    problems += file_problems
    given = {m.code: rules.Given(received=m.received and not public, note=m.note) for m in materials}
    for code in prepared:
        g = given.get(code, rules.Given())
        given[code] = rules.Given(g.attachments, True, g.note)
    for code in by_data:
        given[code] = rules.Given(received=True, note="by_data")
    checklist = rules.checklist(version.materials, given)
    for row in checklist:
        if row["note"] == "by_data":
            row["state"], row["note"] = "by_data", None
    problems += rules.missing_problems(checklist)
    return problems, prepared, checklist


def _identity(applicant: s.ApplicantIn) -> prefill.Identity:
    number = applicant.id_number.strip().upper()
    if applicant.type is ApplicantType.PERSON:
        return prefill.Identity(_PERSON_TYPE, number, None)
    return prefill.Identity("2", None, number)


def _may_submit(principal: Principal | None) -> Principal:
    caller = principal or ANONYMOUS
    if principal is not None and not principal.can(Permission.APPLICATION_SUBMIT):
        raise Forbidden("当前角色不能提交办件申请", "your role cannot submit applications")
    return caller


def read_data(
    session: Session,
    principal: Principal | None,
    item_version: ItemVersionView | str | int,
    applicant: s.ApplicantIn,
) -> prefill.Fetched:
    """免提交 for one application: what shared data and the certificate library hold for this
    applicant under the item's implementing department (``services.prefill.fetch``, the same
    reads as a bundle's parts; each logged in the exchange log and the audit trail).  A member
    of the public gets person data only for the ID number verified on their account; staff
    (a window clerk has seen the ID card) for the applicant's.  The caller has the applicant's
    consent."""
    caller = _may_submit(principal)
    version = _version(session, item_version)
    problems = _applicant(version, applicant, None)
    if problems:
        raise ValidationFailed("申请人信息有误", "the applicant's data is invalid", errors=problems)
    return prefill.fetch(
        session,
        caller,
        department_id=version.department.id,
        identity=_identity(applicant),
        field_codes=[f.code for f in version.fields],
        materials=[(m.code, m.source_kind, m.source_code) for m in version.materials],
    )


def preview(session: Session, principal: Principal | None, body: s.PrefillIn) -> s.PrefillOut:
    """The form pre-filled and the materials data provides, for the applicant to confirm before
    submitting with ``consent``; only with consent (every read is logged)."""
    if not body.consent:
        raise ValidationFailed(
            "须先同意通过数据共享获取您的信息", "consent is needed before data is read", field="consent"
        )
    version = _version(session, body.item)
    got = read_data(session, principal, version, body.applicant)
    names = {m.code: m.name for m in version.materials}
    return s.PrefillOut(
        item=version.implementation_code,
        fields={c: v for c, v in got.values.items()},
        materials={c: {"name": names.get(c, c), **v} for c, v in got.materials.items()},
        missing={c: {"name": names.get(c, c), "reason": r} for c, r in got.missing.items()},
        fields_total=len(version.fields),
        materials_total=len(version.materials),
    )


def precheck(
    session: Session, item_version: ItemVersionView | str | int, form: Mapping[str, Any], files: Files | None
) -> list[FieldProblem]:
    """The problems of an online application's form and files alone (a page whose applicant
    part is itself invalid still lists everything at once)."""
    problems, _, _ = _rest(_version(session, item_version), form, (), (), files, True)
    return problems


def submit(
    session: Session,
    principal: Principal | None,
    item_version: ItemVersionView | str | int,
    applicant: s.ApplicantIn,
    form: Mapping[str, Any],
    materials: Sequence[s.MaterialIn] = (),
    channel: SubmitChannel = SubmitChannel.ONLINE,
    *,
    agent: s.AgentIn | None = None,
    files: Files | None = None,
    by_data: Sequence[str] = (),
    language: str = "zh",
    consent: bool = False,
    data: prefill.Fetched | None = None,
) -> Submitted:
    """Submit an application (网上申请 or 窗口收件) under the version in force of an item.

    ``item_version``: an implementation code, a version id or a version view (404 unknown, 409
    retired or superseded, field ``item``). Every problem is collected and refused at once with
    one 422 (field, zh, en each): the applicant's ID number or credit code (checksums), the
    agent's, the form against the version's fields, files of a wrong type, and the complete list
    of required materials missing (一次性告知: never a series). ``by_data``: material codes
    provided by shared data or the certificate library (免提交), not asked for. ``consent``: the
    applicant agreed that data is read instead of paper — the item's ``shared:`` and
    ``certificate:`` materials are fetched (:func:`read_data`, or ``data`` already read) and
    marked provided by data, blank form fields are filled with data's values, and the figure is
    stored per application (``services.prefill.record``). The case (kind
    ``application``, status ``submitted``, the implementing department as its unit, the
    pre-review clock), the satellite row and the files are written in the caller's unit of work;
    on any refusal nothing is written."""
    caller = _may_submit(principal)
    public = caller.role is Role.PUBLIC
    if channel is SubmitChannel.WINDOW and public:
        raise ValidationFailed("窗口收件仅供工作人员使用", "window intake is for staff only", field="channel")
    version = _version(session, item_version)
    problems = _applicant(version, applicant, agent)
    if public and principal is None and not applicant.phone:
        problems.append(
            FieldProblem(
                "applicant.phone",
                "请留联系电话，用于查询进度和接收通知",
                "give a phone number for tracking and notices",
            )
        )
    prefilled: list[str] = []
    if consent and data is None and not problems:
        data = read_data(session, principal, version, applicant)
    if consent and data is not None:
        by_data = sorted(set(by_data) | set(data.materials))
        form, prefilled = prefill.confirm(data.values, form, [f.code for f in version.fields])
    more, prepared, checklist = _rest(version, form, materials, by_data, files, public)
    problems += more
    if problems:
        raise ValidationFailed(
            f"申请未提交：共 {len(problems)} 处需要补充或更正（已一次性列出）",
            f"not submitted: {len(problems)} problems to fix (all listed at once)",
            errors=problems,
        )
    id_number = applicant.id_number.strip().upper()
    phone = normalise_phone(applicant.phone) if applicant.phone else None
    case = cases.open_case(
        session,
        caller,
        kind=CaseKind.APPLICATION,
        status=CaseStatus.SUBMITTED.value,
        channel=Channel.WEB if channel is SubmitChannel.ONLINE else Channel.WINDOW,
        subject=version.name,
        content=f"{version.name}（{version.implementation_code}，第 {version.version} 版）",
        lead_department_id=version.department.id,
        limit_amount=PRE_REVIEW_WORKING_DAYS,
        limit_unit=rules.case_unit("working_day"),
        contact_name=applicant.name,
        contact_phone=phone,
        reporter_id=caller.user_id if public and principal is not None and caller.user_id else None,
        created_by_id=None if public else caller.user_id,
        language=language,  # the applicant's: their text messages follow it (cases.language)
        payload={"item": version.implementation_code, "version": version.version},
    )
    stored = _store(session, case.id, prepared, caller.actor)
    for row in checklist:
        row["attachments"] = stored.get(row["code"], [])
    app = Application(
        case_id=case.id,
        number=case.number,
        item_version_id=version.id,
        implementation_code=version.implementation_code,
        department_id=version.department.id,
        channel=channel.value,
        applicant_type=applicant.type.value,
        applicant_name=applicant.name,
        applicant_id=id_number,
        applicant_id_index=fieldcrypt.id_number_index(id_number) or "",
        applicant_phone=phone,
        applicant_phone_index=fieldcrypt.phone_index(phone),
        applicant_user_id=caller.user_id if public and caller.user_id else None,
        agent_name=agent.name if agent else None,
        agent_id=agent.id_number.strip().upper() if agent else None,
        agent_id_index=fieldcrypt.id_number_index(agent.id_number) if agent else None,
        form=json.dumps(dict(form), ensure_ascii=False, sort_keys=True),
        materials=checklist,
        round=1,
        notices=[],
        legal_limit=version.legal_limit.as_dict(),
        promised_limit=version.promised_limit.as_dict(),
        submitted_at=case.created_at,
        immediate=version.is_immediate,
        specials=[],
        extension_days=0,
    )
    repo.add(session, app)
    if consent:
        provided = data.materials if data is not None else {}
        prefill.record(
            session,
            caller,
            case.id,
            consent=True,
            fields_total=len(version.fields),
            materials_total=len(version.materials),
            fields=prefilled,
            materials=[{"code": c, **provided[c]} for c in sorted(provided)],
        )
    audit.record(
        session,
        "application.submitted",
        caller.actor,
        object_type="case",
        object_id=case.number,
        item=version.implementation_code,
        version=version.version,
        channel=channel.value,
        materials=len(checklist),
        by_data=sorted(by_data),
        prefilled=len(prefilled),
    )
    return Submitted(case, app, version)


def _ref(app: Application | None) -> s.ApplicationRef | None:
    if app is None:
        return None
    return s.ApplicationRef(
        case_id=app.case_id,
        number=app.number,
        item_version_id=app.item_version_id,
        implementation_code=app.implementation_code,
        department_id=app.department_id,
        channel=app.channel,
        applicant_type=app.applicant_type,
        applicant_user_id=app.applicant_user_id,
        applicant_id_index=app.applicant_id_index,
        immediate=app.immediate,
        accepted_at=app.accepted_at,
        materials=tuple(dict(m) for m in app.materials or ()),
    )


def by_number(session: Session, number: str) -> s.ApplicationRef | None:
    """The application with this number (the sibling sub-packages' read; the caller checks who
    may see it)."""
    return _ref(repo.by_number(session, number.strip()[:20]))


def by_case_id(session: Session, case_id: int) -> s.ApplicationRef | None:
    """The application of this case (the sibling sub-packages' read)."""
    return _ref(repo.by_case_id(session, case_id))


def supplement(
    session: Session, principal: Principal, number: str, body: s.Supplement, files: Files | None = None
) -> cases.Case:
    """补正: the files are checked and stored first, then the lifecycle's ``supplement`` action
    (its guards list everything still missing at once); one unit of work."""
    case = cases.get_case(session, principal, number)
    app = repo.by_case_id(session, case.id)
    if app is None:
        raise NotFound(f"办件 {number} 不存在", f"application {number} not found", field="number")
    if files and files.by_code:
        if case.status != CaseStatus.CORRECTING.value:
            raise Conflict("当前无需补正", "no supplement is asked for now", field="status")
        known = {m["code"] for m in app.materials}
        prepared, problems = _prepare_files(files, known)
        if problems:
            raise ValidationFailed("材料文件有误", "material files refused", errors=problems)
        session.info[results.PENDING_FILES] = _store(session, case.id, prepared, principal.actor)
    return cases.perform(session, principal, number, body)
