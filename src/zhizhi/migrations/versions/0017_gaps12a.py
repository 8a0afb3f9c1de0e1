"""consuming systems managed: secret rotation, retirement, an optional client certificate

* ``sharing_clients``: ``secret_rotated_at``, ``retired_at`` / ``retired_by`` (a retired system
  gets no token and its tokens are deleted), ``cert_sha256`` (the SHA-256 fingerprint of the
  client certificate a mutual-TLS proxy verified: when set, a token request must come with it).
* ``ix_sharing_exchange_log_client_at``: a system's last calls and last call time.

Revision ID: 0017_gaps12a
Revises: 0017_open311
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0017_gaps12a"
down_revision = "0017_gaps11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sharing_clients") as batch:
        batch.add_column(
            sa.Column("secret_rotated_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("retired_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("retired_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("cert_sha256", sa.String(length=64), nullable=True))
    op.create_index("ix_sharing_exchange_log_client_at", "sharing_exchange_log", ["client_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_sharing_exchange_log_client_at", table_name="sharing_exchange_log")
    with op.batch_alter_table("sharing_clients") as batch:
        batch.drop_column("cert_sha256")
        batch.drop_column("retired_by")
        batch.drop_column("retired_at")
        batch.drop_column("secret_rotated_at")
