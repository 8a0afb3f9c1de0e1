"""What the window needs from the rest of the package: the item's published version and its
checklist (``services.items``), the applicant's identifiers checked, and the submission of the
application with channel ``window`` (``services.applications``), which routes it to the
implementing department's back office."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.certificates import service as certificates
from zhizhi.core.errors import ValidationFailed
from zhizhi.core.principal import Principal
from zhizhi.services.items import service as items
from zhizhi.services.items.repository import ItemFilter
from zhizhi.services.window import rules
from zhizhi.services.window import schemas as s
from zhizhi.services.window.enums import APPLICANT_LABELS, ApplicantType

_TYPES = {t.value for t in ApplicantType}


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
    )


def search_items(session: Session, q: str, limit: int = 20) -> list[FoundItem]:
    """Published items by name words or implementation code, for the clerk to pick."""
    found, _total = items.search(session, ItemFilter(q=q.strip()[:100]), limit=limit)
    return [FoundItem(v.implementation_code, v.name, v.department.name) for v in found]


def check_applicant(data: s.ReceiveIn, item: WindowItem) -> Applicant:
    """*Rule:* a natural person gives the resident ID number (GB 11643 check character), any
    other applicant the unified social credit code (GB 32100); an agent gives both name and ID;
    the applicant type must be one the item serves."""
    if item.applicant_types and data.applicant_type.value not in item.applicant_types:
        served = "、".join(APPLICANT_LABELS[ApplicantType(t)][0] for t in item.applicant_types if t in _TYPES)
        served_en = ", ".join(
            APPLICANT_LABELS[ApplicantType(t)][1] for t in item.applicant_types if t in _TYPES
        )
        raise ValidationFailed(
            f"该事项的申请人应为：{served}", f"this item serves: {served_en}", field="applicant_type"
        )
    if data.applicant_type is ApplicantType.PERSON:
        if not certificates.is_valid_id_number(data.applicant_id.upper()):
            raise ValidationFailed(
                "申请人公民身份号码无效（应为 18 位，校验码须符合 GB 11643）",
                "invalid resident ID number of the applicant (18 characters, GB 11643 check character)",
                field="applicant_id",
            )
    elif not certificates.is_valid_uscc(data.applicant_id.upper()):
        raise ValidationFailed(
            "申请人统一社会信用代码无效（应为 18 位，校验码须符合 GB 32100）",
            "invalid unified social credit code of the applicant (18 characters, GB 32100 check character)",
            field="applicant_id",
        )
    if bool(data.agent_name) != bool(data.agent_id):
        raise ValidationFailed(
            "代理人须同时填写姓名和公民身份号码",
            "an agent needs both a name and a resident ID number",
            field="agent_id" if data.agent_name else "agent_name",
        )
    if data.agent_id and not certificates.is_valid_id_number(data.agent_id.upper()):
        raise ValidationFailed(
            "代理人公民身份号码无效", "invalid resident ID number of the agent", field="agent_id"
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
) -> tuple[int, str]:
    """(case id, number) of the application submitted through ``services.applications``."""
    raise NotImplementedError  # svc-apps' submit, channel window


def materials_received(session: Session, case_id: int) -> list[str]:
    raise NotImplementedError
