"""Transparent keyword rules for appeal type (诉求类型) and urgency (紧急程度).

There are no labels for these in the reference data, so they are rules a person can read and
argue with, not a model.  Each rule is a regular expression with a weight; a hit in the
subject (the first line of a joined text) counts double because subjects state the intent
("咨询…", "举报…", "建议…").  The type with the highest score wins; ties go to the earlier
type in :data:`TYPE_PRIORITY`.  With no hit at all a question mark means ``consult`` and
anything else ``complaint`` (the commonest type in the corpus).

Urgency is ``critical`` for an immediate threat to life or property (fire, explosion, gas
leak, collapse, someone trapped or in danger of death), ``urgent`` for a present safety
hazard or the loss of an essential service (water, gas, lift), else ``normal``.  Generic
alarm words (安全隐患, 紧急 …) count only in the subject, since letters use them freely.

Accuracy on a hand-labelled sample is in ``docs/intelligence-classifier.md``; the rules are
an aid to the person who triages the appeal, never the final word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APPEAL_TYPES = ("consult", "help", "complaint", "report", "suggestion", "praise")
APPEAL_TYPES_ZH = {
    "consult": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "praise": "表扬",
}
URGENCIES = ("normal", "urgent", "critical")
URGENCIES_ZH = {"normal": "一般", "urgent": "紧急", "critical": "特急"}

#: Tie-break order: the rarer, more specific intent first.
TYPE_PRIORITY = ("praise", "report", "suggestion", "help", "consult", "complaint")


def _alternatives(prefixes: tuple[str, ...], rest: str) -> str:
    """``(a|b)rest`` written as ``a(?:rest)|b(?:rest)``: the same matches, but every branch then
    starts with a literal, which lets ``re`` skip ahead to candidate characters (several times
    faster on long letters)."""
    return "|".join(f"{p}(?:{rest})" for p in prefixes)


_TYPE_RULES: dict[str, tuple[tuple[str, int], ...]] = {
    "praise": (
        (r"表扬|感谢信|感谢状|致谢|锦旗|赞扬|好人好事|衷心感谢|点赞", 3),
        (r"非常感谢.{0,12}(帮助|服务|工作人员|解决了)", 2),
    ),
    "report": (
        (r"举报|检举|揭发|实名反映", 3),
        (r"传销|贪污|腐败|受贿|行贿|黑社会|恶势力|骗取|套取|无证(行医|经营|生产)", 3),
        (r"查处|取缔|严查|打击|责令.{0,6}停", 2),
        (r"非法|违法|违规|偷排|私挖|虚假宣传", 1),
    ),
    "suggestion": (
        (r"建议|提议|建言|献策|倡议", 3),
        (
            r"几点意见|提(点|些|出)?(意见|建议)|呼吁|可否|望出台|出台.{0,6}政策|应(当|该)?加强|加大.{0,6}力度",
            2,
        ),
        (r"希望.{0,10}(加快|加大|增设|修建|开通|建设|规划|重视|关注|开发|出台|改善)", 2),
    ),
    "help": (
        (r"求助|救救|走投无路|无助|求求", 3),
        (
            r"帮(助|忙|我们|一下)|"
            + _alternatives(
                ("请求", "恳请", "盼", "望"), r"(领导|政府|贵局|有关部门)?.{0,8}(解决|处理|做主)"
            ),
            2,
        ),
    ),
    "consult": (
        (r"咨询|请问|想问|问一下|问问", 3),
        (r"怎么办理|如何办理|怎样办理|如何申请|怎么申请|需要.{0,10}(什么|哪些)|办理.{0,6}(手续|流程)", 2),
        (r"是否|能否|可不可以|能不能|可以.{0,12}吗|多少|哪里|何时|什么时候|有没有|进展如何", 1),
    ),
    "complaint": (
        (r"投诉|不作为|乱收费|扰民|刁难|推诿|踢皮球", 3),
        (r"拖欠|噪音|噪声|污染|恶臭|刺鼻|欺骗|敷衍|强制|强迫|久拖|迟迟|严重影响|态度(恶劣|蛮横|差)", 2),
        (
            r"乱象|问题成堆|不合格|"
            + _alternatives(("没", "未", "得不到"), r"(有)?(得到)?解决")
            + r"|无人管|没人管|不兑现|为什么|为何|岂能|难道",
            2,
        ),
        (r"反映|不合理|至今|一直没|质量问题|差", 1),
    ),
}

_CRITICAL = (
    r"火灾|起火|着火|失火了|爆炸|煤气泄漏|燃气泄漏|天然气泄漏|坍塌|垮塌|被困|生命危险|危及生命"
    r"|自杀|轻生|跳楼|溺水|触电|人命关天"
)
_PAST = r"(曾|曾经|以前|过去|去年|前年|当年|上次|历史上|一旦|万一|如果|若)"
_NOW = r"(正在|现在|刚刚|刚才|目前|此刻|马上|已经)"
#: Specific hazards or loss of an essential service: urgent wherever they appear.
_URGENT_ANYWHERE = (
    r"停水|断水|没水|无法用水|没有水用|燃气(停|断)|天然气(停|断)|煤气(停|断)"
    r"|电梯.{0,8}(困人|故障|失灵|坠落)|漏电|危房|墙体?.{0,4}裂缝|随时.{0,6}(倒塌|坠落|掉落|垮)"
)
#: Generic alarm words: urgent only in the subject (or the lead of a body-only text).
_URGENT_IN_SUBJECT = r"安全隐患|隐患|消防|紧急|急需|十万火急|刻不容缓|迫在眉睫|停电|中毒|救命|危险"

_COMPILED_TYPES = {t: [(re.compile(p), w) for p, w in rules] for t, rules in _TYPE_RULES.items()}
_CRITICAL_RE = re.compile(_CRITICAL)
_PAST_RE = re.compile(_PAST + r".{0,8}$")
_NOW_RE = re.compile(_NOW + r".{0,8}$")
_URGENT_ANYWHERE_RE = re.compile(_URGENT_ANYWHERE)
_URGENT_SUBJECT_RE = re.compile(_URGENT_IN_SUBJECT)

_SCAN_CHARS = 4_000  # rules look at the first 4,000 characters only
_LEAD_CHARS = 30  # body-only texts: the lead stands in for the subject (corpus rows run together)


@dataclass(frozen=True, slots=True)
class RuleResult:
    appeal_type: str
    urgency: str
    reasons: tuple[str, ...]
    type_scores: dict[str, int]


def _split(text: str) -> tuple[str, str]:
    """Subject and body; without a line break the first characters stand in for the subject."""
    text = text[:_SCAN_CHARS]
    if "\n" in text:
        head, rest = text.split("\n", 1)
        return head, rest
    return text[:_LEAD_CHARS], text


def appeal_type(text: str) -> tuple[str, list[str], dict[str, int]]:
    """Type of the appeal, the reasons (rule hits) and the score per type."""
    subject, body = _split(text)
    scores = dict.fromkeys(APPEAL_TYPES, 0)
    hits: dict[str, list[str]] = {t: [] for t in APPEAL_TYPES}
    for kind, rules in _COMPILED_TYPES.items():
        for rx, weight in rules:
            m_subject = rx.search(subject) if subject else None
            m_body = rx.search(body)
            if m_subject:
                scores[kind] += 2 * weight
                hits[kind].append(f"{m_subject.group(0)}(标题)")
            if m_body:
                scores[kind] += weight
                hits[kind].append(m_body.group(0))
    best = max(scores.values())
    if best == 0:
        kind = "consult" if ("?" in text or "？" in text) else "complaint"
        return kind, [f"type={kind}: no rule hit (default)"], scores
    kind = next(t for t in TYPE_PRIORITY if scores[t] == best)
    return kind, [f"type={kind} ({APPEAL_TYPES_ZH[kind]}): " + "、".join(hits[kind][:4])], scores


def urgency(text: str) -> tuple[str, list[str]]:
    """Urgency of the appeal and the reasons (rule hits).

    A critical term counts when it is in the subject (or lead), or in the body right after
    a "now" marker (正在, 目前 …); after a past or hypothetical marker (曾, 去年, 一旦 …), or
    elsewhere in the body, it only makes the appeal urgent.
    """
    subject, body = _split(text)
    demoted: list[str] = []
    for part, is_subject in ((subject, True), (body, False)):
        for hit in _CRITICAL_RE.finditer(part):
            before = part[max(0, hit.start() - 10) : hit.start()]
            if _PAST_RE.search(before):
                demoted.append(hit.group(0))
            elif is_subject or _NOW_RE.search(before):
                return "critical", [f"urgency=critical (特急): {hit.group(0)}"]
            else:
                demoted.append(hit.group(0))
    found = _URGENT_ANYWHERE_RE.search(subject + "\n" + body)
    if found is None and subject:
        found = _URGENT_SUBJECT_RE.search(subject)
    if found is not None:
        return "urgent", [f"urgency=urgent (紧急): {found.group(0)}"]
    if demoted:
        return "urgent", [f"urgency=urgent (紧急): {demoted[0]} (not current)"]
    return "normal", []


def apply_rules(text: str) -> RuleResult:
    kind, type_reasons, scores = appeal_type(text)
    level, urgency_reasons = urgency(text)
    return RuleResult(kind, level, tuple(type_reasons + urgency_reasons), scores)
