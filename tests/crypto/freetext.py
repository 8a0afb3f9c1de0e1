"""Helpers of the free-text tests (issue 12): what a table holds at rest, and in the audit trail."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from zhizhi.core.db import get_engine

PHONE = "13907311234"
ID_NUMBER = "430104199001011230"
SAID = f"联系人电话 {PHONE}，身份证 {ID_NUMBER}"
MASKED = "联系人电话 139****1234，身份证 430104********1230"


def at_rest(table: str, row_id: int) -> dict[str, Any]:
    with get_engine().connect() as conn:
        row = conn.execute(text(f"SELECT * FROM {table} WHERE id = :i"), {"i": row_id}).mappings().one()
    return dict(row)


def assert_no_plaintext(table: str, row_id: int) -> dict[str, Any]:
    """The stored row holds neither the phone nor the ID number; its ``personal_text`` is an
    SM4-GCM envelope. Returns the row."""
    row = at_rest(table, row_id)
    dumped = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
    assert PHONE not in dumped and ID_NUMBER not in dumped, dumped
    assert str(row["personal_text"]).startswith("sm4g:"), row["personal_text"]
    return row


def audit_has_plaintext() -> bool:
    with get_engine().connect() as conn:
        rows = conn.execute(text("SELECT detail FROM audit_log")).all()
        rows += conn.execute(text("SELECT detail FROM audit_inbox")).all()  # PostgreSQL: not yet sealed
    dumped = json.dumps([str(r[0]) for r in rows], ensure_ascii=False)
    return PHONE in dumped or ID_NUMBER in dumped
