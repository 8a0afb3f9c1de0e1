"""The implementation list as an Excel workbook (.xlsx, openpyxl): export, and import whole or
not at all.

Layout (``layout``): sheet 事项清单 (one row per item), sheet 申请材料 (one row per material,
keyed by 实施编码), optional sheet 表单字段 (form fields, keyed by 实施编码).  Sheets are found by
name (Chinese or English), else by position.  Import checks every row first — the cell's text,
then the item as a whole (codes, limits, department, sources…) — and names each failing cell
(``items.N5``: sheet, column letter, row) in both languages; one failure refuses the whole file
and nothing is written.  Limits: 20 MB a file, 200 MB uncompressed, 20,000 items and 200,000
material rows."""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter
from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhizhi.core import audit, sheets
from zhizhi.core.errors import DomainError, FieldProblem, PayloadTooLarge, ValidationFailed
from zhizhi.core.principal import Principal
from zhizhi.services.items import layout, service
from zhizhi.services.items.check import Checked, Lookups, validate
from zhizhi.services.items.enums import ItemStatus
from zhizhi.services.items.layout import Column
from zhizhi.services.items.schemas import ItemIn

MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ITEMS = 20_000
MAX_MATERIALS = 200_000
MAX_ERRORS = 50


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int  # new items
    drafts: int  # new drafts of existing items
    published: int
    materials: int


@dataclass
class _Row:
    number: int
    values: dict[str, str]
    cells: dict[str, str]  # key -> cell name (N5)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class _Problems:
    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, sheet: str, cell: str, zh: str, en: str) -> None:
        if len(self.items) < MAX_ERRORS:
            szh, sen = layout.SHEET_LABELS[sheet]
            self.items.append(
                FieldProblem(f"{sheet}.{cell}", f"{szh} {cell} 单元格：{zh}", f"{sen} cell {cell}: {en}")
            )

    def raise_if_any(self) -> None:
        if self.items:
            first = self.items[0]
            more = len(self.items) - 1
            raise ValidationFailed(
                first.zh + (f"（另有 {more} 处问题）" if more else ""),
                first.en + (f" (and {more} more problems)" if more else ""),
                errors=self.items,
            )


def _open(data: bytes) -> Any:
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("文件超过 20 MB", "the file is larger than 20 MB", field="file")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise PayloadTooLarge(
                    "文件解压后超过 200 MB", "the file unpacks to more than 200 MB", field="file"
                )
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except DomainError:
        raise
    except Exception as exc:  # any failure to read is the file's fault
        raise _not_a_workbook(exc) from None


def _not_a_workbook(exc: Exception) -> ValidationFailed:
    return ValidationFailed(
        "文件不是有效的 Excel 工作簿（.xlsx），或其中含有无法读取的内容",
        f"the file is not a valid Excel workbook (.xlsx) or holds unreadable content: {type(exc).__name__}",
        field="file",
    )


def _sheet(wb: Any, key: str, position: int) -> Any:
    names = {n.strip().lower(): n for n in wb.sheetnames}
    for wanted in layout.SHEETS[key]:
        if wanted.lower() in names:
            return wb[names[wanted.lower()]]
    if key != "fields" and len(wb.sheetnames) > position:
        return wb.worksheets[position]
    return None


def _rows(ws: Any, sheet: str, columns: tuple[Column, ...], limit: int, problems: _Problems) -> list[_Row]:
    headers = {c.zh: c for c in columns} | {c.en.lower(): c for c in columns} | {c.key: c for c in columns}
    it = ws.iter_rows(values_only=True)
    first = next(it, None)
    if first is None:
        problems.add(sheet, "A1", "工作表是空的", "the sheet is empty")
        return []
    index: dict[int, Column] = {}
    for i, h in enumerate(first):
        col = headers.get(_text(h)) or headers.get(_text(h).lower())
        if col is not None and not col.export_only:
            index[i] = col
    missing = [c for c in columns if c.required and c not in index.values()]
    for c in missing:
        problems.add(sheet, "1", f"缺少表头“{c.zh}”", f"the header '{c.zh}' ({c.en}) is missing")
    if missing:
        return []
    out: list[_Row] = []
    for number, row in enumerate(it, start=2):
        if number - 1 > limit:
            problems.add(sheet, f"A{number}", f"一次最多导入 {limit} 行", f"at most {limit} rows per import")
            break
        values: dict[str, str] = {}
        cells: dict[str, str] = {}
        for i, col in index.items():
            text = _text(row[i]) if i < len(row) else ""
            cells[col.key] = f"{get_column_letter(i + 1)}{number}"
            if sheets.ILLEGAL.search(text):
                problems.add(sheet, cells[col.key], "含有控制字符", "holds control characters")
                text = ""
            values[col.key] = text
        if any(values.values()):
            out.append(_Row(number, values, cells))
    return out


