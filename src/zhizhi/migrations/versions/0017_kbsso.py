"""knowledge base and OIDC staff login

* ``knowledge_articles``: articles for agents (policies, common questions) with category,
  department, tags, validity and status (draft/published/retired); ``knowledge_versions``:
  every saved text; ``knowledge_index`` and ``knowledge_index_state``: the search index's words
  and generation (written by the reindex job); ``knowledge_citations``: which case's direct
  answer cited which version (docs/knowledge.md).
* ``oidc_logins``: logins started through the identity provider (state digest, nonce, PKCE
  verifier, used once; docs/security.md).

Revision ID: 0017_kbsso
Revises: 0011 (the lead re-chains at the merge)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

revision = "0017_kbsso"
down_revision = "0017_open311"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = zhizhi.core.db.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category_code", sa.String(length=40), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.Column("published_at", UTC, nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'published', 'retired')", name=op.f("ck_knowledge_articles_status")
        ),
        sa.CheckConstraint("kind IN ('policy', 'faq')", name=op.f("ck_knowledge_articles_kind")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to >= valid_from", name=op.f("ck_knowledge_articles_validity")
        ),
        sa.CheckConstraint("version >= 1", name=op.f("ck_knowledge_articles_version")),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["departments.id"],
            name=op.f("fk_knowledge_articles_department_id_departments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
        sa.UniqueConstraint("ref", name=op.f("uq_knowledge_articles_ref")),
    )
    op.create_index(op.f("ix_knowledge_articles_category_code"), "knowledge_articles", ["category_code"])
    op.create_index(op.f("ix_knowledge_articles_department_id"), "knowledge_articles", ["department_id"])
    op.create_index(op.f("ix_knowledge_articles_status"), "knowledge_articles", ["status"])
    op.create_table(
        "knowledge_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("saved_at", UTC, nullable=False),
        sa.Column("saved_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_versions_article_id_knowledge_articles"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_versions")),
        sa.UniqueConstraint("article_id", "version", name="uq_knowledge_version"),
    )
    op.create_table(
        "knowledge_index",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_index_article_id_knowledge_articles"),
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_knowledge_index")),
    )
    op.create_table(
        "knowledge_index_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("built_at", UTC, nullable=True),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_index_state")),
    )
    op.create_table(
        "knowledge_citations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_number", sa.String(length=40), nullable=False),
        sa.Column("cited_at", UTC, nullable=False),
        sa.Column("cited_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_citations_article_id_knowledge_articles"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_knowledge_citations_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_citations")),
    )
    op.create_index(op.f("ix_knowledge_citations_article_id"), "knowledge_citations", ["article_id"])
    op.create_index(op.f("ix_knowledge_citations_case_id"), "knowledge_citations", ["case_id"])
    op.create_table(
        "oidc_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=200), nullable=False),
        sa.Column("next_path", sa.String(length=300), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("expires_at", UTC, nullable=False),
        sa.Column("used_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_logins")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_oidc_logins_state_hash")),
    )
    op.create_index(op.f("ix_oidc_logins_expires_at"), "oidc_logins", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_oidc_logins_expires_at"), table_name="oidc_logins")
    op.drop_table("oidc_logins")
    op.drop_index(op.f("ix_knowledge_citations_case_id"), table_name="knowledge_citations")
    op.drop_index(op.f("ix_knowledge_citations_article_id"), table_name="knowledge_citations")
    op.drop_table("knowledge_citations")
    op.drop_table("knowledge_index_state")
    op.drop_table("knowledge_index")
    op.drop_table("knowledge_versions")
    op.drop_index(op.f("ix_knowledge_articles_status"), table_name="knowledge_articles")
    op.drop_index(op.f("ix_knowledge_articles_department_id"), table_name="knowledge_articles")
    op.drop_index(op.f("ix_knowledge_articles_category_code"), table_name="knowledge_articles")
    op.drop_table("knowledge_articles")
