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
}
