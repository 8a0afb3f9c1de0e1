"""Staff's free text on the timeline (reasons, notes, replies, co-unit replies, rating comments):
masked at rest like an appeal's words, the words as given kept encrypted (docs/crypto.md).

``case_events.reason`` (and a reply in the payload) holds the text with phones, ID numbers, bank
cards and plates masked, for every view; ``case_events.personal_text`` holds, encrypted, the JSON
``{"reason": …, "reply": …}`` of the words as given, only the keys that masking changed, and only
readers of personal data see them (audited, ``service.timeline``). Pure logic, no database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from zhizhi.core.masking import redact_text


def mask(reason: str | None, originals: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """``(masked reason, personal_text)``: the reason to store, and the JSON of the words as given
    (``originals``: a payload's text the handler masked) when masking changed anything."""
    given = dict(originals or {})
    masked = reason
    if reason:
        masked = redact_text(reason)
        if masked != reason:
            given["reason"] = reason
    return masked, (json.dumps(given, ensure_ascii=False, sort_keys=True) if given else None)


def given(personal_text: str | None) -> dict[str, Any]:
    """The words as given (``{"reason", "reply"}``, only those masking changed); ``{}`` if none."""
    if not personal_text:
        return {}
    try:
        value = json.loads(personal_text)
    except ValueError:  # an unreadable envelope (integrity check): never equal to a sealed value
        return {"unreadable": personal_text}
    return value if isinstance(value, dict) else {"unreadable": personal_text}


def revealed(
    reason: str | None, payload: dict[str, Any], personal_text: str | None
) -> tuple[str | None, dict[str, Any]]:
    """Reason and payload as given, for a reader of personal data."""
    words = given(personal_text)
    if not words:
        return reason, payload
    out = dict(payload)
    if "reply" in words and "reply" in out:
        out["reply"] = words["reply"]
    return words.get("reason", reason), out
