"""AI suggestion panel and dispatch catalogue words (key → (中文, English))."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "ai.note": (
        "以下为系统自动生成的建议，仅供参考；分类、派单和并单均由工作人员决定，采纳或改派都会记录。",
        "Generated suggestions for reference only; a person decides category, unit and merging, "
        "and the choice is recorded.",
    ),
    "ai.classification": ("分类建议", "Suggested category"),
    "ai.prefilled_category": (
        "已预填 AI 建议的分类，请确认或改选",
        "The AI's category is pre-filled; confirm or change it",
    ),
    "admin.classifier": ("AI 分类模型", "AI category model"),
    "clf.in_use": ("在用模型", "Model in use"),
    "clf.base": (
        "通用模型（未按本市分类训练，只认识 7 个一级分类）",
        "General model (not trained on this city's tree; 7 first-level categories)",
    ),
    "clf.trained_at": ("训练时间", "Trained"),
    "clf.accuracy": (
        "最近已确认工单（留出、未参与训练）上的准确率",
        "Accuracy on the newest confirmed cases (held back, not trained on)",
    ),
    "clf.before_after": ("重训前 → 重训后", "before → after retraining"),
    "clf.samples": ("各分类训练样本数", "Training samples per category"),
    "clf.lacking": ("暂无足够样本（模型不会建议这些分类）", "Not enough samples yet (never proposed)"),
    "clf.confirmations": (
        "已记录的人工确认 %s 条，其中改正 AI 建议 %s 条",
        "%s confirmations recorded, %s of them corrected the AI",
    ),
    "clf.train": ("立即重新训练", "Retrain now"),
    "clf.training": ("最近一次重新训练", "Latest retraining"),
    "clf.training.queued": ("排队中，等待后台任务开始", "Queued: waiting for the job queue"),
    "clf.training.running": ("正在训练（通常需要一到几分钟）", "Training now (usually one to a few minutes)"),
    "clf.training.done": ("已完成", "Done"),
    "clf.training.failed": ("失败", "Failed"),
    "clf.training.requested": ("{who} 于 {at} 发起", "Asked for by {who} at {at}"),
    "clf.training.started": ("开始于 {at}", "started at {at}"),
    "clf.training.finished": ("结束于 {at}", "finished at {at}"),
    "clf.training.model": ("新模型：{version}", "New model: {version}"),
    "clf.training.reload": ("刷新本页查看新模型", "Reload this page to see the new model"),
    "clf.training.polling": ("本栏每 3 秒自动更新。", "This box updates itself every 3 seconds."),
    "clf.train_hint": (
        "训练在后台任务队列中进行（约十几秒），也会按计划每周自动进行。",
        "Training runs on the job queue (some seconds) and weekly on a schedule.",
    ),
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
