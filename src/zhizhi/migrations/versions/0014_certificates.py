"""certificates: the electronic certificate library (电子证照) and departments' SM2 public keys

* ``certificates``: one row per certificate (type, number, holder, issuer, jurisdiction,
  validity, fields, trust grade, SM3 digest, SM2 signature of A-grade ones, revocation).
* ``certificate_keys``: each department's SM2 public keys by key id (private keys live in the
  key store outside the database, docs/certificates.md).

Revision ID: 0014
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

revision = "0014"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = zhizhi.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "certificate_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("retired_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_certificate_keys_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_certificate_keys_key_id")),
    )
    op.create_index(op.f("ix_certificate_keys_department_id"), "certificate_keys", ["department_id"])
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("holder_kind", sa.String(length=12), nullable=False),
        sa.Column("holder_name", sa.String(length=120), nullable=False),
        sa.Column("holder_id", sa.String(length=18), nullable=False),
        sa.Column("issuer_id", sa.Integer(), nullable=False),
        sa.Column("issuer_code", sa.String(length=40), nullable=False),
        sa.Column("issuer_name", sa.String(length=120), nullable=False),
        sa.Column("jurisdiction", sa.String(length=12), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("issued_at", UTC, nullable=False),
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=True),
        sa.Column("signature", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("revoke_reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint("grade IN ('A', 'B', 'C', 'D')", name=op.f("ck_certificates_grade")),
        sa.CheckConstraint("status IN ('valid', 'revoked')", name=op.f("ck_certificates_status")),
        sa.CheckConstraint(
            "holder_kind IN ('person', 'organisation')", name=op.f("ck_certificates_holder_kind")
        ),
        sa.CheckConstraint(
            "(grade = 'A' AND signature IS NOT NULL AND key_id IS NOT NULL) OR "
            "(grade <> 'A' AND signature IS NULL AND key_id IS NULL)",
            name=op.f("ck_certificates_signed_iff_a"),
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_certificates_validity")
        ),
        sa.CheckConstraint(
            "(status = 'revoked') = (revoked_at IS NOT NULL AND revoke_reason IS NOT NULL)",
            name=op.f("ck_certificates_revoked"),
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"], ["departments.id"], name=op.f("fk_certificates_issuer_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    op.create_index(op.f("ix_certificates_type"), "certificates", ["type"])
    op.create_index(op.f("ix_certificates_holder_id"), "certificates", ["holder_id"])
    op.create_index(op.f("ix_certificates_issuer_id"), "certificates", ["issuer_id"])


def downgrade() -> None:
    op.drop_table("certificates")
    op.drop_table("certificate_keys")
