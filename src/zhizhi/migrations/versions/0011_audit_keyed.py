"""keyed audit chain: each entry records the id of its HMAC-SM3 key

* ``audit_log.key_id``: the key's id in the key file outside the database
  (``ZHIZHI_AUDIT_KEY_FILE``, :mod:`zhizhi.core.auditkey`); NULL marks a legacy entry chained
  with plain SM3 before this revision.

Legacy entries are re-chained under the active key by ``zhizhi audit rekey`` (it first checks
the legacy SM3 chain, then rewrites every hash; docs/audit.md).  The migration itself needs no
key, so a database can be upgraded before the key file is installed; the platform refuses to
start while the chain's newest entry is unkeyed.

Revision ID: 0011
Revises: 0008 (the lead re-chains at the merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("key_id")
