"""notifications: the outbox of text messages, message templates, citizens' sign-in codes and sessions

* ``outbox_messages``: one row per message (phone and body SM4-GCM envelopes, the phone's blind
  index), its delivery state (status, attempts, next attempt, last error, the gateway's id) and
  an idempotency key sent with every attempt;
* ``message_templates``: administrators' wording per kind (the built-in wording otherwise);
* ``citizen_login_codes``: keyed hashes of one-time codes (5 minutes, single use);
* ``citizen_sessions``: signed-in citizens (SHA-256 of the cookie's token, the phone encrypted).

Revision ID: 0017_notify
Revises: 0011 (the lead re-chains at the merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0017_notify"
down_revision = "0017_attach"
branch_labels = None
depends_on = None

_KINDS = "'accepted', 'replied', 'reopened', 'dispatched', 'warning', 'supervised', 'login_code'"
_STATUSES = "'pending', 'sent', 'delivered', 'failed'"


def _time(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, zhizhi.core.db.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True, unique=True),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("phone_index", sa.String(length=32), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
        sa.Column("case_number", sa.String(length=20), nullable=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _time("next_attempt_at"),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("provider_id", sa.String(length=80), nullable=True),
        _time("created_at"),
        _time("sent_at", True),
        _time("delivered_at", True),
        sa.CheckConstraint(f"kind IN ({_KINDS})", name="kind"),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="status"),
    )
    op.create_index("ix_outbox_messages_due", "outbox_messages", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_messages_phone_index", "outbox_messages", ["phone_index"])
    op.create_index("ix_outbox_messages_case_id", "outbox_messages", ["case_id"])
    op.create_index("ix_outbox_messages_provider_id", "outbox_messages", ["provider_id"])
    op.create_table(
        "message_templates",
        sa.Column("kind", sa.String(length=20), primary_key=True),
        sa.Column("zh", sa.Text(), nullable=False),
        sa.Column("en", sa.Text(), nullable=False),
        _time("updated_at"),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
    )
    op.create_table(
        "citizen_login_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("phone_index", sa.String(length=32), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        _time("created_at"),
        _time("expires_at"),
        _time("used_at", True),
        sa.Column("failures", sa.Integer(), nullable=False),
    )
    op.create_index("ix_citizen_login_codes_phone_index", "citizen_login_codes", ["phone_index"])
    op.create_table(
        "citizen_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("phone_index", sa.String(length=32), nullable=False),
        _time("created_at"),
        _time("expires_at"),
        _time("revoked_at", True),
    )
    op.create_index("ix_citizen_sessions_phone_index", "citizen_sessions", ["phone_index"])


def downgrade() -> None:
    op.drop_table("citizen_sessions")
    op.drop_table("citizen_login_codes")
    op.drop_table("message_templates")
    op.drop_table("outbox_messages")