def _parse(
    row: _Row, sheet: str, parsers: dict[str, layout.Parser], problems: _Problems
) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    ok = True
    for key, text in row.values.items():
        parser = parsers.get(key)
        if parser is None:
            out[key] = text
            continue
        try:
            out[key] = parser(text)
        except layout.CellError as exc:
            problems.add(sheet, row.cells[key], exc.zh, exc.en)
            ok = False
    return out if ok else None


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        head, dot, tail = key.partition(".")
        if dot:
            out.setdefault(head, {})[tail] = value
        else:
            out[key] = value
    return out


def _locate(field: str, item: _Row, parts: dict[str, list[_Row]]) -> tuple[str, str]:
    """The sheet and cell of an ``ItemIn`` path (``promised_limit.value``, ``materials.2.source``)."""
    bits = field.split(".")
    if bits[0] in ("materials", "fields") and len(bits) >= 2 and bits[1].isdigit():
        rows = parts[bits[0]]
        i = int(bits[1])
        if i < len(rows):
            row = rows[i]
            key = bits[2] if len(bits) > 2 else "code"
            return bits[0], row.cells.get(key) or f"A{row.number}"
    for key in (field, ".".join(bits[:2]), bits[0], f"{bits[0]}.value"):
        if key in item.cells:
            return "items", item.cells[key]
    return "items", f"A{item.number}"


def read(session: Session, data: bytes, principal: Principal | None = None) -> list[Checked]:
    """Every item of the workbook, validated (422 naming every failing cell, up to 50); with a
    ``principal``, each item's department must be in their scope (403 naming the cell)."""
    wb = _open(data)
    problems = _Problems()
    try:
        items_ws = _sheet(wb, "items", 0)
        materials_ws = _sheet(wb, "materials", 1)
        if items_ws is None or materials_ws is None:
            raise ValidationFailed(
                "工作簿应包含“事项清单”和“申请材料”两张工作表",
                "the workbook needs the sheets 事项清单 (items) and 申请材料 (materials)",
                field="file",
            )
        fields_ws = _sheet(wb, "fields", 2)
        item_rows = _rows(items_ws, "items", layout.ITEM_COLUMNS, MAX_ITEMS, problems)
        material_rows = _rows(materials_ws, "materials", layout.MATERIAL_COLUMNS, MAX_MATERIALS, problems)
        field_rows = (
            _rows(fields_ws, "fields", layout.FIELD_COLUMNS, MAX_MATERIALS, problems) if fields_ws else []
        )
    except DomainError:
        raise
    except Exception as exc:  # a read-only workbook parses its sheets while they are read
        raise _not_a_workbook(exc) from None
    finally:
        wb.close()
    problems.raise_if_any()
    by_code: dict[str, _Row] = {}
    for row in item_rows:
        code = row.values.get("implementation_code", "").upper()
        if code in by_code:
            problems.add(
                "items",
                row.cells["implementation_code"],
                f"实施编码与第 {by_code[code].number} 行重复",
                f"the implementation code repeats row {by_code[code].number}",
            )
        by_code[code] = row
    parts: dict[str, dict[str, list[_Row]]] = defaultdict(lambda: {"materials": [], "fields": []})
    for sheet, rows in (("materials", material_rows), ("fields", field_rows)):
        for row in rows:
            code = row.values.get("implementation_code", "").upper()
            if code not in by_code:
                problems.add(
                    sheet,
                    row.cells["implementation_code"],
                    "实施编码不在事项清单表中",
                    "the implementation code is not on the items sheet",
                )
            else:
                parts[code][sheet].append(row)
    problems.raise_if_any()
    lookups = Lookups()
    scope: dict[int, bool] = {}
    out: list[Checked] = []
    for code, row in by_code.items():
        flat = _parse(row, "items", layout.ITEM_PARSERS, problems)
        materials = [
            _parse(m, "materials", layout.MATERIAL_PARSERS, problems) for m in parts[code]["materials"]
        ]
        fields = [_parse(f, "fields", layout.FIELD_PARSERS, problems) for f in parts[code]["fields"]]
        if flat is None or None in materials or None in fields:
            continue
        body = _nest(flat)
        body["materials"] = [
            {k: v for k, v in m.items() if k != "implementation_code"} for m in materials if m
        ]
        body["fields"] = [{k: v for k, v in f.items() if k != "implementation_code"} for f in fields if f]
        for key in ("legal_limit", "promised_limit"):
            body.setdefault(key, {}).setdefault("unit", "working_day")
        try:
            item_in = ItemIn.model_validate(body)
            checked = validate(session, item_in, lookups)
            if principal is not None:
                service.check_scope(session, principal, checked.department.id, cache=scope)
            out.append(checked)
        except ValidationError as exc:
            for err in exc.errors()[:5]:
                path = ".".join(str(p) for p in err["loc"])
                sheet, cell = _locate(path, row, parts[code])
                problems.add(sheet, cell, f"取值不符合要求（{err['msg'][:80]}）", f"{err['msg'][:120]}")
        except DomainError as exc:
            sheet, cell = _locate(exc.field or "", row, parts[code])
            problems.add(sheet, cell, exc.zh, exc.en)
        if len(problems.items) >= MAX_ERRORS:
            break
    problems.raise_if_any()
    if not out:
        raise ValidationFailed("工作簿中没有事项", "the workbook holds no items", field="file")
    return out


