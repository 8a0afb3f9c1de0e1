"""Reply quality (答复质量): score a department's reply against the citizen's appeal.

Four dimensions, each in [0, 1] (method and evaluation in docs/intelligence-analysis.md):

* **relevance** — ``0.5·cov(subject terms) + 0.3·cov(top body terms) + 0.2·min(1, cos/0.4)``
  where ``cov`` is the share of the appeal's jieba key terms found in the reply and ``cos`` the
  character-bigram TF cosine of appeal and reply;
* **completeness** — share of the appeal's questions/demands (sentences with 吗/何时/是否/请/
  希望/要求 …, numbered items) whose key terms (≥ 30 %, at least one) occur in the reply; without
  any detected demand, the body-term coverage;
* **explainability** — 0.30 for citing rules (《…》, 第…条, 〔2019〕…号, 规定/条例/办法), 0.25 for
  facts (经调查/经核实/现场, dates, figures), 0.25 for next steps (将/下一步/督促/责令/整改/预计
  …), 0.20 for a contact (telephone number, 联系电话/联系人);
* **timeliness** — working days from appeal to reply (mainland holidays via ``chinese_calendar``
  for the years it knows, weekends only otherwise): 1 up to ``limit_days`` (default 15), then
  falling linearly to 0 at twice the limit; ``None`` when a date is missing or inconsistent.

``overall = 0.30·relevance + 0.30·completeness + 0.25·explainability + 0.15·timeliness``
(weights renormalised without timeliness); the two thresholds below were set on the labelled
sample (see the evaluation). ``flag_for_supervision`` is raised, with reasons,
when overall < 0.30, relevance < 0.15, the reply is only a procedural acknowledgement
(已收悉/已转…, under 60 characters of substance) or the reply is more than the limit late.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from zhizhi.intelligence.textsim import N_FEATURES, STOPWORDS, compact, fold_text, ngram_matrix, tfidf, words

DEFAULT_LIMIT_DAYS = 15
FLAG_OVERALL = 0.30
FLAG_RELEVANCE = 0.15
W_RELEVANCE, W_COMPLETENESS, W_EXPLAIN, W_TIME = 0.30, 0.30, 0.25, 0.15
_MAX_TEXT = 6000
CONTENT_FLAG_KEYS = ("procedural", "low relevance", "low overall")
FLAG_KEYS = (*CONTENT_FLAG_KEYS, "late reply")

_STOP = STOPWORDS - {"小区", "居民", "业主", "附近", "影响", "严重影响", "存在"}
_SENTENCE = re.compile(r"[。！？!?；;\n]+|(?:^|\s)(?:\d{1,2}|[一二三四五六七八九十]{1,2})[、.．)）]")
_QUESTION = re.compile(r"吗|么|何时|什么时候|什么|怎么|为何|为什么|能否|是否|可否|多少|哪|有没有|[？?]")
_DEMAND = re.compile(r"请|希望|要求|建议|恳请|呼吁|盼|望|务必|尽快|督促|整改|处理|解决|查处|取缔|拆除")

_RULE = re.compile(
    r"《[^》]{2,60}》|第[一二三四五六七八九十百零\d]+条|〔\d{4}〕\d*号|\[\d{4}\]\d+号|规定|条例|办法|法律|政策"
)
_FACT = re.compile(
    r"经(?:调查|核实|核查|查|了解|现场)|现场|调查核实|核查|实地|\d{1,2}月\d{1,2}日|\d+(?:\.\d+)?(?:元|万元|米|户|平方米|亩|个|人|天|%)"
)
_NEXT = re.compile(
    r"下一步|将(?:会|继续|加强|督促|安排|尽快|于|在|按照|依法|进一步)|督促|责令|限期|整改|预计|计划|拟|已安排|正在|后续|跟踪|回访|纳入"
)
_CONTACT = re.compile(r"\d{3,4}[-－—]\d{7,8}|0000-0000|\d{7,11}|联系电话|咨询电话|联系人|联系方式|来电|热线")
_ACK = re.compile(r"已收悉|收悉|已转|转交|转至|转相关|感谢您|谢谢|网友[:：]?\s*您好|您好")


@dataclass(frozen=True, slots=True)
class ReplyScore:
    relevance: float
    completeness: float
    explainability: float
    timeliness: float | None
    working_days: float | None
    overall: float
    flag_for_supervision: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)
    demands: int = 0
    demands_addressed: int = 0


# --------------------------------------------------------------------------- working days


def _is_workday(d: date) -> bool:
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(d))
    except (ImportError, NotImplementedError, ValueError):
        return d.weekday() < 5


def working_days(start: datetime, end: datetime) -> float:
    """Working days strictly after ``start``'s day up to and including ``end``'s day (≥ 0)."""
    a, b = start.date(), end.date()
    if b <= a:
        return 0.0
    span = (b - a).days
    if span > 3660:  # absurd spans: approximate instead of iterating
        return span * 5 / 7
    return float(sum(_is_workday(a + timedelta(days=i)) for i in range(1, span + 1)))


def timeliness_score(days: float, limit: float = DEFAULT_LIMIT_DAYS) -> float:
    if days <= limit:
        return 1.0
    return max(0.0, 1.0 - (days - limit) / max(limit, 1.0))


# --------------------------------------------------------------------------- text dimensions


def _rank_terms(tokens: list[str], limit: int) -> list[str]:
    counts = Counter(w for w in tokens if w not in _STOP and not w.isdigit())
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1] * min(len(kv[0]), 4), kv[0]))
    return [w for w, _ in ranked[:limit]]


def _key_terms(text: str, limit: int = 10) -> list[str]:
    return _rank_terms(words(text, _MAX_TEXT), limit)


def _coverage(terms: list[str], reply: str) -> float:
    if not terms:
        return 0.0
    return sum(1 for t in terms if t in reply) / len(terms)


_FLAT_IDF = np.ones(N_FEATURES)


def _cosine(a: str, b: str) -> float:
    m = tfidf(ngram_matrix([a, b], ngram=(2,), limit=_MAX_TEXT), _FLAT_IDF)
    return float(m[0].multiply(m[1]).sum())


def split_demands(appeal: str, limit: int = 10) -> list[str]:
    """Sentences of the appeal that ask a question or make a demand (at most ``limit``)."""
    parts = [p.strip() for p in _SENTENCE.split(fold_text(appeal, _MAX_TEXT)) if p and p.strip()]
    out = [p for p in parts if len(compact(p)) >= 4 and (_QUESTION.search(p) or _DEMAND.search(p))]
    return out[:limit]


def explainability_score(reply: str) -> tuple[float, list[str]]:
    """(score, present components) for a reply text."""
    r = fold_text(reply, _MAX_TEXT)
    parts = []
    score = 0.0
    for weight, rx, name in (
        (0.30, _RULE, "rules"),
        (0.25, _FACT, "facts"),
        (0.25, _NEXT, "next_steps"),
        (0.20, _CONTACT, "contact"),
    ):
        if rx.search(r):
            score += weight
            parts.append(name)
    return round(score, 4), parts


def _substance(reply: str) -> int:
    return len(compact(_ACK.sub("", fold_text(reply, _MAX_TEXT))))


def score_reply(
    subject: str,
    body: str,
    reply: str,
    *,
    created_at: datetime | None = None,
    replied_at: datetime | None = None,
    limit_days: float = DEFAULT_LIMIT_DAYS,
) -> ReplyScore:
    """Score ``reply`` against the appeal ``subject``/``body`` (see the module docstring)."""
    subject, body, reply = subject or "", body or "", reply or ""
    r = fold_text(reply, _MAX_TEXT)
    reasons: list[str] = []
    tokens = words(f"{subject}。{body}", _MAX_TEXT)  # one segmentation serves all term lists
    subj_c = fold_text(subject)
    subj_terms = _rank_terms([w for w in tokens if w in subj_c], 6)
    body_terms = _rank_terms(tokens, 10)
    cos = _cosine(f"{subject} {body}", reply) if r else 0.0
    relevance = 0.5 * _coverage(subj_terms, r) + 0.3 * _coverage(body_terms, r) + 0.2 * min(1.0, cos / 0.4)
    if not subj_terms:
        relevance = (0.3 * _coverage(body_terms, r) + 0.2 * min(1.0, cos / 0.4)) / 0.5
    demands = split_demands(f"{subject}。{body}")
    addressed = 0
    for d in demands:
        terms = _rank_terms([w for w in set(tokens) if w in d], 6)
        hit = sum(1 for t in terms if t in r)
        if terms and hit >= max(1, 0.3 * len(terms)):
            addressed += 1
    completeness = addressed / len(demands) if demands else _coverage(body_terms, r)
    explain, _parts = explainability_score(reply)
    days: float | None = None
    timeliness: float | None = None
    if created_at is not None and replied_at is not None:
        if replied_at.replace(tzinfo=None) >= created_at.replace(tzinfo=None):
            days = working_days(created_at.replace(tzinfo=None), replied_at.replace(tzinfo=None))
            timeliness = timeliness_score(days, limit_days)
        else:
            reasons.append("答复时间早于诉求时间 / reply dated before the appeal")
    weights = [(W_RELEVANCE, relevance), (W_COMPLETENESS, completeness), (W_EXPLAIN, explain)]
    if timeliness is not None:
        weights.append((W_TIME, timeliness))
    overall = sum(w * v for w, v in weights) / sum(w for w, _ in weights)
    substance = _substance(reply)
    if substance < 60 and len(r) < 120:
        reasons.append("仅为程序性答复 / only a procedural acknowledgement")
    if relevance < FLAG_RELEVANCE:
        reasons.append(f"答复与诉求关联度低 {relevance:.2f} / low relevance")
    if overall < FLAG_OVERALL:
        reasons.append(f"综合得分低 {overall:.2f} / low overall score")
    if days is not None and days > limit_days:
        reasons.append(f"超过 {limit_days:g} 个工作日 ({days:g}) / late reply")
    if demands and addressed == 0:
        reasons.append("未回应任何诉求点 / no demand addressed")
    flag = any(key in reason for reason in reasons for key in FLAG_KEYS)
    return ReplyScore(
        relevance=round(min(1.0, relevance), 4),
        completeness=round(completeness, 4),
        explainability=explain,
        timeliness=None if timeliness is None else round(timeliness, 4),
        working_days=days,
        overall=round(overall, 4),
        flag_for_supervision=flag,
        reasons=tuple(reasons),
        demands=len(demands),
        demands_addressed=addressed,
    )
