"""What the window needs from the rest of the package: the item's published version and its
checklist (``services.items``), the applicant's identifiers checked, and the submission of the
application with channel ``window`` (``services.applications``), which routes it to the
implementing department's back office."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.certificates import service as certificates
from zhizhi.core.errors import DomainError, FieldProblem, ValidationFailed
from zhizhi.core.principal import Principal
from zhizhi.services.applications import schemas as apps
from zhizhi.services.applications import service as applications
from zhizhi.services.applications.enums import ApplicantType as AppApplicantType
from zhizhi.services.applications.enums import MaterialState, SubmitChannel
from zhizhi.services.items import service as items
from zhizhi.services.items.enums import APPLICANT_TYPE_LABELS as APPLICANT_LABELS
from zhizhi.services.items.enums import ApplicantType
from zhizhi.services.prefill.service import Fetched
from zhizhi.services.window import rules
from zhizhi.services.window import schemas as s

_TYPES = {t.value for t in ApplicantType}
_HELD = {MaterialState.RECEIVED.value, MaterialState.BY_DATA.value}


@dataclass(frozen=True, slots=True)
class FormField:
    code: str
    label: str
    label_en: str
    type: str
    required: bool
    options: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class WindowItem:
    code: str
    name: str
    version_id: int
    department_id: int | None
    department_name: str | None
    case_type: str
    promised_limit: dict[str, Any] | None
    materials: list[rules.Material]
    applicant_types: tuple[str, ...]
    fields: tuple[FormField, ...] = ()


@dataclass(frozen=True, slots=True)
class FoundItem:
    code: str
    name: str
    department: str


@dataclass(frozen=True, slots=True)
class Applicant:
    type: ApplicantType
    name: str
    id_number: str
    phone: str | None
    agent_name: str | None
    agent_id: str | None


def item_for_window(session: Session, code: str) -> WindowItem:
    """The item's version in force (404 unknown or never published, 409 retired: field ``item``)."""
    v = items.published_version(session, code)
    return WindowItem(
        code=v.implementation_code,
        name=v.name,
        version_id=v.id,
        department_id=v.department.id,
        department_name=v.department.name,
        case_type=v.case_type,
        promised_limit=dict(v.promised_limit.as_dict()),
        materials=[rules.Material(m.code, m.name, m.required) for m in v.materials],
        applicant_types=tuple(v.applicant_types),
        fields=tuple(
            FormField(f.code, f.label, f.label_en, f.type, f.required, tuple(f.options)) for f in v.fields
        ),
    )


def promised_limit(session: Session, version_id: int) -> dict[str, Any] | None:
    """The promised limit of the version a reception was made under (a reprinted receipt)."""
    try:
        return dict(items.version_by_id(session, version_id).promised_limit.as_dict())
    except DomainError:
        return None


def search_items(session: Session, q: str, limit: int = 20) -> list[FoundItem]:
    """Published items by name words or implementation code, for the clerk to pick."""
    found, _total = items.search(session, items.ItemFilter(q=q.strip()[:100]), limit=limit)
    return [FoundItem(v.implementation_code, v.name, v.department.name) for v in found]


