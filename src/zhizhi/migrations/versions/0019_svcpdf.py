"""applications' own text messages: eight new kinds of outbox message

``outbox_messages.kind`` gains the applicant's messages of a service application (受理, 不予受理,
补正告知, 特别程序, 延期, 准予, 不予许可, 送达; docs/services.md "Text messages"). Only the
CHECK constraint changes; no row is rewritten.

Revision ID: 0019_svcpdf
Revises: 0018_window
"""

from __future__ import annotations

import re

from alembic import op

from zhizhi.migrations import sqlite_schema

revision = "0019_svcpdf"
down_revision = "0018_window"
branch_labels = None
depends_on = None

_BEFORE = "'accepted', 'replied', 'reopened', 'dispatched', 'warning', 'supervised', 'login_code'"
_APPLICATION = (
    "'app_accepted', 'app_not_accepted', 'app_supplement', 'app_special', 'app_extended', "
    "'app_approved', 'app_denied', 'app_delivered'"
)


def _kind_check(kinds: str) -> None:
    expression = f"kind IN ({kinds})"
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.drop_constraint(op.f("ck_outbox_messages_kind"), "outbox_messages", type_="check")
        op.create_check_constraint(op.f("ck_outbox_messages_kind"), "outbox_messages", expression)
        return
    # SQLite keeps a CHECK as the table's SQL text: rewritten in place (as 0018_window does for
    # users' roles), no batch copy of the table
    sql = sqlite_schema.table_sql(bind, "outbox_messages")
    changed, count = re.subn(r"kind IN \([^)]*\)", expression, sql, count=1)
    assert count == 1, "the outbox_messages table has no kind check to change"
    sqlite_schema.replace_table_sql(bind, "outbox_messages", changed)


def upgrade() -> None:
    _kind_check(f"{_BEFORE}, {_APPLICATION}")


def downgrade() -> None:
    op.execute("DELETE FROM outbox_messages WHERE kind LIKE 'app\\_%' ESCAPE '\\'")
    op.execute("DELETE FROM message_templates WHERE kind LIKE 'app\\_%' ESCAPE '\\'")
    _kind_check(_BEFORE)
