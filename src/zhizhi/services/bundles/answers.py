"""Pure checks of a bundle submission: the applicant's identity and the merged form's answers.
Every problem is collected and reported at once (一次性告知): one 422 with one entry per field
or material, never a series of rejections."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date

from zhizhi.certificates.holders import is_valid_id_number, is_valid_uscc
from zhizhi.core.errors import FieldProblem, ValidationFailed
from zhizhi.services.bundles.rules import MergedField, MergedMaterial
from zhizhi.services.bundles.schemas import ApplicantIn
from zhizhi.services.prefill.service import Identity

NATURAL_PERSON = "1"
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
NUMBER = re.compile(r"^-?\d{1,12}(\.\d{1,4})?$")
BOOLEAN = {"true", "false", "是", "否", "1", "0"}


def identity(applicant: ApplicantIn) -> Identity:
    """The validated identity: a natural person with a resident ID number, an organisation with
    a unified social credit code (and optionally its legal representative's ID number)."""
    problems: list[FieldProblem] = []
    number = (applicant.id_number or "").strip().upper() or None
    code = (applicant.credit_code or "").strip().upper() or None
    if applicant.type == NATURAL_PERSON:
        if number is None or not is_valid_id_number(number):
            problems.append(
                FieldProblem(
                    "applicant.id_number",
                    "公民身份号码无效（应为 18 位，校验码须符合 GB 11643）",
                    "invalid resident ID number (18 characters with a GB 11643 check character)",
                )
            )
        if code is not None:
            problems.append(
                FieldProblem(
                    "applicant.credit_code",
                    "自然人申请不填统一社会信用代码",
                    "a natural person applies without a credit code",
                )
            )
    else:
        if code is None or not is_valid_uscc(code):
            problems.append(
                FieldProblem(
                    "applicant.credit_code",
                    "统一社会信用代码无效（应为 18 位，校验码须符合 GB 32100）",
                    "invalid unified social credit code (18 characters with a GB 32100 check character)",
                )
            )
        if number is not None and not is_valid_id_number(number):
            problems.append(
                FieldProblem(
                    "applicant.id_number",
                    "法定代表人公民身份号码无效",
                    "invalid ID number of the legal representative",
                )
            )
    if problems:
        raise ValidationFailed(problems[0].zh, problems[0].en, errors=problems)
    return Identity(applicant.type, number, code)


def _value_problem(f: MergedField, value: str) -> tuple[str, str] | None:
    kind = f.field.type
    if kind == "date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return "日期格式应为 YYYY-MM-DD", "a date is written YYYY-MM-DD"
    elif kind == "number" and not NUMBER.match(value):
        return "应为数字", "must be a number"
    elif kind == "phone" and not PHONE.match(value):
        return "电话号码格式无效", "invalid phone number"
    elif kind == "id_number" and not is_valid_id_number(value.upper()):
        return "公民身份号码无效（校验码不符）", "invalid resident ID number (check character)"
    elif kind == "credit_code" and not is_valid_uscc(value.upper()):
        return "统一社会信用代码无效（校验码不符）", "invalid unified social credit code (check character)"
    elif kind == "choice" and f.field.options and value not in f.field.options:
        return "不是可选的值", "not one of the options"
    elif kind == "boolean" and value.lower() not in BOOLEAN:
        return "应为是或否", "must be yes or no"
    return None


def check(
    fields: Sequence[MergedField],
    materials: Sequence[MergedMaterial],
    answers: Mapping[str, str],
    provided: Sequence[str],
    by_data_fields: Mapping[str, str],
    by_data_materials: Sequence[str],
) -> dict[str, str]:
    """The answers to send to the parts (data fills what the applicant left blank), or one 422
    listing every missing or invalid field and every missing material at once."""
    known = {f.field.code: f for f in fields}
    problems: list[FieldProblem] = []
    for code in answers:
        if code not in known:
            problems.append(FieldProblem(f"answers.{code}", "表单中没有这一项", "no such field on this form"))
    out: dict[str, str] = {}
    for code, f in known.items():
        value = (answers.get(code) or "").strip() or by_data_fields.get(code, "")
        if not value:
            if f.field.required:
                problems.append(
                    FieldProblem(
                        f"answers.{code}",
                        f"请填写「{f.field.label}」",
                        f"{f.field.label_en or code} is required",
                    )
                )
            continue
        wrong = _value_problem(f, value)
        if wrong is not None:
            problems.append(
                FieldProblem(
                    f"answers.{code}",
                    f"「{f.field.label}」{wrong[0]}",
                    f"{f.field.label_en or code}: {wrong[1]}",
                )
            )
            continue
        out[code] = value
    materials_known = {m.material.code for m in materials}
    for code in provided:
        if code not in materials_known:
            problems.append(
                FieldProblem(
                    f"materials.{code}", "本件事不需要这份材料", "this bundle asks for no such material"
                )
            )
    have = set(provided) | set(by_data_materials)
    for m in materials:
        if m.material.required and m.material.code not in have:
            problems.append(
                FieldProblem(
                    f"materials.{m.material.code}",
                    f"缺少材料「{m.material.name}」",
                    f"material missing: {m.material.name}",
                )
            )
    if problems:
        raise ValidationFailed(
            f"申请还缺 {len(problems)} 项（已一次列出）",
            f"{len(problems)} problems with the application (all listed at once)",
            errors=problems,
        )
    return out
