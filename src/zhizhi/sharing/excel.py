"""The catalogue as an Excel workbook (openpyxl): export, and import all-or-nothing.

Two sheets: 资源 (one row per resource) and 字段 (one row per field, by resource code).  Values
are the codes of the vocabularies (``conditional``, ``important`` …); the Chinese labels are
accepted on import too (有条件共享, 重要数据 …).  An import validates every row first and saves
through ``service.save_resource``; any bad row fails the whole import with its row number.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook
from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhizhi.core import sheets
from zhizhi.core.errors import FieldProblem, Forbidden, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.sharing import service
from zhizhi.sharing.enums import GRADE_LABELS, PERSONAL_LABELS, SHARE_TYPE_LABELS, UPDATE_CYCLE_LABELS
from zhizhi.sharing.schemas import FieldIn, ResourceIn

RESOURCE_COLUMNS = (
    ("code", "资源编码"),
    ("name", "资源名称"),
    ("description", "摘要"),
    ("owner", "数源部门编码"),
    ("share_type", "共享类型"),
    ("source_system", "来源系统"),
    ("update_cycle", "更新周期"),
    ("adapter", "接入方式"),
    ("adapter_target", "数据表/接口地址"),
    ("key_field", "主键字段"),
    ("subject_field", "数据主体字段"),
    ("keywords", "关键词"),
)
FIELD_COLUMNS = (
    ("resource", "资源编码"),
    ("name", "字段名"),
    ("label", "字段中文名"),
    ("grade", "分级"),
    ("personal", "个人信息"),
    ("mask", "脱敏方式"),
    ("data_item", "数据项"),
    ("authoritative", "权威数源"),
)
MAX_ROWS = 5000
# Chinese labels accepted for the vocabularies
_LABELS: dict[str, str] = {
    zh: value.value
    for table in (SHARE_TYPE_LABELS, GRADE_LABELS, PERSONAL_LABELS, UPDATE_CYCLE_LABELS)
    for value, (zh, _en) in table.items()
}
_TRUE = {"true", "1", "yes", "是", "y"}


def export_xlsx(session: Session) -> bytes:
    resources = service.resource_outs(session, service.search(session))
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "资源"
    sheet.append([f"{zh} {key}" for key, zh in RESOURCE_COLUMNS])
    fields = wb.create_sheet("字段")
    fields.append([f"{zh} {key}" for key, zh in FIELD_COLUMNS])
    for r in resources:
        sheet.append(sheets.row(sheet, [getattr(r, key) or "" for key, _ in RESOURCE_COLUMNS]))
        for f in r.fields:
            fields.append(
                sheets.row(
                    fields,
                    [
                        r.code,
                        f.name,
                        f.label,
                        f.grade,
                        f.personal,
                        f.mask,
                        f.data_item or "",
                        "是" if f.authoritative else "",
                    ],
                )
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value: Any) -> str:
    text = "" if value is None else sheets.text(str(value)).strip()
    return _LABELS.get(text, text)


def _rows(wb: Any, name: str, columns: tuple[tuple[str, str], ...]) -> list[tuple[int, dict[str, str]]]:
    if name not in wb.sheetnames:
        raise ValidationFailed(f"缺少工作表「{name}」", f"the workbook has no sheet {name!r}", field="file")
    out = []
    for number, row in enumerate(wb[name].iter_rows(min_row=2, values_only=True), start=2):
        if number > MAX_ROWS + 1:
            raise ValidationFailed(f"行数超过 {MAX_ROWS}", f"more than {MAX_ROWS} rows", field="file")
        if not any(v not in (None, "") for v in row):
            continue
        values = list(row) + [None] * len(columns)
        out.append((number, {key: _cell(values[i]) for i, (key, _) in enumerate(columns)}))
    return out


def _problem(sheet: str, number: int, exc: ValidationError) -> ValidationFailed:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    zh = f"「{sheet}」第 {number} 行 {where}：{first['msg']}"
    en = f"sheet {sheet!r} row {number} {where}: {first['msg']}"
    return ValidationFailed(zh, en, errors=[FieldProblem(f"{sheet}.{number}.{where}", zh, en)])


def import_xlsx(session: Session, principal: Principal, data: bytes) -> dict[str, int]:
    """Create or replace every resource of the workbook; all or nothing."""
    if not principal.can(Permission.DATA_MANAGE):
        raise Forbidden("无权维护数据资源目录", "not allowed to manage the data catalogue")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed(
            "不是有效的 Excel 文件（.xlsx）", "not a valid .xlsx workbook", field="file"
        ) from exc
    fields_by_resource: dict[str, list[FieldIn]] = {}
    for number, row in _rows(wb, "字段", FIELD_COLUMNS):
        try:
            field = FieldIn(
                name=row["name"],
                label=row["label"],
                grade=row["grade"] or "general",
                personal=row["personal"] or "none",
                mask=row["mask"] or "none",
                data_item=row["data_item"] or None,
                authoritative=row["authoritative"].lower() in _TRUE,
            )
        except ValidationError as exc:
            raise _problem("字段", number, exc) from None
        fields_by_resource.setdefault(row["resource"], []).append(field)
    bodies = []
    for number, row in _rows(wb, "资源", RESOURCE_COLUMNS):
        try:
            bodies.append(
                ResourceIn(
                    **{k: v for k, v in row.items() if k != "subject_field"},
                    subject_field=row["subject_field"] or None,
                    fields=fields_by_resource.get(row["code"], []),
                )
            )
        except ValidationError as exc:
            raise _problem("资源", number, exc) from None
    created = updated = 0
    for body in bodies:
        _, new = service.save_resource(session, principal, body)
        created, updated = created + new, updated + (not new)
    return {"created": created, "updated": updated, "fields": sum(len(b.fields) for b in bodies)}
