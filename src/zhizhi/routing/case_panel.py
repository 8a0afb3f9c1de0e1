"""AI suggestions on the workbench's case page (AI 建议（需人工确认）): read, computed when
missing, shaped for the template (``routing/case_panel.html``), with the dispatch forms
pre-filled and the merge form offered the duplicate candidates.  The page only proposes: a
person chooses the unit or the case to merge into.  Registered with the case page by the
routing manifest's install hook (``cases.pages.panels``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases.pages.panels import CasePanel, FieldHint, PanelView
from zhizhi.cases.service import Case
from zhizhi.catalogue import service as catalogue
from zhizhi.core.principal import Principal
from zhizhi.routing import reasons
from zhizhi.routing import service as routing

LABEL = ("AI 建议（需人工确认）", "AI suggestion (a person decides)")


def _pair(stored: Any) -> tuple[list[str], list[str]]:
    """Stored reasons in Chinese and in English (the template picks the page's language)."""
    return reasons.in_lang(stored, "zh"), reasons.in_lang(stored, "en")


def _category_label(session: Session, key: str) -> tuple[str, str | None]:
    """A probability's key (a category code, or a general model's label) as the tree's path,
    in Chinese and in English (``None``: a label outside the tree, shown as it is)."""
    info = catalogue.category_named(session, key)
    if info is None:
        return key, None
    return catalogue.category_path(session, info.id), catalogue.category_path(session, info.id, "en")


def panel(session: Session, principal: Principal, case: Case) -> dict[str, Any]:
    """The suggestions of ``case`` by kind (``classification``, ``dispatch``, ``duplicates``), as
    ``principal`` may see them: duplicate candidates they could not open are left out."""
    rows = routing.suggestions_of(session, case)  # computed now if the intake job has not run
    out: dict[str, Any] = {}
    for row in rows:  # ordered by id: the newest of each kind wins
        p = routing.payload_for(session, principal, row)
        item: dict[str, Any] = {
            "confidence": round(100.0 * row.confidence, 1),
            "needs_review": row.needs_review,
            "status": row.status,
            "model_version": row.model_version,
        }
        if row.kind == "classification":
            item["category"] = p.get("category_path") or p.get("category")
            code = p.get("category_code")
            item["category_pair"] = _category_label(session, str(code)) if code else (item["category"], None)
            item["category_code"] = p.get("category_code")
            item["probabilities"] = [
                (_category_label(session, str(k)), round(100.0 * float(v), 1))
                for k, v in (p.get("probabilities") or {}).items()
            ]
            item["reasons_zh"], item["reasons_en"] = _pair(p.get("reasons"))
        elif row.kind == "dispatch":
            item["candidates"] = [
                {
                    "code": c.get("lead_department"),
                    "name": c.get("lead_name") or c.get("lead_department"),
                    "co": list(c.get("co_departments") or []),
                    "score": round(100.0 * float(c.get("score") or 0.0), 1),
                    "reasons": _pair(c.get("reasons")),
                }
                for c in p.get("candidates") or []
            ]
            item["reasons_zh"], item["reasons_en"] = _pair(p.get("reasons"))
        elif row.kind == "duplicates":
            item["candidates"] = [
                {
                    "number": str(c.get("number")),
                    "score": round(100.0 * float(c.get("score") or 0.0), 1),
                    "reasons": _pair(c.get("why") or c.get("reasons")),
                }
                for c in p.get("candidates") or []
            ]
        out[row.kind] = item
    return out


def prefill(ai: dict[str, Any], actions: list[str]) -> dict[str, dict[str, str]]:
    """Initial form values: the top dispatch candidate's lead unit (the person may change it)."""
    forms: dict[str, dict[str, str]] = {}
    code = (ai.get("classification") or {}).get("category_code")
    if code:  # the workbench replaces it with the case's own category when it has one
        for action in ("accept", "dispatch", "close"):
            if action in actions:
                forms[action] = {"category": str(code)}
    candidates = (ai.get("dispatch") or {}).get("candidates") or []
    if candidates and candidates[0]["code"]:
        for action in ("dispatch", "redispatch"):
            if action in actions:
                forms.setdefault(action, {})["lead_department"] = str(candidates[0]["code"])
    return forms


def merge_candidates(ai: dict[str, Any]) -> list[str]:
    return [c["number"] for c in (ai.get("duplicates") or {}).get("candidates") or []]


def view(session: Session, principal: Principal, case: Case, actions: list[str]) -> PanelView:
    ai = panel(session, principal, case)
    hints: dict[str, FieldHint] = {}
    candidates = (ai.get("dispatch") or {}).get("candidates") or []
    if candidates:
        # the unit pickers show these codes on top (cases/pages: the AI's candidates first)
        leads = tuple(str(c["code"]) for c in candidates if c.get("code"))
        co = tuple(dict.fromkeys(str(d) for c in candidates for d in c.get("co") or []))
        for a in ("dispatch", "redispatch"):
            hints[f"{a}.lead_department"] = FieldHint("ai.prefilled", leads, "ai-units")
            if co:
                hints[f"{a}.co_departments"] = FieldHint("unit.ai", co, "ai-co-units")
    if (ai.get("classification") or {}).get("category_code"):
        hints |= {
            f"{a}.category": FieldHint("ai.prefilled_category") for a in ("accept", "dispatch", "close")
        }
    numbers = merge_candidates(ai)
    if numbers:
        hints["merge.parent"] = FieldHint("ai.merge_hint", tuple(numbers), "merge-candidates")
    return PanelView(values={"ai": ai, "ai_label": LABEL}, prefill=prefill(ai, actions), hints=hints)


CASE_PANEL = CasePanel("ai_suggestions", "routing/case_panel.html", view)
