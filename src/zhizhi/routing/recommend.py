"""Dispatch recommendation from the dispatch catalogue (派单目录) — pure logic, no database.

Rules are tried by ascending priority (ordered routing rules, as in Signalen). A rule matches when
its category is the case's or one of its ancestors (or empty; the nearest ancestor's rules are
tried first: rules inherit down the tree) and its division prefix is a prefix of the case's
division code (or empty). Its lead is a fixed department or, for territorial rules (属地管理), the unit
responsible for the case's place. Confidence combines how specific the matching rule is with the
confidence of the category itself (1.0 when a person chose it, the classifier's otherwise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zhizhi.routing import reasons


@dataclass(frozen=True, slots=True)
class Rule:
    id: int
    priority: int
    category_code: str | None
    division_prefix: str
    lead_code: str | None
    lead_name: str | None
    co_codes: tuple[str, ...]
    use_territorial: bool
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    division_code: str | None = None
    territorial_code: str | None = None  # department responsible for the place
    territorial_name: str | None = None


@dataclass(slots=True)
class Candidate:
    lead_code: str
    lead_name: str
    co_codes: list[str]
    score: float
    rule_id: int
    reasons: list[dict[str, Any]] = field(default_factory=list)  # messages (routing.reasons)

    def as_dict(self) -> dict[str, object]:
        return {
            "lead_department": self.lead_code,
            "lead_name": self.lead_name,
            "co_departments": self.co_codes,
            "score": round(self.score, 3),
            "rule_id": self.rule_id,
            "reasons": reasons.both(self.reasons),
        }


def _specificity(rule: Rule) -> float:
    score = 0.55
    if rule.category_code:
        score += 0.3
    if rule.division_prefix:
        score += 0.1 + 0.005 * len(rule.division_prefix)
    return min(score, 0.99)


def recommend(
    rules: list[Rule],
    *,
    category_code: str | None,
    category_name: str | None,
    category_confidence: float,
    category_name_en: str | None = None,
    place: Place,
    limit: int = 3,
    category_lineage: tuple[str, ...] = (),
) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[str] = set()
    division = place.division_code or ""
    lineage = category_lineage or ((category_code,) if category_code else ())
    distance = {code: i for i, code in enumerate(lineage)}  # 0: the category itself

    def order(r: Rule) -> tuple[int, int, int]:
        return (
            distance.get(r.category_code, len(lineage)) if r.category_code else len(lineage),
            r.priority,
            r.id,
        )

    for rule in sorted(rules, key=order):
        if rule.category_code and rule.category_code not in distance:
            continue
        if rule.division_prefix and not division.startswith(rule.division_prefix):
            continue
        if rule.use_territorial:
            if not place.territorial_code:
                continue
            lead, lead_name = place.territorial_code, place.territorial_name or place.territorial_code
        else:
            if not rule.lead_code:
                continue
            lead, lead_name = rule.lead_code, rule.lead_name or rule.lead_code
        if lead in seen:
            continue
        seen.add(lead)
        inherited = rule.category_code if rule.category_code and rule.category_code != category_code else None
        en = category_name_en or category_code or ""
        names = {"zh": category_name, "en": en} if category_name else None
        why = [
            reasons.category(names, category_confidence),
            reasons.dispatch(
                territorial=rule.use_territorial,
                unit={"zh": lead_name, "en": lead},
                inherited_from=inherited,
                rule_id=rule.id,
                priority=rule.priority,
            ),
        ]
        if rule.note:
            why.append(reasons.note(rule.note))
        score = _specificity(rule) * (category_confidence if rule.category_code else 1.0)
        out.append(
            Candidate(
                lead,
                lead_name,
                [c for c in rule.co_codes if c != lead],
                score,
                rule.id,
                why,
            )
        )
        if len(out) >= limit:
            break
    return out
