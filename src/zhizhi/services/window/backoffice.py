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
from zhizhi.services.window import rules
from zhizhi.services.window import schemas as s
from zhizhi.services.window.enums import ApplicantType


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


@dataclass(frozen=True, slots=True)
class Applicant:
    type: ApplicantType
    name: str
    id_number: str
    phone: str | None
    agent_name: str | None
    agent_id: str | None


def item_for_window(session: Session, code: str) -> WindowItem:
    raise NotImplementedError  # filled in from services.items at the merge


def check_applicant(data: s.ReceiveIn) -> Applicant:
    """*Rule:* a natural person gives the resident ID number (GB 11643 check character), any
    other applicant the unified social credit code (GB 32100); an agent gives both name and ID."""
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
