"""The cockpit's words (key → (中文, English)); registered by the manifest."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "nav.cockpit": ("驾驶舱", "Cockpit"),
    "cockpit.title": ("城市治理驾驶舱", "City governance cockpit"),
    "cockpit.today": ("今日受理", "Today"),
    "cockpit.month": ("本月受理", "This month"),
    "cockpit.period": ("统计期间", "Period"),
    "cockpit.trend": ("每日受理量", "Cases per day"),
    "cockpit.categories": ("分类排行", "By category"),
    "cockpit.ranking": ("部门排行", "Department ranking"),
    "cockpit.overdue": ("已超期工单", "Overdue cases"),
    "cockpit.warning": ("即将超期工单", "Cases about to be overdue"),
    "cockpit.export": ("导出 Excel", "Export to Excel"),
    "cockpit.instruct": ("领导指令（生成督办工单）", "Leader instruction (creates a supervised case)"),
    "cockpit.filter": ("筛选", "Filter"),
    "cockpit.hotspots": ("热点诉求", "Hotspots"),
    "cockpit.district": ("区县", "District"),
    "cockpit.hotspots.computed": (
        "计算于 {at}，近 {days} 天 {n} 件工单",
        "computed {at} over {n} cases of the last {days} days",
    ),
    "cockpit.hotspots.none": ("尚未计算热点", "Hotspots not computed yet"),
    "hs.title": ("热点", "Hotspot"),
    "hs.place": ("地点", "Place"),
    "hs.count": ("工单数", "Cases"),
    "hs.people": ("涉及人数", "People"),
    "hs.score": ("热度指数", "Score"),
    "hs.cases": ("相关工单", "Member cases"),
    "hs.open": ("查看 {n} 件", "Show {n}"),
    "hs.instruct": ("下达指令", "Issue instruction"),
    "hs.prefilled": (
        "已按第 {n} 号热点预填指令内容，请核对后提交",
        "Pre-filled from hotspot {n}; check it, then submit",
    ),
    "cockpit.all": ("全部", "All"),
    "p.7d": ("近 7 天", "Last 7 days"),
    "p.30d": ("近 30 天", "Last 30 days"),
    "p.month": ("本月", "This month"),
    "p.today": ("今日", "Today"),
    "rate.response": ("响应率", "Response rate"),
    "rate.resolution": ("解决率", "Resolution rate"),
    "rate.satisfaction": ("满意率", "Satisfaction rate"),
    "rate.on_time": ("按时办结率", "On-time rate"),
    "rate.response.def": (
        "期间登记的工单中，已被承办单位签收或已直接答复的比例",
        "Share of the period's cases signed for by a unit or answered directly",
    ),
    "rate.resolution.def": (
        "期间登记且已回访评价的工单中，群众表示“已解决”的比例",
        "Share of the period's rated cases the person called resolved",
    ),
    "rate.satisfaction.def": (
        "期间登记且已评价的工单中，评价为非常满意、满意或基本满意的比例",
        "Share of the period's rated cases rated very satisfied, satisfied or basically satisfied",
    ),
    "rate.on_time.def": (
        "期间登记且已答复的工单中，在办理期限内答复的比例",
        "Share of the period's replied cases answered before their deadline",
    ),
    "cnt": ("数量", "Count"),
    "screen.title": ("城市运行指挥中心", "City operations command centre"),
    "screen.open": ("大屏模式", "Command-centre screen"),
    "screen.exit": ("← 返回驾驶舱", "← Back to the cockpit"),
    "screen.kpis": ("核心指标", "Key figures"),
    "screen.updated": ("更新于 {at}（每 5 分钟刷新）", "updated {at} (refreshes every 5 minutes)"),
    "cockpit.units": ("各单位办理情况", "Units' figures"),
    "rec.rate": ("{days} 天复发率", "{days}-day recurrence"),
    "rec.def": (
        "期间登记并已办结的工单中，办结后 {days} 天内同一地点又有人反映同一问题（重复诉求模型判定）的比例",
        "Share of the period's closed cases whose problem was reported again at the same place within "
        "{days} days of closure (judged by the duplicate model)",
    ),
    "rec.count": ("已办结 {closed} 件，其中 {n} 件复发", "{n} of {closed} closed cases came back"),
    "rec.note": (
        "复发率看结果而非过程：办结后问题是否真的解决。观察期未满的工单按已发生的复发计。",
        "Recurrence measures outcomes, not process: did the problem stay solved? Windows still running "
        "count what has come back so far.",
    ),
    "rec.sampled": (
        "（已办结工单超过 1000 件，按均匀抽取的 1000 件估算）",
        "(over 1,000 closed cases: estimated on an evenly spaced sample of 1,000)",
    ),
    "rec.computed": (
        "全市数据由后台于 {at} 计算（每 {minutes} 分钟更新）。",
        "City-wide figures computed in the background at {at} (refreshed every {minutes} minutes).",
    ),
    "rec.live": ("本视图的复发数据为即时计算。", "The recurrence figures of this view are computed now."),
    "rec.example": ("例如：", "For example:"),
    "rec.after": ("办结后 {days} 天", "{days} days after closure"),
    "rec.flag": ("满意但复发", "Satisfied, yet recurring"),
    "rec.flag.def": (
        "标记：满意率 ≥ {s}% 而 90 天复发率 ≥ {r}%（已办结至少 {n} 件）的单位——群众满意，问题却在回来",
        "Flagged: satisfaction ≥ {s}% while ≥ {r}% of closed cases came back within 90 days (at least "
        "{n} closed): people are satisfied, yet the problem returns",
    ),
    "cockpit.map": ("各区县工单量", "Cases by district"),
    "cockpit.map.note": (
        "按工单地址解析出的区县（未解析时按主办单位所在区县）统计；底图：长沙市 9 个区县（GCJ-02）",
        "By the district of the address (else of the lead unit); map: Changsha's 9 districts",
    ),
}
