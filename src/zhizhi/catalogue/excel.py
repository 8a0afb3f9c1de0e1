"""The category tree as an Excel workbook (.xlsx, openpyxl): export, and import all-or-nothing.

Columns (first row, Chinese headers; English accepted): 编码 code · 名称 name · 英文名称 name_en ·
上级编码 parent_code · 状态 state (启用 / 停用).  Export adds 层级 level and 路径 path for people;
import ignores them.  Import: a new code is created under its parent (a parent may be a row
further down), a known code is renamed and/or moved, 停用 retires it.  Every row is checked
first; one bad row refuses the whole file with a bilingual error per row and field
(``rows.<n>.<field>``, n = the sheet's row number), and nothing is written.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.catalogue import cache, tree
from zhizhi.catalogue import repository as repo
from zhizhi.catalogue.models import Category
from zhizhi.core import audit, sheets
from zhizhi.core.errors import FieldProblem, PayloadTooLarge, ValidationFailed

HEADERS = ("编码", "名称", "英文名称", "上级编码", "状态", "层级", "路径")
KEYS = {
    "编码": "code",
    "code": "code",
    "名称": "name",
    "name": "name",
    "英文名称": "name_en",
    "name_en": "name_en",
    "上级编码": "parent_code",
    "parent_code": "parent_code",
    "状态": "state",
    "state": "state",
}
ACTIVE, RETIRED = "启用", "停用"
STATES = {ACTIVE: True, "active": True, "": True, RETIRED: False, "retired": False}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS = 50


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    renamed: int
    moved: int
    retired: int
    unchanged: int


def export_xlsx(session: Session) -> bytes:
    """Every category (retired ones too) in tree order."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("分类 categories")
    ws.append(list(HEADERS))
    snap = cache.snapshot(session, fresh=True)
    for node in tree.tree(session, fresh=True):
        parent = snap.by_id.get(node.info.parent_id) if node.info.parent_id else None
        ws.append(
            sheets.row(
                ws,
                [
                    node.info.code,
                    node.info.name,
                    node.info.name_en or "",
                    parent.code if parent else "",
                    ACTIVE if node.info.active else RETIRED,
                    node.depth + 1,
                    node.path,
                ],
            )
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return sheets.text(str(value)).strip()


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """``(sheet row number, {key: text})`` of the first sheet; 422 when it is not a workbook."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("文件超过 5 MB", "the file is larger than 5 MB", field="file")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ValidationFailed(
            "文件不是有效的 Excel 工作簿（.xlsx）",
            f"the file is not a valid Excel workbook (.xlsx): {type(exc).__name__}",
            field="file",
        ) from None
    ws = wb.worksheets[0] if wb.worksheets else None
    rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 2)) if ws is not None else []
    wb.close()
    if not rows:
        raise ValidationFailed("工作簿是空的", "the workbook is empty", field="file")
    header = [KEYS.get(_cell(h).lower() if _cell(h).isascii() else _cell(h)) for h in rows[0]]
    missing = [k for k in ("code", "name") if k not in header]
    if missing:
        raise ValidationFailed(
            "第一行应为表头，至少包含「编码」和「名称」列",
            "the first row must be the header with at least the columns 编码 (code) and 名称 (name)",
            field="file",
        )
    if len(rows) > MAX_ROWS + 1:
        raise ValidationFailed(
            f"一次最多导入 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows per import", field="file"
        )
    out = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: _cell(v) for key, v in zip(header, row, strict=False) if key}
        if any(values.values()):
            out.append((number, values))
    return out


def import_xlsx(session: Session, data: bytes, *, actor: audit.Actor) -> ImportResult:
    """Apply a workbook to the tree, all or nothing (see the module docstring). Audited."""
    rows = read_rows(data)
    problems: list[FieldProblem] = []

    def bad(number: int, field: str, zh: str, en: str) -> None:
        problems.append(
            FieldProblem(f"rows.{number}.{field}", f"第 {number} 行：{zh}", f"row {number}: {en}")
        )

    existing = {c.code: c for c in repo.all_categories(session)}
    in_file: dict[str, int] = {}
    for number, v in rows:
        code = v.get("code", "")
        if not tree_code_ok(code):
            bad(
                number,
                "code",
                "编码为 1–40 位字母、数字、点、下划线或连字符",
                "the code is 1–40 letters, digits, dots, underscores or hyphens",
            )
        elif code in in_file:
            bad(
                number,
                "code",
                f"编码 {code} 与第 {in_file[code]} 行重复",
                f"code {code} repeats row {in_file[code]}",
            )
        else:
            in_file[code] = number
        name = v.get("name", "")
        if not name or len(name) > 80:
            bad(number, "name", "名称必填，最多 80 字", "the name is required, at most 80 characters")
        if len(v.get("name_en", "")) > 120:
            bad(number, "name_en", "英文名称最多 120 字符", "the English name is at most 120 characters")
        if v.get("state", "").lower() not in STATES and v.get("state", "") not in STATES:
            bad(number, "state", "状态应为「启用」或「停用」", "the state is 启用 (active) or 停用 (retired)")
        parent = v.get("parent_code", "")
        if parent:
            if parent == code:
                bad(number, "parent_code", "上级不能是自己", "a category cannot be its own parent")
            elif parent not in existing and parent not in {r.get("code") for _n, r in rows}:
                bad(number, "parent_code", f"上级编码 {parent} 不存在", f"unknown parent code {parent}")
            elif parent in existing and not existing[parent].active and parent not in in_file:
                bad(number, "parent_code", f"上级分类 {parent} 已停用", f"the parent {parent} is retired")
        if len(problems) >= MAX_ERRORS:
            break
    if not problems:
        problems += _cycles(existing, rows)
    if problems:
        raise ValidationFailed(
            f"导入被拒绝：{len(problems)} 处错误，未做任何修改",
            f"import refused: {len(problems)} problem(s), nothing was changed",
            errors=problems[:MAX_ERRORS],
        )
    return _apply(session, existing, rows, actor)


def tree_code_ok(code: str) -> bool:
    from zhizhi.catalogue.service import CODE_PATTERN

    return bool(CODE_PATTERN.match(code))


def _cycles(existing: dict[str, Category], rows: list[tuple[int, dict[str, str]]]) -> list[FieldProblem]:
    """Rows whose parent chain (after the import) comes back to them."""
    by_id = {c.id: c.code for c in existing.values()}
    parent_of = {code: by_id.get(c.parent_id) if c.parent_id else None for code, c in existing.items()}
    for _n, v in rows:
        parent_of[v["code"]] = v.get("parent_code") or None
    out = []
    for number, v in rows:
        seen, node = {v["code"]}, parent_of.get(v["code"])
        while node is not None:
            if node in seen:
                out.append(
                    FieldProblem(
                        f"rows.{number}.parent_code",
                        f"第 {number} 行：上级关系形成循环",
                        f"row {number}: the parent chain forms a cycle",
                    )
                )
                break
            seen.add(node)
            if len(seen) > tree.MAX_DEPTH:
                out.append(
                    FieldProblem(
                        f"rows.{number}.parent_code",
                        f"第 {number} 行：分类层级最多 {tree.MAX_DEPTH} 级",
                        f"row {number}: the tree is at most {tree.MAX_DEPTH} levels deep",
                    )
                )
                break
            node = parent_of.get(node)
    return out


def _apply(
    session: Session,
    existing: dict[str, Category],
    rows: list[tuple[int, dict[str, str]]],
    actor: audit.Actor,
) -> ImportResult:
    from zhizhi.catalogue import service

    counts = dict.fromkeys(("created", "renamed", "moved", "retired", "unchanged"), 0)
    created: set[str] = set()
    pending = list(rows)
    # parents first: repeat passes until every new row's parent exists
    while pending:
        later = []
        for number, v in pending:
            code, parent = v["code"], v.get("parent_code") or None
            if code not in existing and parent and parent not in existing:
                later.append((number, v))
                continue
            if code not in existing:
                existing[code] = service.create_category(
                    session,
                    code=code,
                    name=v["name"],
                    name_en=v.get("name_en"),
                    parent_code=parent,
                    actor=actor,
                )
                counts["created"] += 1
                created.add(code)
        if len(later) == len(pending):  # pragma: no cover - the checks above rule this out
            raise ValidationFailed("上级关系无法解析", "the parent chain cannot be resolved", field="file")
        pending = later
    for _number, v in rows:
        cat = existing[v["code"]]
        changed = False
        wants_active = STATES.get(v.get("state", ""), STATES.get(v.get("state", "").lower(), True))
        if not cat.active:
            counts["unchanged"] += 1
            continue
        if cat.code in created:  # just written as the row says; only a state of 停用 is left
            if not wants_active:
                counts["retired"] += len(tree.retire_category(session, cat.code, actor=actor))
            continue
        name_en = v.get("name_en") or None
        if "name_en" not in v:
            name_en = cat.name_en
        if (v["name"], name_en) != (cat.name, cat.name_en):
            tree.rename_category(session, cat.code, name=v["name"], name_en=name_en, actor=actor)
            counts["renamed"] += 1
            changed = True
        if "parent_code" in v:
            current = next((c.code for c in existing.values() if c.id == cat.parent_id), None)
            if (v.get("parent_code") or None) != current:
                tree.move_category(session, cat.code, parent_code=v.get("parent_code") or None, actor=actor)
                counts["moved"] += 1
                changed = True
        if not wants_active and cat.active:
            counts["retired"] += len(tree.retire_category(session, cat.code, actor=actor))
            changed = True
        counts["unchanged"] += 0 if changed else 1
    audit.record(
        session, "catalogue.categories_imported", actor, object_type="category", object_id="*", **counts
    )
    return ImportResult(**counts)
