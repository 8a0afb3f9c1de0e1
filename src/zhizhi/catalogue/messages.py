"""Time limits, calendar and categories administration words (key → (中文, English))."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "f.category": ("分类", "Category"),
    "f.urgency": ("紧急程度", "Urgency"),
    "admin.categories": ("诉求分类", "Categories"),
    "admin.name_en": ("英文名称", "English name"),
    "admin.limits": ("办理时限", "Time limits"),
    "admin.calendar": ("工作日历", "Working-day calendar"),
    "admin.limit": ("时限", "Limit"),
    "admin.unit": ("单位", "Unit"),
    "admin.years": ("已导入年份", "Years loaded"),
    "admin.year": ("年份", "Year"),
    "admin.holidays": (
        "法定节假日（每行或以空格分隔一个日期）",
        "Public holidays (one date per line or space)",
    ),
    "admin.makeup": ("调休上班日", "Make-up working days"),
    "admin.import": ("导入（替换该年）", "Import (replaces the year)"),
    "cat.summary": (
        "共 %s 个启用分类，%s 级；已停用 %s 个。",
        "%s active categories, %s levels; %s retired.",
    ),
    "cat.manage": ("管理分类树", "Manage the category tree"),
    "cat.export": ("导出 Excel", "Export to Excel"),
    "cat.import": ("导入", "Import"),
    "cat.file": ("Excel 文件（.xlsx）", "Excel file (.xlsx)"),
    "cat.excel": ("Excel 导入导出", "Excel import and export"),
    "cat.excel_hint": (
        "列：编码、名称、英文名称、上级编码、状态（启用/停用）。新编码会新增，已有编码会重命名或移动，"
        "状态为停用会停用。任何一行有错，整个文件都不会导入。",
        "Columns: 编码 code, 名称 name, 英文名称 English name, 上级编码 parent code, 状态 state "
        "(启用/停用). A new code is added, a known one renamed or moved, 停用 retires it. One bad row "
        "refuses the whole file.",
    ),
    "cat.imported": (
        "导入完成：新增 %s，重命名 %s，移动 %s，停用 %s，未变 %s。",
        "Imported: %s added, %s renamed, %s moved, %s retired, %s unchanged.",
    ),
    "cat.tree": ("分类树", "Category tree"),
    "cat.count": ("%s 个启用", "%s active"),
    "cat.tree_hint": (
        "点击分类名称可重命名、移动或停用。办理时限和派单规则可设在任一级，下级分类沿用最近上级的设置。",
        "Click a name to rename, move or retire it. Time limits and dispatch rules may be set at any "
        "level; a category uses its nearest ancestor's.",
    ),
    "cat.add": ("新增分类", "Add a category"),
    "cat.parent": ("上级分类", "Parent category"),
    "cat.top_level": ("（一级分类）", "(top level)"),
    "cat.rename": ("重命名", "Rename"),
    "cat.move": ("移动到所选上级", "Move under the chosen parent"),
    "cat.retire_hint": (
        "停用后新工单不能再选此分类及其下级分类；已使用它的工单保持不变。",
        "Once retired, new work cannot use it or its subcategories; cases that use it keep it.",
    ),
    "cat.history": ("变更记录", "History of changes"),
    "cat.when": ("时间", "When"),
    "cat.what": ("变更", "Change"),
    "cat.details": ("变更内容", "Details"),
    "cat.who": ("操作人", "By"),
    "cat.done.created": ("分类已新增", "Category added"),
    "cat.done.renamed": ("分类已重命名", "Category renamed"),
    "cat.done.moved": ("分类已移动", "Category moved"),
    "cat.done.retired": ("分类已停用", "Category retired"),
}
