"""workbench: search indexes, saved queues, pinyin initials of departments

* ``cases``: b-tree indexes for the search's equality and range filters (grid, channel, number
  and phone); on PostgreSQL the pg_trgm extension and GIN trigram indexes for the ``ILIKE``
  searches of subject, content, address and the last digits of the phone (SQLite: plain
  indexes only, its scans of the scoped rows are what it has).
* ``saved_queues``: a user's own named filters.
* ``departments.pinyin_initials``: the initials of the name (长沙市公安局 → cssgaj) for the unit
  picker's typeahead, computed when a department is written; filled here for existing rows.

Revision ID: 0009
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.dialects.postgresql
from alembic import op

import zhizhi.core.db

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None

_TRGM = {
    "ix_cases_subject_trgm": "subject",
    "ix_cases_content_trgm": "content",
    "ix_cases_address_trgm": "address",
    "ix_cases_phone_trgm": "contact_phone",
}


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("departments", sa.Column("pinyin_initials", sa.String(length=120), nullable=True))
    from zhizhi.org.pinyin import initials  # computed as the application computes it

    rows = bind.execute(sa.text("SELECT id, name FROM departments")).all()
    for dept_id, name in rows:
        bind.execute(
            sa.text("UPDATE departments SET pinyin_initials = :p WHERE id = :i"),
            {"p": initials(name), "i": dept_id},
        )
    op.create_table(
        "saved_queues",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column(
            "query",
            sa.JSON().with_variant(sa.dialects.postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "name", name="uq_saved_queues_user_name"),
    )
    op.create_index("ix_cases_grid_code", "cases", ["grid_code", "created_at"])
    op.create_index("ix_cases_channel_created", "cases", ["channel", "created_at"])
    op.create_index("ix_cases_contact_phone", "cases", ["contact_phone"])
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in _TRGM.items():
            op.execute(f"CREATE INDEX {name} ON cases USING gin ({column} gin_trgm_ops)")
        op.execute("CREATE INDEX ix_cases_number_pattern ON cases (number varchar_pattern_ops)")
        op.execute("CREATE INDEX ix_cases_division_created ON cases (division_code varchar_pattern_ops)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for name in [*_TRGM, "ix_cases_number_pattern", "ix_cases_division_created"]:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_cases_contact_phone", table_name="cases")
    op.drop_index("ix_cases_channel_created", table_name="cases")
    op.drop_index("ix_cases_grid_code", table_name="cases")
    op.drop_table("saved_queues")
    with op.batch_alter_table("departments") as batch:
        batch.drop_column("pinyin_initials")
