"""sharing: the data resource catalogue, requests, grants, exchange clients and log

* ``sharing_resources`` / ``sharing_fields``: the catalogue (政务数据资源目录) with each field's
  grade, personal-information kind, mask and data item (一数一源).
* ``sharing_requests`` / ``sharing_grants``: requests, decisions, what a consumer may read.
* ``sharing_clients`` / ``sharing_access_tokens``: consuming systems (OAuth2 client credentials).
* ``sharing_exchange_log``: every exchange call; ``sharing_subjects``: verified data subjects.
* ``provider_*``: the demo providers' tables served by the table adapter (人口, 营业执照, 社保, 不动产).

Revision ID: 0013
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_business_licences",
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("legal_representative", sa.String(length=40), nullable=False),
        sa.Column("legal_representative_id", sa.String(length=18), nullable=False),
        sa.Column("registered_capital", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("established", sa.Date(), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("business_scope", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("credit_code", name=op.f("pk_provider_business_licences")),
    )
    op.create_table(
        "provider_population",
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("gender", sa.String(length=2), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("ethnicity", sa.String(length=10), nullable=False),
        sa.Column("household_address", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id_number", name=op.f("pk_provider_population")),
    )
    op.create_table(
        "provider_property",
        sa.Column("certificate_no", sa.String(length=40), nullable=False),
        sa.Column("owner_id_number", sa.String(length=18), nullable=False),
        sa.Column("owner_name", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("use", sa.String(length=20), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("mortgaged", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("certificate_no", name=op.f("pk_provider_property")),
    )
    with op.batch_alter_table("provider_property", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_property_owner_id_number"), ["owner_id_number"], unique=False
        )

    op.create_table(
        "provider_social_security",
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("employer", sa.String(length=120), nullable=False),
        sa.Column("insurance_status", sa.String(length=10), nullable=False),
        sa.Column("insured_since", sa.Date(), nullable=False),
        sa.Column("months_paid", sa.Integer(), nullable=False),
        sa.Column("contribution_base", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id_number", name=op.f("pk_provider_social_security")),
    )
    op.create_table(
        "sharing_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_sharing_clients_department_id_departments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_sharing_clients_client_id")),
    )
    with op.batch_alter_table("sharing_clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sharing_clients_department_id"), ["department_id"], unique=False)

    op.create_table(
        "sharing_resources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_department_id", sa.Integer(), nullable=False),
        sa.Column("share_type", sa.String(length=16), nullable=False),
        sa.Column("source_system", sa.String(length=120), nullable=False),
        sa.Column("update_cycle", sa.String(length=16), nullable=False),
        sa.Column("adapter", sa.String(length=8), nullable=False),
        sa.Column("adapter_target", sa.String(length=300), nullable=False),
        sa.Column("key_field", sa.String(length=60), nullable=False),
        sa.Column("subject_field", sa.String(length=60), nullable=True),
        sa.Column("keywords", sa.String(length=300), nullable=False),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("adapter IN ('table', 'http')", name=op.f("ck_sharing_resources_adapter")),
        sa.CheckConstraint(
            "share_type IN ('unconditional', 'conditional', 'none')",
            name=op.f("ck_sharing_resources_share_type"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_department_id"],
            ["departments.id"],
            name=op.f("fk_sharing_resources_owner_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_resources")),
        sa.UniqueConstraint("code", name=op.f("uq_sharing_resources_code")),
    )
    with op.batch_alter_table("sharing_resources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_resources_owner_department_id"), ["owner_department_id"], unique=False
        )

    op.create_table(
        "sharing_access_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("client_pk", sa.Integer(), nullable=False),
        sa.Column("expires_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_pk"],
            ["sharing_clients.id"],
            name=op.f("fk_sharing_access_tokens_client_pk_sharing_clients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_access_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_sharing_access_tokens_token_hash")),
    )
    with op.batch_alter_table("sharing_access_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sharing_access_tokens_client_pk"), ["client_pk"], unique=False)

    op.create_table(
        "sharing_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("grade", sa.String(length=12), nullable=False),
        sa.Column("personal", sa.String(length=12), nullable=False),
        sa.Column("mask", sa.String(length=12), nullable=False),
        sa.Column("data_item", sa.String(length=80), nullable=True),
        sa.Column("authoritative", sa.Boolean(), nullable=False),
        sa.CheckConstraint("grade IN ('core', 'important', 'general')", name=op.f("ck_sharing_fields_grade")),
        sa.CheckConstraint(
            "mask IN ('none', 'name', 'id_number', 'phone', 'address')", name=op.f("ck_sharing_fields_mask")
        ),
        sa.CheckConstraint(
            "personal IN ('none', 'personal', 'sensitive')", name=op.f("ck_sharing_fields_personal")
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["sharing_resources.id"],
            name=op.f("fk_sharing_fields_resource_id_sharing_resources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_fields")),
        sa.UniqueConstraint("resource_id", "name", name="uq_sharing_fields_resource_name"),
    )
    with op.batch_alter_table("sharing_fields", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sharing_fields_data_item"), ["data_item"], unique=False)
        batch_op.create_index(batch_op.f("ix_sharing_fields_resource_id"), ["resource_id"], unique=False)

    op.create_table(
        "sharing_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("consumer_department_id", sa.Integer(), nullable=False),
        sa.Column("owner_department_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("purpose_detail", sa.String(length=500), nullable=False),
        sa.Column("legal_basis", sa.String(length=500), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("submitted_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("decided_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'refused')", name=op.f("ck_sharing_requests_status")
        ),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_sharing_requests_period")),
        sa.ForeignKeyConstraint(
            ["consumer_department_id"],
            ["departments.id"],
            name=op.f("fk_sharing_requests_consumer_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_department_id"],
            ["departments.id"],
            name=op.f("fk_sharing_requests_owner_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["sharing_resources.id"],
            name=op.f("fk_sharing_requests_resource_id_sharing_resources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_sharing_requests_number")),
    )
    with op.batch_alter_table("sharing_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_requests_consumer_department_id"), ["consumer_department_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sharing_requests_owner_department_id"), ["owner_department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sharing_requests_resource_id"), ["resource_id"], unique=False)
        batch_op.create_index("ix_sharing_requests_status_due", ["status", "due_date"], unique=False)

    op.create_table(
        "sharing_subjects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("subject_digest", sa.String(length=64), nullable=False),
        sa.Column("id_number_masked", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sharing_subjects_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_subjects")),
        sa.UniqueConstraint("user_id", name=op.f("uq_sharing_subjects_user_id")),
    )
    with op.batch_alter_table("sharing_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_subjects_subject_digest"), ["subject_digest"], unique=False
        )

    op.create_table(
        "sharing_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("consumer_department_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "plain_fields",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("valid_from", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=120), nullable=True),
        sa.Column("revoke_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["consumer_department_id"],
            ["departments.id"],
            name=op.f("fk_sharing_grants_consumer_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["sharing_requests.id"],
            name=op.f("fk_sharing_grants_request_id_sharing_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["resource_id"],
            ["sharing_resources.id"],
            name=op.f("fk_sharing_grants_resource_id_sharing_resources"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_grants")),
        sa.UniqueConstraint("request_id", name=op.f("uq_sharing_grants_request_id")),
    )
    with op.batch_alter_table("sharing_grants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sharing_grants_lookup", ["resource_id", "consumer_department_id"], unique=False
        )

    op.create_table(
        "sharing_exchange_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("consumer_department_id", sa.Integer(), nullable=False),
        sa.Column("owner_department_id", sa.Integer(), nullable=True),
        sa.Column("resource_code", sa.String(length=40), nullable=False),
        sa.Column("grant_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("record_key", sa.String(length=80), nullable=False),
        sa.Column("subject_digest", sa.String(length=64), nullable=True),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('served', 'refused', 'not_found')", name=op.f("ck_sharing_exchange_log_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["consumer_department_id"],
            ["departments.id"],
            name=op.f("fk_sharing_exchange_log_consumer_department_id_departments"),
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["sharing_grants.id"], name=op.f("fk_sharing_exchange_log_grant_id_sharing_grants")
        ),
        sa.ForeignKeyConstraint(
            ["owner_department_id"],
            ["departments.id"],
            name=op.f("fk_sharing_exchange_log_owner_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_exchange_log")),
    )
    with op.batch_alter_table("sharing_exchange_log", schema=None) as batch_op:
        batch_op.create_index("ix_sharing_exchange_log_owner_at", ["owner_department_id", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sharing_exchange_log_subject_digest"), ["subject_digest"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sharing_exchange_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_exchange_log_subject_digest"))
        batch_op.drop_index("ix_sharing_exchange_log_owner_at")

    op.drop_table("sharing_exchange_log")
    with op.batch_alter_table("sharing_grants", schema=None) as batch_op:
        batch_op.drop_index("ix_sharing_grants_lookup")

    op.drop_table("sharing_grants")
    with op.batch_alter_table("sharing_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_subjects_subject_digest"))

    op.drop_table("sharing_subjects")
    with op.batch_alter_table("sharing_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_sharing_requests_status_due")
        batch_op.drop_index(batch_op.f("ix_sharing_requests_resource_id"))
        batch_op.drop_index(batch_op.f("ix_sharing_requests_owner_department_id"))
        batch_op.drop_index(batch_op.f("ix_sharing_requests_consumer_department_id"))

    op.drop_table("sharing_requests")
    with op.batch_alter_table("sharing_fields", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_fields_resource_id"))
        batch_op.drop_index(batch_op.f("ix_sharing_fields_data_item"))

    op.drop_table("sharing_fields")
    with op.batch_alter_table("sharing_access_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_access_tokens_client_pk"))

    op.drop_table("sharing_access_tokens")
    with op.batch_alter_table("sharing_resources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_resources_owner_department_id"))

    op.drop_table("sharing_resources")
    with op.batch_alter_table("sharing_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_clients_department_id"))

    op.drop_table("sharing_clients")
    op.drop_table("provider_social_security")
    with op.batch_alter_table("provider_property", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_property_owner_id_number"))

    op.drop_table("provider_property")
    op.drop_table("provider_population")
    op.drop_table("provider_business_licences")
