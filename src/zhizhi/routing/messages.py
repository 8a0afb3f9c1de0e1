"""AI suggestion panel and dispatch catalogue words (key → (中文, English))."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ai.note": (
        "以下为系统自动生成的建议，仅供参考；分类、派单和并单均由工作人员决定，采纳或改派都会记录。",
        "Generated suggestions for reference only; a person decides category, unit and merging, "
        "and the choice is recorded.",
    ),
    "ai.classification": ("分类建议", "Suggested category"),
    "ai.dispatch": ("派单建议（主办单位候选）", "Suggested lead units"),
    "ai.duplicates": ("疑似重复工单（可并单）", "Possible duplicates (merge candidates)"),
    "ai.confidence": ("置信度", "confidence"),
    "ai.similarity": ("相似度", "similarity"),
    "ai.review": ("需人工研判", "needs review"),
    "ai.none": ("无匹配的派单规则，请人工派单", "No rule matches; route by hand"),
    "ai.no_duplicates": ("未发现疑似重复工单", "No likely duplicate found"),
    "ai.prefilled": (
        "已预填 AI 建议的首选单位，请确认或改选",
        "Pre-filled with the AI's first choice; confirm or choose another unit",
    ),
    "ai.merge_hint": ("AI 建议的候选工单：", "Candidates suggested by the AI: "),
    "ai.status.accepted": ("已采纳", "accepted"),
    "ai.status.overridden": ("已改派", "overridden"),
    "ai.status.dismissed": ("已忽略", "dismissed"),
    "admin.rules": ("派单目录", "Dispatch catalogue"),
    "rule.priority": ("优先级（小者先匹配）", "Priority (lower is tried first)"),
    "rule.prefix": ("区划代码前缀", "Area (division code prefix)"),
    "rule.prefix.hint": ("留空表示全市；例如 430104 表示岳麓区", "Empty = anywhere; e.g. 430104"),
    "rule.lead": ("主办单位", "Lead unit"),
    "rule.co": ("协办单位", "Co-units"),
    "rule.territorial": ("属地（按地址派给街道/社区）", "Territorial (the street / community of the place)"),
    "rule.any": ("不限", "any"),
    "rule.note": ("说明", "Note"),
}
