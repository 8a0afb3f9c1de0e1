"""Personal data in free text outside cases (reasons, notes, purposes): masked at rest like an
appeal's words, the words as given kept encrypted (docs/crypto.md, "Free text outside cases").

A row with staff's or citizens' free text stores each text with phone numbers, ID numbers (with
checksum), bank cards and plates masked (``core.masking.redact_text``), for every view and for
the audit entry that records the write; its ``personal_text`` column (SM4, ``EncryptedText``,
re-encrypted by ``zhizhi keys rotate``) holds the JSON ``{field: words as given}`` of the fields
that masking changed, and nothing when none did. Pure logic, no database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from zhizhi.core.masking import redact_text


def given(personal_text: str | None) -> dict[str, str]:
    """The words as given (only the fields masking changed); ``{}`` when none."""
    if not personal_text:
        return {}
    try:
        value = json.loads(personal_text)
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def mask(
    texts: Mapping[str, str | None], personal_text: str | None = None
) -> tuple[dict[str, Any], str | None]:
    """``(masked texts, personal_text)``: each text of ``texts`` masked, and the JSON of the words
    as given merged into the row's earlier ``personal_text`` (a field written again drops its
    earlier original)."""
    words = {k: v for k, v in given(personal_text).items() if k not in texts}
    masked: dict[str, Any] = {}
    for name, text in texts.items():
        masked[name] = redact_text(text) if text else text
        if text and masked[name] != text:
            words[name] = text
    return masked, (json.dumps(words, ensure_ascii=False, sort_keys=True) if words else None)


def revealed(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """``{field: value}`` of ``row`` with the words as given, for a reader of personal data."""
    words = given(getattr(row, "personal_text", None))
    return {n: words.get(n, getattr(row, n)) for n in names}
