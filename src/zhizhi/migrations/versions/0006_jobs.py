"""job queue: procrastinate's schema (PostgreSQL) and the local runner's tables (both databases)

* PostgreSQL: the ``schema.sql`` shipped in the installed procrastinate package, applied in this
  migration's transaction, and marked with the name of the newest procrastinate migration file
  it contains (a comment on ``procrastinate_jobs``, ``core.jobs.pg.schema_mark``).
  **Upgrading procrastinate** (pinned to one minor version in pyproject.toml): add a revision
  that reads the mark, replays procrastinate's migration files newer than it from the installed
  package (``procrastinate/sql/migrations``; files that add enum values need
  ``op.get_context().autocommit_block()``), and sets the new mark; a database made by this
  revision with the newer package already carries the new mark and replays nothing.
  ``zhizhi worker`` refuses to start while the mark differs from the installed package's newest
  file, and ``tests/core/test_jobs_schema.py`` fails when they differ after the migrations.
* ``job_queue``: where ``jobs.enqueue`` writes, in the caller's transaction, on both databases;
  the SQLite runner runs jobs from it, PostgreSQL workers hand them over to procrastinate.
  ``job_schedules``: the SQLite runner's schedule ticks (empty on PostgreSQL).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zhizhi.core.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _apply_procrastinate_schema() -> None:
    from procrastinate.schema import SchemaManager

    from zhizhi.core.jobs.pg import installed_schema_version, mark_schema

    connection = op.get_bind()
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(SchemaManager.get_schema())  # no parameters: % is literal
    finally:
        cursor.close()
    mark_schema(connection, installed_schema_version())


def upgrade() -> None:
    op.create_table(
        "job_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task", sa.String(length=120), nullable=False),
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("args", JSON, nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("queueing_lock", sa.String(length=120), nullable=True),
        sa.Column("run_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('todo', 'doing', 'failed')", name=op.f("ck_job_queue_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_queue")),
    )
    with op.batch_alter_table("job_queue", schema=None) as batch_op:
        batch_op.create_index("ix_job_queue_due", ["status", "run_at"], unique=False)
        batch_op.create_index(
            "uq_job_queue_queueing_lock",
            ["queueing_lock"],
            unique=True,
            sqlite_where=sa.text("status = 'todo' AND queueing_lock IS NOT NULL"),
            postgresql_where=sa.text("status = 'todo' AND queueing_lock IS NOT NULL"),
        )
    op.create_table(
        "job_schedules",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("last_tick", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_schedules")),
    )
    if op.get_bind().dialect.name == "postgresql":
        _apply_procrastinate_schema()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # procrastinate ships no down migrations: drop every object it created (jobs are lost)
        op.execute(
            """
            DO $$
            DECLARE r record;
            BEGIN
                FOR r IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
                         JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'
                LOOP EXECUTE 'DROP FUNCTION IF EXISTS ' || r.sig || ' CASCADE'; END LOOP;
                FOR r IN SELECT tablename FROM pg_tables
                         WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%'
                LOOP EXECUTE 'DROP TABLE IF EXISTS ' || quote_ident(r.tablename) || ' CASCADE'; END LOOP;
                FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                         WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%'
                           AND t.typtype IN ('e', 'c')
                LOOP EXECUTE 'DROP TYPE IF EXISTS ' || quote_ident(r.typname) || ' CASCADE'; END LOOP;
            END $$;
            """
        )
    op.drop_table("job_schedules")
    with op.batch_alter_table("job_queue", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_job_queue_queueing_lock",
            sqlite_where=sa.text("status = 'todo' AND queueing_lock IS NOT NULL"),
        )
        batch_op.drop_index("ix_job_queue_due")
    op.drop_table("job_queue")