def import_xlsx(
    session: Session, principal: Principal, data: bytes, *, publish: bool = False
) -> ImportResult:
    """Validate the whole workbook, then write every item as a draft (and publish each when
    ``publish``); one audit entry for the file.  A failing row refuses the file (nothing written)."""
    service.require_manage(principal)
    checked = read(session, data, principal)
    known = service.existing_codes(session, [c.implementation_code for c in checked])
    fresh = [c for c in checked if c.implementation_code not in known]
    service.save_new_many(session, principal, fresh)
    for c in checked:
        if c.implementation_code in known:
            service.save_checked(session, principal, c)
    created, drafts = len(fresh), len(checked) - len(fresh)
    materials = sum(len(c.body.materials) for c in checked)
    published = 0
    if publish:
        for c in checked:
            service.publish(session, principal, c.implementation_code, audited=False)
            published += 1
    audit.record(
        session,
        "services.items_imported",
        principal.actor,
        object_type="service_item",
        object_id=None,
        items=len(checked),
        created=created,
        drafts=drafts,
        published=published,
        materials=materials,
    )
    return ImportResult(created, drafts, published, materials)


def export_xlsx(
    session: Session, principal: Principal | None = None, *, statuses: tuple[str, ...] = ()
) -> bytes:
    """The items (published ones by default; stewards may ask for drafts and retired ones too)
    in the import layout: their current version (the draft of an item never published)."""
    from openpyxl import Workbook

    wanted = statuses or (ItemStatus.PUBLISHED.value,)
    views = service.current_versions(session, wanted)
    wb = Workbook(write_only=True)
    sheets_out = {}
    for key, columns in (
        ("items", layout.ITEM_COLUMNS),
        ("materials", layout.MATERIAL_COLUMNS),
        ("fields", layout.FIELD_COLUMNS),
    ):
        ws = wb.create_sheet(layout.SHEETS[key][0])
        ws.append([c.zh for c in columns])
        sheets_out[key] = ws
    for item_status, v in views:
        sheets_out["items"].append(sheets.row(sheets_out["items"], layout.item_row(v, item_status)))
        for r in layout.material_rows(v):
            sheets_out["materials"].append(sheets.row(sheets_out["materials"], r))
        for r in layout.field_rows(v):
            sheets_out["fields"].append(sheets.row(sheets_out["fields"], r))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
