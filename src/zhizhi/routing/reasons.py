"""The reasons of AI suggestions as catalogue messages with values (docs/i18n.md).

A reason is stored as ``{"key": "ai.reason.…", "values": {…}}`` (``ui.i18n.message``); a value is
text, a number, or a name in both languages (a category path, a unit).  The payload keeps the
list under ``"keys"`` beside the ``"zh"`` and ``"en"`` texts rendered from the catalogues when
the suggestion is stored (the API's contract), and the case page renders ``"keys"`` in the page's
language.  No sentence is built in code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zhizhi.cases.enums import LABELS, AppealType
from zhizhi.catalogue.enums import URGENCY_LABELS, Urgency
from zhizhi.ui import i18n
from zhizhi.ui.i18n import N_, message

LOCALE = Path(__file__).parent / "locale"
MAX_NAMED = 6


def text(reason: Mapping[str, Any] | str, lang: str) -> str:
    if isinstance(reason, str):  # stored before reasons were messages
        return reason
    return i18n.render(reason, lang, LOCALE)


def both(reasons: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The stored form: the messages and their texts in both languages."""
    return {
        "zh": [text(r, "zh") for r in reasons],
        "en": [text(r, "en") for r in reasons],
        "keys": [dict(r) for r in reasons],
    }


def in_lang(stored: Any, lang: str) -> list[str]:
    """The texts of stored reasons in ``lang`` (messages when kept, else the stored texts)."""
    if isinstance(stored, Mapping):
        if stored.get("keys"):
            return [text(r, lang) for r in stored["keys"]]
        return [str(r) for r in stored.get(lang) or stored.get("zh") or []]
    return [text(r, lang) if isinstance(r, Mapping) else str(r) for r in stored or []]


def names(zh: Sequence[str], en: Sequence[str]) -> dict[str, str]:
    """A list of names as one value (the first :data:`MAX_NAMED`, then 等 / …)."""
    more = len(zh) > MAX_NAMED
    return {
        "zh": "、".join(zh[:MAX_NAMED]) + ("等" if more else ""),
        "en": ", ".join(en[:MAX_NAMED]) + (" …" if more else ""),
    }


def classification(
    path: Mapping[str, str],
    confidence: float,
    terms: Sequence[str],
    rolled: tuple[Sequence[str], Sequence[str]],
    low: bool,
    *,
    city_model: bool = True,
) -> list[dict[str, Any]]:
    out = []
    pct = f"{confidence:.0%}"
    if terms:
        words = {"zh": "”“".join(terms), "en": ", ".join(terms)}
        key = N_("ai.reason.words_city") if city_model else N_("ai.reason.words_general")
        out.append(message(key, terms=words, path=dict(path)))
    out.append(message(N_("ai.reason.unsure") if low else N_("ai.reason.sure"), pct=pct))
    if rolled[0]:
        out.append(message(N_("ai.reason.not_enough"), names=names(*rolled)))
    if not city_model:
        out.append(message(N_("ai.reason.general_model")))
    return out


def plain_type(appeal_type: str, urgency: str) -> dict[str, Any]:
    kind = LABELS.get(AppealType(appeal_type)) if appeal_type in {t.value for t in AppealType} else None
    level = URGENCY_LABELS.get(Urgency(urgency)) if urgency in {u.value for u in Urgency} else None
    return message(
        N_("ai.reason.type"),
        type={"zh": kind[0], "en": kind[1].lower()} if kind else appeal_type,
        urgency={"zh": level[0], "en": level[1].lower()} if level else urgency,
    )


def no_rule() -> dict[str, Any]:
    return message(N_("ai.reason.no_rule"))


def dispatch(
    *,
    territorial: bool,
    unit: Mapping[str, str],
    inherited_from: str | None,
    rule_id: int,
    priority: int,
) -> dict[str, Any]:
    if territorial:
        key = N_("ai.reason.territorial_inherited") if inherited_from else N_("ai.reason.territorial")
    else:
        key = N_("ai.reason.catalogue_inherited") if inherited_from else N_("ai.reason.catalogue")
    return message(key, unit=dict(unit), parent=inherited_from or "", rule=rule_id, priority=priority)


def category(name: Mapping[str, str] | None, confidence: float) -> dict[str, Any]:
    pct = f"{confidence:.0%}"
    if name is None:
        return message(N_("ai.reason.no_category"), pct=pct)
    return message(N_("ai.reason.category"), name=dict(name), pct=pct)


def note(text_: str) -> dict[str, Any]:
    return message(N_("ai.reason.note"), note=text_)
