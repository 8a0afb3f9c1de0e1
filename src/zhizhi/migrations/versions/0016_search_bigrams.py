"""search bigrams: short Chinese text searches served by an index (PostgreSQL), scoped searches

* ``zhizhi_bigrams(text)``: the character bigrams of the lower-cased text (an ``IMMUTABLE``
  PL/pgSQL function); ``zhizhi_case_bigrams(subject, content)`` the same over both fields. GIN expression indexes on them (``ix_cases_text_bigrams``, ``ix_cases_address_bigrams``)
  serve ``zhizhi_case_bigrams(subject, content) @> zhizhi_bigrams(:q)`` — a search of two
  characters, which pg_trgm cannot serve (no trigram in a ``LIKE`` pattern that short).
  Building the index is the backfill: PostgreSQL computes the bigrams of every existing row, and
  from then on of every inserted row and every update that changes the subject, content or
  address (updates of other columns stay HOT and compute nothing). No column, no trigger, no
  application code to keep in step (docs/workbench.md, "Short text searches").
* ``ix_cases_created_by``: the row scope's third branch (cases a user registered) as an index,
  so that a unit's scope can be read from indexes (all databases); on PostgreSQL 1,000
  statistics entries for ``lead_department_id``, so that a unit subtree's share is estimated
  from the real one of each department.

SQLite keeps its plain ``LIKE`` (a scan of the scoped rows: the demo database).

Revision ID: 0016
Revises: 0008
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None

# a PL/pgSQL loop: about 3 × faster than a set-returning SQL function with DISTINCT (measured
# in docs/benchmarks.md); repeated bigrams are left in, GIN keeps each key of a row once
BIGRAMS = r"""
CREATE OR REPLACE FUNCTION zhizhi_bigrams(t text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  l text := lower(t);
  out text[] := '{}';
BEGIN
  FOR i IN 1 .. char_length(l) - 1 LOOP
    out := out || substr(l, i, 2);
  END LOOP;
  RETURN out;
END
$$
"""
CASE_BIGRAMS = r"""
CREATE OR REPLACE FUNCTION zhizhi_case_bigrams(subject text, content text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT zhizhi_bigrams(coalesce(subject, '') || E'\n' || coalesce(content, ''))
$$
"""


def upgrade() -> None:
    bind = op.get_bind()
    op.create_index("ix_cases_created_by", "cases", ["created_by_id"])
    if bind.dialect.name != "postgresql":
        return
    op.execute(BIGRAMS)
    op.execute(CASE_BIGRAMS)
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute(
        "CREATE INDEX ix_cases_text_bigrams ON cases USING gin (zhizhi_case_bigrams(subject, content))"
    )
    op.execute("CREATE INDEX ix_cases_address_bigrams ON cases USING gin (zhizhi_bigrams(address))")
    # a unit's scope is lead_department_id = ANY(its subtree's ids): with the default 100
    # statistics entries PostgreSQL counts every id of a 212-unit subtree at an average share
    # (507,000 of 1,000,000 estimated, 106,000 real) and plans for nearly every row; with one
    # entry per department up to 1,000 the estimate is exact (docs/benchmarks.md)
    op.execute("ALTER TABLE cases ALTER COLUMN lead_department_id SET STATISTICS 1000")
    # statistics of the indexed expressions (common bigrams), so the planner can tell a rare
    # term from a common one; seconds at a million cases
    op.execute("ANALYZE cases")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ALTER TABLE cases ALTER COLUMN lead_department_id SET STATISTICS -1")
        op.execute("DROP INDEX IF EXISTS ix_cases_address_bigrams")
        op.execute("DROP INDEX IF EXISTS ix_cases_text_bigrams")
        op.execute("DROP FUNCTION IF EXISTS zhizhi_case_bigrams(text, text)")
        op.execute("DROP FUNCTION IF EXISTS zhizhi_bigrams(text)")
    op.drop_index("ix_cases_created_by", table_name="cases")