def check_applicant(data: s.ReceiveIn, item: WindowItem) -> Applicant:
    """*Rule:* a natural person gives the resident ID number (GB 11643 check character), any
    other applicant the unified social credit code (GB 32100); an agent gives both name and ID;
    the applicant type must be one the item serves. Every problem is refused at once (422)."""
    problems: list[FieldProblem] = []
    if item.applicant_types and data.applicant_type.value not in item.applicant_types:
        served = "、".join(APPLICANT_LABELS[ApplicantType(t)][0] for t in item.applicant_types if t in _TYPES)
        served_en = ", ".join(
            APPLICANT_LABELS[ApplicantType(t)][1] for t in item.applicant_types if t in _TYPES
        )
        problems.append(
            FieldProblem("applicant_type", f"该事项的申请人应为：{served}", f"this item serves: {served_en}")
        )
    if data.applicant_type is ApplicantType.NATURAL_PERSON:
        if not certificates.is_valid_id_number(data.applicant_id.upper()):
            problems.append(
                FieldProblem(
                    "applicant_id",
                    "申请人公民身份号码无效（应为 18 位，校验码须符合 GB 11643）",
                    "invalid resident ID number of the applicant (18 characters, GB 11643 check character)",
                )
            )
    elif not certificates.is_valid_uscc(data.applicant_id.upper()):
        problems.append(
            FieldProblem(
                "applicant_id",
                "申请人统一社会信用代码无效（应为 18 位，校验码须符合 GB 32100）",
                "invalid unified social credit code of the applicant (18 characters, GB 32100 check)",
            )
        )
    if bool(data.agent_name) != bool(data.agent_id):
        problems.append(
            FieldProblem(
                "agent_id" if data.agent_name else "agent_name",
                "代理人须同时填写姓名和公民身份号码",
                "an agent needs both a name and a resident ID number",
            )
        )
    elif data.agent_id and not certificates.is_valid_id_number(data.agent_id.upper()):
        problems.append(
            FieldProblem("agent_id", "代理人公民身份号码无效", "invalid resident ID number of the agent")
        )
    if problems:
        raise ValidationFailed(
            f"申请人信息有 {len(problems)} 处需要更正（已一次性列出）",
            f"{len(problems)} problems with the applicant (all listed at once)",
            errors=problems,
        )
    return Applicant(
        data.applicant_type,
        data.applicant_name,
        data.applicant_id.upper(),
        data.applicant_phone or None,
        data.agent_name or None,
        data.agent_id.upper() if data.agent_id else None,
    )


def submit(
    session: Session,
    principal: Principal,
    item: WindowItem,
    applicant: Applicant,
    data: s.ReceiveIn,
    check: rules.Check,
    fetched: Fetched | None = None,
) -> tuple[int, str]:
    """(case id, number) of the application submitted through ``services.applications`` with
    channel ``window``: the paper originals ticked are declared received; the application's own
    checks (form fields, identifiers) refuse the whole reception with every problem at once.
    ``fetched``: what data provided with the applicant's consent (免提交), not declared as paper."""
    by_data = fetched.materials if fetched is not None else {}
    submitted = applications.submit(
        session,
        principal,
        item.version_id,
        _applicant_in(applicant),
        dict(data.form),
        [
            apps.MaterialIn(code=m.code, received=True, note="窗口核验")
            for m in check.received
            if m.code not in by_data
        ],
        SubmitChannel.WINDOW,
        agent=apps.AgentIn(name=applicant.agent_name, id_number=applicant.agent_id)
        if applicant.agent_name and applicant.agent_id
        else None,
        consent=fetched is not None,
        data=fetched,
    )
    return submitted.case.id, submitted.case.number


def _applicant_in(applicant: Applicant) -> apps.ApplicantIn:
    person = applicant.type is ApplicantType.NATURAL_PERSON
    return apps.ApplicantIn(
        type=AppApplicantType.PERSON if person else AppApplicantType.ORGANISATION,
        name=applicant.name,
        id_number=applicant.id_number,
        phone=applicant.phone,
    )


def read_data(session: Session, principal: Principal, item: WindowItem, applicant: Applicant) -> Fetched:
    """免提交 at the window, with the applicant's consent: the same reads as an online
    application (``applications.read_data``).  The clerk has seen the ID card, so person data
    is read for the applicant's ID number (each read in the exchange log and the audit trail)."""
    return applications.read_data(session, principal, item.version_id, _applicant_in(applicant))


def materials_received(session: Session, case_id: int) -> list[str]:
    """The names of the materials the application holds as received (for a reprinted receipt)."""
    app = applications.by_case_id(session, case_id)
    return [str(m["name"]) for m in (app.materials if app else []) if m.get("state") in _HELD]
