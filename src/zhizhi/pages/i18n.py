"""A small message catalogue: key → (中文, English). Chinese is the default language.

``?lang=en`` (or ``?lang=zh``) on any page sets the ``zz_lang`` cookie for a year.
"""

from __future__ import annotations

from fastapi import Request

COOKIE = "zz_lang"
LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    "site": ("智治 · 12345 接诉即办", "Zhizhi · 12345 hotline"),
    "skip": ("跳到主要内容", "Skip to main content"),
    "nav.home": ("首页", "Home"),
    "nav.submit": ("我要反映", "Submit an appeal"),
    "nav.track": ("办理进度查询", "Track a case"),
    "nav.faq": ("常见问题", "FAQ"),
    "nav.work": ("工作台", "Workbench"),
    "nav.intake": ("来电登记", "Hotline intake"),
    "nav.cockpit": ("驾驶舱", "Cockpit"),
    "nav.login": ("工作人员登录", "Staff login"),
    "nav.logout": ("退出", "Log out"),
    "lang.switch": ("English", "中文"),
    "home.title": ("有事找 12345，接诉即办", "Call 12345: every appeal answered"),
    "home.lead": (
        "反映问题、提出建议、查询办理进度，全程留痕、按时答复。",
        "Report a problem, make a suggestion, follow your case: every step recorded, answered on time.",
    ),
    "f.appeal_type": ("诉求类型", "Type"),
    "f.content": ("诉求内容", "What happened"),
    "f.content.hint": ("请写明时间、地点和具体情况", "Say when, where and what"),
    "f.address": ("地址", "Address"),
    "f.contact_name": ("联系人（可选）", "Name (optional)"),
    "f.contact_phone": ("联系电话", "Phone"),
    "f.phone.hint": (
        "匿名提交须留电话，用于查询进度和回访",
        "Needed to track the case and for the follow-up call",
    ),
    "f.confidential": ("保密（承办单位看不到我的联系方式）", "Confidential (units cannot see my contact)"),
    "f.category": ("分类", "Category"),
    "f.urgency": ("紧急程度", "Urgency"),
    "f.number": ("工单编号", "Case number"),
    "f.username": ("用户名", "Username"),
    "f.password": ("密码", "Password"),
    "f.rating": ("满意度", "Satisfaction"),
    "f.resolved": ("问题是否解决", "Was it resolved?"),
    "f.comment": ("意见（可选）", "Comment (optional)"),
    "f.note": ("备注", "Note"),
    "f.reason": ("理由", "Reason"),
    "f.reply": ("答复内容", "Reply"),
    "f.lead_department": ("主办单位", "Lead unit"),
    "f.co_departments": ("协办单位（可多选）", "Co-units (several allowed)"),
    "f.amount": ("延期工作日数", "Extension (working days)"),
    "f.approved": ("审批结果", "Decision"),
    "f.parent": ("并入工单编号", "Merge into case number"),
    "f.channel": ("来源渠道", "Channel"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "approve": ("同意", "Approve"),
    "reject": ("不同意", "Reject"),
    "submit": ("提交", "Submit"),
    "search": ("查询", "Search"),
    "login": ("登录", "Log in"),
    "submitted.title": ("提交成功", "Submitted"),
    "submitted.body": (
        "请记下工单编号，凭编号和联系电话查询办理进度。",
        "Keep the case number: with your phone number it lets you follow the case.",
    ),
    "track.title": ("办理进度查询", "Track your case"),
    "track.status": ("当前状态", "Current status"),
    "track.timeline": ("办理经过", "What has happened"),
    "track.reply": ("答复", "Reply"),
    "track.rate": ("评价办理结果", "Rate the outcome"),
    "track.rated": ("您已评价，感谢反馈。", "You have rated this case. Thank you."),
    "track.thanks": ("评价已提交，感谢！", "Thank you for your rating!"),
    "faq.title": ("常见问题", "Frequently asked questions"),
    "login.title": ("工作人员登录", "Staff login"),
    "login.failed": ("用户名或密码错误", "Wrong username or password"),
    "work.title": ("工作台", "Workbench"),
    "work.empty": ("当前队列没有工单", "No cases in this queue"),
    "work.prev": ("上一页", "Previous"),
    "work.next": ("下一页", "Next"),
    "col.number": ("编号", "Number"),
    "col.subject": ("标题", "Subject"),
    "col.status": ("状态", "Status"),
    "col.sla": ("时限", "Deadline"),
    "col.unit": ("主办单位", "Lead unit"),
    "col.created": ("登记时间", "Registered"),
    "col.due": ("办理期限", "Due"),
    "case.content": ("诉求内容", "Content"),
    "case.contact": ("联系人", "Contact"),
    "case.timeline": ("时间轴", "Timeline"),
    "case.actions": ("可执行操作", "Actions"),
    "case.no_actions": ("当前无可执行操作", "No action available to you now"),
    "case.days_left": ("剩余 {n} 个工作日", "{n} working days left"),
    "case.done": ("操作成功", "Done"),
    "intake.title": ("来电登记", "Hotline intake"),
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
    "cockpit.map": ("各区县工单量", "Cases by district"),
    "cockpit.map.note": (
        "按工单地址解析出的区县（未解析时按主办单位所在区县）统计；底图：长沙市 9 个区县（GCJ-02）",
        "By the district of the address (else of the lead unit); map: Changsha's 9 districts",
    ),
    "error.title": ("出错了", "Something went wrong"),
    "nav.admin": ("系统管理", "Administration"),
    "admin.title": ("系统管理", "Administration"),
    "admin.departments": ("部门", "Departments"),
    "admin.users": ("用户", "Users"),
    "admin.limits": ("办理时限", "Time limits"),
    "admin.calendar": ("工作日历", "Working-day calendar"),
    "admin.code": ("编码", "Code"),
    "admin.name": ("名称", "Name"),
    "admin.kind": ("类型", "Kind"),
    "admin.parent": ("上级部门", "Parent"),
    "admin.division": ("行政区划代码", "Division code"),
    "admin.role": ("角色", "Role"),
    "admin.department": ("所属部门", "Department"),
    "admin.limit": ("时限", "Limit"),
    "admin.unit": ("单位", "Unit"),
    "admin.add": ("新增", "Add"),
    "admin.save": ("保存", "Save"),
    "admin.years": ("已导入年份", "Years loaded"),
    "admin.year": ("年份", "Year"),
    "admin.holidays": (
        "法定节假日（每行或以空格分隔一个日期）",
        "Public holidays (one date per line or space)",
    ),
    "admin.makeup": ("调休上班日", "Make-up working days"),
    "admin.import": ("导入（替换该年）", "Import (replaces the year)"),
    "error.back": ("返回首页", "Back to the home page"),
}

Q = {
    "received": ("待受理", "To accept"),
    "accepted": ("待派单", "To dispatch"),
    "dispatched": ("待签收", "To sign for"),
    "in_progress": ("办理中", "In progress"),
    "warning": ("即将超期", "Due soon"),
    "overdue": ("已超期", "Overdue"),
    "replied": ("待回访", "Follow-up"),
    "returned": ("退单待审", "Returns to review"),
}


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGS else "zh"


def pick(pair: tuple[str, str] | list[str] | None, lang: str) -> str:
    if not pair:
        return ""
    return pair[1] if lang == "en" else pair[0]


def translate(key: str, lang: str, **values: object) -> str:
    pair = MESSAGES.get(key)
    text = pick(pair, lang) if pair else key
    return text.format(**values) if values else text
