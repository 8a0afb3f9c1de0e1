"""service ratings' free text: the words as given, encrypted (core.freetext)

* ``personal_text`` (SM4-GCM envelope of ``{field: words as given}``, re-encrypted by
  ``zhizhi keys rotate``) on ``service_ratings`` (the comment) and ``service_rectifications``
  (the verification and the result), where masking changed the words (docs/services.md).
  Rows written before kept only the masked words: there is nothing to recover, the column stays
  empty for them.
* ``citizen_sessions.user_id``: the public account a /my session was opened with (signed in with
  its password), so the portal's pages (bundles, apply) know the account — and its verified ID
  number for 免提交 — without asking for the password again; empty for an SMS-code session.

Revision ID: 0019_svcprefill
Revises: 0018_window
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_svcprefill"
down_revision = "0019_svcpdf"
branch_labels = None
depends_on = None

TABLES = ("service_ratings", "service_rectifications")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("personal_text", sa.Text(), nullable=True))
    op.add_column("citizen_sessions", sa.Column("user_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("citizen_sessions") as batch:
        batch.drop_column("user_id")
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("personal_text")
