"""What of the cases capability is encrypted at rest or blind-indexed, for the ``keys`` rotations
(docs/crypto.md)."""

from __future__ import annotations

from zhizhi.cases.models import Case, CaseEvent
from zhizhi.core import fieldcrypt

ENCRYPTED_COLUMNS = fieldcrypt.encrypted_columns(Case)


BLIND_INDEXES = fieldcrypt.BlindIndexes(
    "cases",
    "contact_phone",
    "cases.contact_phone",
    {"contact_phone_index": fieldcrypt.phone_index, "contact_phone_tail": fieldcrypt.phone_tail_index},
)
EVENT_ENCRYPTED_COLUMNS = fieldcrypt.encrypted_columns(CaseEvent)  # 0017: the timeline's words as given
