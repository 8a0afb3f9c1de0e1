"""Validation of an item against the rules and the other registers (departments, shared data
resources, certificate types).  ``Lookups`` caches what one import asks many times."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from zhizhi.certificates.enums import TYPES as CERTIFICATE_TYPES
from zhizhi.core.errors import DomainError, ValidationFailed
from zhizhi.org import service as org
from zhizhi.org.schemas import DepartmentRef
from zhizhi.services.items.enums import CaseType, HandlingForm, OnlineDepth, SourceKind
from zhizhi.services.items.rules import (
    CANONICAL_CODE,
    Limit,
    check_basic_code,
    check_implementation_code,
    check_limits,
    parse_source,
)
from zhizhi.services.items.schemas import ItemIn
from zhizhi.sharing import service as sharing


@dataclass
class Lookups:
    """Departments and shared resources already looked up (``None``: not there)."""

    departments: dict[str, DepartmentRef | None] = field(default_factory=dict)
    resources: dict[str, bool] = field(default_factory=dict)

    def department(self, session: Session, code: str) -> DepartmentRef | None:
        if code not in self.departments:
            self.departments[code] = org.find_department(session, code)
        return self.departments[code]

    def resource_exists(self, session: Session, code: str) -> bool:
        if code not in self.resources:
            try:
                sharing.resource(session, code)
                self.resources[code] = True
            except DomainError:
                self.resources[code] = False
        return self.resources[code]


@dataclass(frozen=True, slots=True)
class Checked:
    body: ItemIn
    basic_code: str
    implementation_code: str
    department: DepartmentRef
    sources: list[str]  # each material's normalised source


def _canonical(value: str, field_name: str) -> None:
    if not CANONICAL_CODE.fullmatch(value):
        raise ValidationFailed(
            "编码只能由小写字母、数字、下划线和点组成，并以字母开头（如 applicant.id_card）",
            "codes are lower-case letters, digits, underscores and dots, starting with a letter "
            "(e.g. applicant.id_card)",
            field=field_name,
        )


def validate(session: Session, body: ItemIn, lookups: Lookups) -> Checked:
    """Every rule on one item; the first failure raises ``ValidationFailed`` naming its field
    (the ``ItemIn`` path, e.g. ``materials.2.source``)."""
    basic = check_basic_code(body.basic_code)
    implementation = check_implementation_code(body.implementation_code, basic)
    department = lookups.department(session, body.department)
    if department is None:
        raise ValidationFailed(
            f"实施部门 {body.department[:40]} 不存在或已停用",
            f"implementing department {body.department[:40]} does not exist or is inactive",
            field="department",
        )
    check_limits(
        body.case_type,
        Limit(body.legal_limit.value, body.legal_limit.unit),
        Limit(body.promised_limit.value, body.promised_limit.unit),
    )
    if body.online_depth >= OnlineDepth.RECEIVE and HandlingForm.ONLINE not in body.handling_forms:
        raise ValidationFailed(
            "网上办理深度为网上收件及以上的事项，办理形式应包含网上办理",
            "an item received online (depth 2 or more) must list online handling among its forms",
            field="handling_forms",
        )
    if body.case_type is CaseType.IMMEDIATE and body.special_procedures:
        raise ValidationFailed(
            "即办件不应设置特别程序",
            "an item decided on the spot has no special procedures",
            field="special_procedures",
        )
    cert_type = body.result_certificate_type
    if cert_type and cert_type not in CERTIFICATE_TYPES:
        raise ValidationFailed(
            f"未知的电子证照类型：{cert_type[:40]}",
            f"unknown electronic certificate type: {cert_type[:40]}",
            field="result_certificate_type",
        )
    sources: list[str] = []
    seen: set[str] = set()
    for i, material in enumerate(body.materials):
        _canonical(material.code, f"materials.{i}.code")
        if material.code in seen:
            raise ValidationFailed(
                f"材料编码 {material.code} 重复",
                f"material code {material.code} appears twice",
                field=f"materials.{i}.code",
            )
        seen.add(material.code)
        source = parse_source(material.source, f"materials.{i}.source")
        if source.kind is SourceKind.SHARED and not lookups.resource_exists(session, source.code or ""):
            raise ValidationFailed(
                f"共享数据资源 {source.code} 不在数据共享目录中",
                f"shared data resource {source.code} is not in the sharing catalogue",
                field=f"materials.{i}.source",
            )
        if source.kind is SourceKind.CERTIFICATE and source.code not in CERTIFICATE_TYPES:
            raise ValidationFailed(
                f"未知的电子证照类型：{source.code}",
                f"unknown electronic certificate type: {source.code}",
                field=f"materials.{i}.source",
            )
        sources.append(str(source))
    seen = set()
    for i, form_field in enumerate(body.fields):
        _canonical(form_field.code, f"fields.{i}.code")
        if form_field.code in seen:
            raise ValidationFailed(
                f"字段编码 {form_field.code} 重复",
                f"field code {form_field.code} appears twice",
                field=f"fields.{i}.code",
            )
        seen.add(form_field.code)
        if form_field.type.value == "choice" and not form_field.options:
            raise ValidationFailed(
                "选择型字段应列出选项", "a choice field needs its options", field=f"fields.{i}.options"
            )
    return Checked(body, basic, implementation, department, sources)
