"""Certificate vocabularies: types, holder kinds, trust grades, statuses, verification outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class HolderKind(StrEnum):
    PERSON = "person"  # 自然人: 公民身份号码 (GB 11643)
    ORGANISATION = "organisation"  # 法人和其他组织: 统一社会信用代码 (GB 32100)


class TrustGrade(StrEnum):
    """可信等级 (DOMAIN.md §3): A is sealed by the issuer (here: its SM2 signature)."""

    A = "A"  # 发证部门电子印章（SM2 签名）
    B = "B"  # 发证部门业务系统生成，未签章
    C = "C"  # 纸质证照扫描件，经人工核验
    D = "D"  # 纸质证照扫描件，未核验


class Status(StrEnum):
    """Stored status; ``expired`` is never stored but computed from ``valid_to`` and the clock."""

    VALID = "valid"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Outcome(StrEnum):
    """What a verification says (the reasons say why)."""

    VALID = "valid"  # 有效
    EXPIRED = "expired"  # 已过期
    NOT_YET_VALID = "not_yet_valid"  # 尚未生效
    REVOKED = "revoked"  # 已注销
    SIGNATURE_INVALID = "signature_invalid"  # 签名无效（伪造或被改动）
    UNKNOWN = "unknown"  # 查无此证


@dataclass(frozen=True, slots=True)
class CertificateType:
    code: str
    name: str
    name_en: str
    holder_kind: HolderKind
    fields: tuple[str, ...]  # the fields every certificate of the type carries (names as printed)
    any_holder: bool = False  # True: a person or an organisation may hold it (不动产权证书)
    fields_en: tuple[str, ...] = ()  # the fields' English names, in the same order (the pages)

    def allows(self, kind: HolderKind) -> bool:
        return self.any_holder or kind is self.holder_kind


TYPES: dict[str, CertificateType] = {
    t.code: t
    for t in (
        CertificateType(
            "business_licence",
            "营业执照",
            "Business licence",
            HolderKind.ORGANISATION,
            ("类型", "法定代表人", "注册资本", "成立日期", "住所", "经营范围"),
            fields_en=(
                "Type",
                "Legal representative",
                "Registered capital",
                "Date of establishment",
                "Domicile",
                "Business scope",
            ),
        ),
        CertificateType(
            "food_business_permit",
            "食品经营许可证",
            "Food business permit",
            HolderKind.ORGANISATION,
            ("经营场所", "主体业态", "经营项目"),
            fields_en=(
                "Business premises",
                "Main business format",
                "Business items",
            ),
        ),
        CertificateType(
            "construction_planning_permit",
            "建设工程规划许可证",
            "Construction project planning permit",
            HolderKind.ORGANISATION,
            ("建设项目名称", "建设位置", "建设规模"),
            fields_en=(
                "Project name",
                "Location",
                "Scale",
            ),
        ),
        CertificateType(
            "real_estate_title",
            "不动产权证书",
            "Real estate title certificate",
            HolderKind.PERSON,
            ("坐落", "不动产单元号", "权利类型", "用途", "面积"),
            fields_en=(
                "Location",
                "Real estate unit number",
                "Type of right",
                "Use",
                "Area",
            ),
            any_holder=True,
        ),
        CertificateType(
            "marriage_certificate",
            "结婚证",
            "Marriage certificate",
            HolderKind.PERSON,
            ("配偶姓名", "登记日期"),
            fields_en=(
                "Spouse's name",
                "Date of registration",
            ),
        ),
        CertificateType(
            "birth_medical_certificate",
            "出生医学证明",
            "Medical certificate of birth",
            HolderKind.PERSON,
            ("出生时间", "出生地点", "母亲姓名", "父亲姓名", "助产机构"),
            fields_en=(
                "Time of birth",
                "Place of birth",
                "Mother's name",
                "Father's name",
                "Delivery institution",
            ),
        ),
    )
}

GRADE_LABELS = {
    TrustGrade.A: ("A 级（发证部门电子签章）", "Grade A (issuer's electronic seal)"),
    TrustGrade.B: ("B 级（业务系统生成）", "Grade B (issued by the business system)"),
    TrustGrade.C: ("C 级（扫描件，已核验）", "Grade C (scan, verified)"),
    TrustGrade.D: ("D 级（扫描件，未核验）", "Grade D (scan, not verified)"),
}
OUTCOME_LABELS = {
    Outcome.VALID: ("有效", "Valid"),
    Outcome.EXPIRED: ("已过期", "Expired"),
    Outcome.NOT_YET_VALID: ("尚未生效", "Not yet valid"),
    Outcome.REVOKED: ("已注销", "Revoked"),
    Outcome.SIGNATURE_INVALID: ("签名无效", "Signature invalid"),
    Outcome.UNKNOWN: ("查无此证", "Unknown certificate"),
}
STATUS_LABELS = {
    Status.VALID: ("有效", "Valid"),
    Status.REVOKED: ("已注销", "Revoked"),
    Status.EXPIRED: ("已过期", "Expired"),
}
