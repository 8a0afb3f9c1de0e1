"""Routing rules: compute, store and decide AI suggestions for cases; the dispatch catalogue.

Every suggestion is stored with its model version, reasons and confidence for a person to
accept or override; the decision is recorded. Cases, categories and departments are read
through their owners' services. Flushes, never commits (jobs use their own unit of work).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import service as cases
from zhizhi.cases.service import Case
from zhizhi.catalogue import service as catalogue
from zhizhi.core import audit, clock, fieldcrypt, freetext
from zhizhi.core.db import unit_of_work
from zhizhi.core.errors import DomainError, NotFound, ValidationFailed
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.org import service as org
from zhizhi.routing import learning, reasons
from zhizhi.routing import recommend as rec
from zhizhi.routing import repository as repo
from zhizhi.routing.models import CaseSuggestion, DispatchRule

# free text with the words as given encrypted (core.freetext), re-encrypted by ``zhizhi keys rotate``
fieldcrypt.register_table("case_suggestions", fieldcrypt.encrypted_columns(CaseSuggestion))

# free text with the words as given encrypted (core.freetext), re-encrypted by ``zhizhi keys rotate``
fieldcrypt.register_table("dispatch_rules", fieldcrypt.encrypted_columns(DispatchRule))

log = logging.getLogger("zhizhi.routing")
RULES_VERSION = "dispatch-catalogue-v1"
DUPLICATES_WINDOW_DAYS = 30
DUPLICATE_CANDIDATES = 1000

Category = tuple[str, str]  # (code, name)


def suggest_job(case_id: int) -> None:
    """Deferred job: compute suggestions for one case in its own unit of work."""
    with unit_of_work() as session:
        case = cases.case_by_id(session, case_id)
        if case is not None:
            compute_suggestions(session, case)


def _store(
    session: Session,
    case: Case,
    kind: str,
    version: str,
    payload: dict[str, Any],
    confidence: float,
    needs_review: bool,
    category_code: str | None,
) -> CaseSuggestion:
    row = CaseSuggestion(
        case_id=case.id,
        kind=kind,
        model_version=version,
        payload=payload,
        confidence=round(float(confidence), 4),
        needs_review=needs_review,
        category_code=category_code,
        created_at=clock.now(),
        status="pending",
    )
    repo.add_suggestion(session, row)
    audit.record(
        session,
        f"ai.suggest.{kind}",
        audit.Actor.system(),
        object_type="case",
        object_id=case.number,
        model_version=version,
        confidence=row.confidence,
        needs_review=needs_review,
    )
    return row


def compute_suggestions(session: Session, case: Case) -> list[CaseSuggestion]:
    """Classification (when the model is there), dispatch and duplicate suggestions for ``case``;
    nothing when it has suggestions already."""
    if repo.suggestion_count(session, case.id):
        return []
    threshold = get_settings().ai_review_threshold
    out: list[CaseSuggestion] = []
    info = catalogue.category_info(session, case.category_id) if case.category_id else None
    category: Category | None = (info.code, info.name) if info is not None else None
    cat_confidence = 1.0
    try:
        result = learning.classify_text(
            session, f"{case.subject or ''} {case.content or ''}", threshold=threshold
        )
    except DomainError as exc:  # model file missing or corrupt: intake goes on, a person routes it
        log.warning("classifier unavailable: %s", exc.en)
        result = None
    if result is not None:
        payload = {
            k: v for k, v in result.items() if k not in ("confidence", "needs_review", "model_version")
        }
        if "appeal_type" not in payload:
            from zhizhi.intelligence.classifier.rules import apply_rules

            rules = apply_rules(f"{case.subject or ''} {case.content or ''}")
            payload |= {"appeal_type": rules.appeal_type, "urgency": rules.urgency}
        why = reasons.plain_type(str(payload["appeal_type"]), str(payload["urgency"]))
        payload["reasons"] = reasons.both([*payload["reasons"], why])
        out.append(
            _store(
                session,
                case,
                "classification",
                str(result["model_version"]),
                payload,
                float(result["confidence"]),
                bool(result["needs_review"]),
                str(result["category_code"]),
            )
        )
        if category is None:
            category, cat_confidence = (
                (str(result["category_code"]), str(result["category"])),
                float(result["confidence"]),
            )
    out.append(_dispatch_suggestion(session, case, category, cat_confidence, threshold))
    dup = _duplicate_suggestion(session, case)
    if dup is not None:
        out.append(dup)
    session.flush()
    return out


def _rules(session: Session) -> list[rec.Rule]:
    active = repo.active_rules(session)
    depts = org.departments_by_ids(
        session, [i for r in active for i in [r.lead_department_id, *r.co_department_ids] if i]
    )
    rules = []
    for r in active:
        lead = depts.get(r.lead_department_id) if r.lead_department_id else None
        cat = catalogue.category_info(session, r.category_id) if r.category_id else None
        rules.append(
            rec.Rule(
                r.id,
                r.priority,
                cat.code if cat else None,
                r.division_prefix or "",
                lead.code if lead else None,
                lead.name if lead else None,
                tuple(depts[i].code for i in r.co_department_ids if i in depts),
                r.use_territorial,
                r.note,
            )
        )
    return rules


def _dispatch_suggestion(
    session: Session, case: Case, category: Category | None, confidence: float, threshold: float
) -> CaseSuggestion:
    territorial = org.department(session, case.territorial_department_id)
    place = rec.Place(
        case.division_code,
        territorial.code if territorial else None,
        territorial.name if territorial else None,
    )
    info = catalogue.category_named(session, category[0]) if category else None
    candidates = rec.recommend(
        _rules(session),
        category_code=category[0] if category else None,
        category_lineage=tuple(catalogue.ancestor_codes(session, info.id)) if info else (),
        category_name=category[1] if category else None,
        category_name_en=info.name_en if info else None,
        category_confidence=confidence,
        place=place,
    )
    best = candidates[0].score if candidates else 0.0
    payload: dict[str, Any] = {
        "candidates": [c.as_dict() for c in candidates],
        "category": category[0] if category else None,
        "division_code": case.division_code,
    }
    if not candidates:
        payload["reasons"] = reasons.both([reasons.no_rule()])
    return _store(
        session,
        case,
        "dispatch",
        RULES_VERSION,
        payload,
        best,
        best < threshold,
        category[0] if category else None,
    )


def _duplicate_suggestion(session: Session, case: Case) -> CaseSuggestion | None:
    try:
        from zhizhi.intelligence.duplicates import DEFAULT_THRESHOLD, Appeal, find_duplicates
    except ImportError:  # pragma: no cover
        return None
    rows = cases.duplicate_candidates(
        session, case, window_days=DUPLICATES_WINDOW_DAYS, limit=DUPLICATE_CANDIDATES
    )

    def appeal(c: Any) -> Appeal:
        return Appeal(
            subject=c.subject,
            body=c.content,
            created_at=c.created_at,
            id=c.number,
            address=c.address,
            division_code=c.division_code,
            grid_code=c.grid_code,
            lat=c.latitude,
            lon=c.longitude,
        )

    matches = find_duplicates(appeal(case), [appeal(c) for c in rows], limit=5) if rows else []
    payload = {
        "candidates": [
            {
                "number": m.id,
                "score": round(m.score, 3),
                "text": round(m.text, 3),
                "place": round(m.place, 3),
                "time": round(m.time, 3),
                "reasons": list(m.reasons),
                "why": [dict(r) for r in m.why],
            }
            for m in matches
        ],
        "threshold": DEFAULT_THRESHOLD,
        "compared": len(rows),
    }
    best = matches[0].score if matches else 0.0
    return _store(session, case, "duplicates", "duplicates-v1", payload, best, bool(matches), None)


# ---- reads and decisions ---------------------------------------------------------------------------


def suggestions_for(session: Session, case_id: int) -> list[CaseSuggestion]:
    """The suggestions of a case, oldest first."""
    return repo.suggestions_for(session, case_id)


def payload_for(session: Session, principal: Principal, row: CaseSuggestion) -> dict[str, Any]:
    """A suggestion's payload as ``principal`` may see it: duplicate candidates the caller could
    not open themselves (another person's case, another department's) are left out, with their
    numbers and places."""
    payload = dict(row.payload or {})
    if row.kind != "duplicates":
        return payload
    visible = []
    for candidate in payload.get("candidates") or []:
        try:
            cases.get_case(session, principal, str(candidate.get("number")))
        except DomainError:
            continue
        visible.append(candidate)
    payload["candidates"] = visible
    return payload


def suggestions_of(session: Session, case: Case) -> list[CaseSuggestion]:
    """The suggestions of ``case``, computed now when there are none (the intake job was
    dropped or has not run yet): the API and the case page call this."""
    rows = repo.suggestions_for(session, case.id)
    if not rows:
        compute_suggestions(session, case)
        rows = repo.suggestions_for(session, case.id)
    return rows


def latest(session: Session, case_id: int, kind: str) -> CaseSuggestion | None:
    return repo.latest_suggestion(session, case_id, kind)


def record_dispatch_decision(
    session: Session, case: Case, principal: Principal, lead_code: str, reason: str | None
) -> None:
    suggestion = latest(session, case.id, "dispatch")
    if suggestion is None or suggestion.status != "pending":
        return
    candidates = suggestion.payload.get("candidates") or []
    top = candidates[0]["lead_department"] if candidates else None
    suggestion.status = "accepted" if top == lead_code else "overridden"
    suggestion.decided_by_id, suggestion.decided_at = principal.user_id or None, clock.now()
    texts, suggestion.personal_text = freetext.mask({"decision_reason": reason}, suggestion.personal_text)
    suggestion.decision_reason = texts["decision_reason"]
    suggestion.decision = {"lead_department": lead_code, "suggested": top}
    audit.record(
        session,
        f"ai.decision.{suggestion.status}",
        principal.actor,
        object_type="case",
        object_id=case.number,
        kind="dispatch",
        suggested=top,
        chosen=lead_code,
        reason=suggestion.decision_reason,
    )


def record_merge_decision(session: Session, case: Case, principal: Principal, parent: str) -> None:
    suggestion = latest(session, case.id, "duplicates")
    if suggestion is None or suggestion.status != "pending":
        return
    numbers = [c["number"] for c in suggestion.payload.get("candidates", [])]
    suggestion.status = "accepted" if parent in numbers else "overridden"
    suggestion.decided_by_id, suggestion.decided_at = principal.user_id or None, clock.now()
    suggestion.decision = {"parent": parent}


def acceptance_rates(session: Session) -> list[dict[str, Any]]:
    stats: dict[str | None, dict[str, int]] = {}
    for code, status, count in repo.decided_dispatch_counts(session):
        stats.setdefault(code, {"accepted": 0, "overridden": 0})[status] = int(count)
    return [
        {
            "category": code,
            "accepted": s["accepted"],
            "overridden": s["overridden"],
            "decided": s["accepted"] + s["overridden"],
            "acceptance_rate": round(s["accepted"] / (s["accepted"] + s["overridden"]), 4),
        }
        for code, s in sorted(stats.items(), key=lambda kv: kv[0] or "")
    ]


def review_queue(session: Session, limit: int = 100) -> list[tuple[CaseSuggestion, str]]:
    """Low-confidence suggestions waiting for a person, newest first, with their case numbers."""
    rows = repo.review_queue(session, limit)
    numbers = cases.case_numbers(session, [r.case_id for r in rows])
    return [(r, numbers[r.case_id]) for r in rows if r.case_id in numbers]


# ---- the dispatch catalogue (派单目录): the API and the administration page call these ---------


def active_rules(session: Session) -> list[DispatchRule]:
    """Active rules in the order they are tried (priority, then id)."""
    return repo.active_rules(session)


def describe_rule(session: Session, rule: DispatchRule) -> dict[str, Any]:
    """A rule with codes instead of ids (the API's ``RuleOut``)."""
    depts = org.departments_by_ids(
        session, [i for i in [rule.lead_department_id, *rule.co_department_ids] if i]
    )
    cat = catalogue.category_info(session, rule.category_id) if rule.category_id else None
    lead = depts.get(rule.lead_department_id) if rule.lead_department_id else None
    return {
        "id": rule.id,
        "priority": rule.priority,
        "category": cat.code if cat else None,
        "division_prefix": rule.division_prefix,
        "lead_department": lead.code if lead else None,
        "co_departments": [depts[i].code for i in rule.co_department_ids if i in depts],
        "use_territorial": rule.use_territorial,
        "note": rule.note,
    }


def _dept_id(session: Session, code: str, field: str) -> int:
    dept = org.find_department(session, code)
    if dept is None:
        raise ValidationFailed(f"部门 {code} 不存在", f"unknown department {code}", field=field)
    return dept.id


def create_dispatch_rule(
    session: Session,
    *,
    priority: int,
    category: str | None,
    division_prefix: str,
    lead_department: str | None,
    co_departments: list[str],
    use_territorial: bool,
    note: str | None,
    actor: audit.Actor,
) -> DispatchRule:
    """Add a rule (validated: an area prefix of up to 12 digits, a lead unless 属地, known
    category and units); audited."""
    division_prefix, note = division_prefix.strip(), (note or "").strip() or None
    if not (division_prefix.isdigit() or division_prefix == "") or len(division_prefix) > 12:
        raise ValidationFailed(
            "区划代码前缀为最多 12 位数字", "the area prefix is up to 12 digits", field="division_prefix"
        )
    if note is not None and len(note) > 200:
        raise ValidationFailed("说明最多 200 字", "the note is at most 200 characters", field="note")
    if not 0 <= priority <= 100_000:
        raise ValidationFailed(
            "优先级应为 0–100000 的整数", "the priority is a whole number 0–100000", field="priority"
        )
    if not use_territorial and not lead_department:
        raise ValidationFailed(
            "非属地规则必须指定主办单位",
            "a non-territorial rule needs a lead department",
            field="lead_department",
        )
    category_id = None
    if category:
        cat = catalogue.find_category(session, category)
        if cat is None:
            raise ValidationFailed(
                f"分类 {category} 不存在", f"unknown category {category}", field="category"
            )
        category_id = cat.id
    texts, personal = freetext.mask({"note": note})
    note = texts["note"]
    rule = DispatchRule(
        priority=priority,
        category_id=category_id,
        division_prefix=division_prefix,
        lead_department_id=_dept_id(session, lead_department, "lead_department") if lead_department else None,
        co_department_ids=[_dept_id(session, c, f"co_departments.{i}") for i, c in enumerate(co_departments)],
        use_territorial=use_territorial,
        note=note,
        personal_text=personal,
        active=True,
    )
    repo.add_rule(session, rule)
    audit.record(
        session,
        "catalogue.dispatch_rule_created",
        actor,
        object_type="dispatch_rule",
        object_id=rule.id,
        priority=priority,
        category=category,
        division_prefix=division_prefix,
        lead_department=lead_department,
        co_departments=list(co_departments),
        use_territorial=use_territorial,
        note=note,
    )
    return rule


def retire_dispatch_rule(session: Session, rule_id: int, *, actor: audit.Actor) -> DispatchRule:
    """Deactivate an active rule (404 when unknown or already retired); audited."""
    rule = repo.rule(session, rule_id) if 1 <= rule_id < 2**31 else None
    if rule is None or not rule.active:
        raise NotFound(f"派单规则 {rule_id} 不存在", f"dispatch rule {rule_id} not found", field="rule_id")
    rule.active = False
    session.flush()
    audit.record(
        session,
        "catalogue.dispatch_rule_retired",
        actor,
        object_type="dispatch_rule",
        object_id=rule_id,
    )
    return rule
