"""field encryption: personal data at rest under SM4-GCM, blind indexes, key records

* ``cases.contact_name``, ``cases.contact_phone``, ``users.phone``: existing values encrypted into
  SM4-GCM envelopes (text, so the PostgreSQL columns become ``text``); the phone's indexes (the
  b-tree and the pg_trgm one of 0009) are dropped, ciphertext cannot be searched.
* ``cases.contact_phone_index`` / ``contact_phone_tail``: keyed blind indexes (HMAC-SM3) of the
  whole phone and of its last 4 digits, for the workbench's search.
* ``cases.personal_text``: subject and content as given, encrypted, when phones, ID numbers, bank
  cards or plate numbers were found in them; the stored subject and content get them masked.
* ``data_keys`` (check values of the keys, never the keys) and ``key_rotations`` (progress).

Needs the data keys (``ZHIZHI_DATA_KEYS_FILE`` or ``ZHIZHI_DATA_KEYS_URL``) when there is
personal data to encrypt; stops with a bilingual message otherwise. docs/crypto.md.

Revision ID: 0012
Revises: 0008
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None

BATCH = 1000


def _keys(needed: bool) -> Any:
    from zhizhi.core import fieldcrypt

    try:
        return fieldcrypt.configure()
    except fieldcrypt.KeyConfigError as exc:
        if not needed:
            return None
        raise RuntimeError(
            f"迁移 0012 需要数据密钥来加密已有的个人数据（运行 `zhizhi keys init`）：{exc.zh} | "
            f"migration 0012 needs the data keys to encrypt the existing personal data "
            f"(run `zhizhi keys init`): {exc.en}"
        ) from None


def _enc(value: str | None, context: str, ks: Any) -> str | None:
    from zhizhi.core import fieldcrypt

    if value is None or fieldcrypt.envelope_version(value) is not None:
        return value
    return fieldcrypt.encrypt(value, context, ks)


def _encrypt_cases(bind: Any, ks: Any) -> None:
    from zhizhi.core import fieldcrypt
    from zhizhi.core.masking import redact_text

    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, subject, content, contact_name, contact_phone, personal_text FROM cases "
                "WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        updates = []
        for case_id, subject, content, name, phone, personal in rows:
            plain_phone = phone if phone is None or fieldcrypt.envelope_version(phone) is None else None
            new_subject, new_content = redact_text(subject), redact_text(content)
            if personal is None and (new_subject, new_content) != (subject, content):
                words = json.dumps({"subject": subject, "content": content}, ensure_ascii=False)
                personal = fieldcrypt.encrypt(words, "cases.personal_text", ks)
            updates.append(
                {
                    "i": case_id,
                    "s": new_subject,
                    "c": new_content,
                    "n": _enc(name, "cases.contact_name", ks),
                    "p": _enc(phone, "cases.contact_phone", ks),
                    "pi": fieldcrypt.phone_index(plain_phone, ks) if plain_phone else None,
                    "pt": fieldcrypt.phone_tail_index(plain_phone, ks) if plain_phone else None,
                    "t": personal,
                    "plain": plain_phone is not None,
                }
            )
        for u in updates:
            plain = u.pop("plain")
            sql = "UPDATE cases SET subject = :s, content = :c, contact_name = :n, contact_phone = :p, personal_text = :t"
            if plain:
                sql += ", contact_phone_index = :pi, contact_phone_tail = :pt"
            bind.execute(sa.text(sql + " WHERE id = :i"), u)
        last = rows[-1][0]


def _encrypt_users(bind: Any, ks: Any) -> None:
    rows = bind.execute(sa.text("SELECT id, phone FROM users WHERE phone IS NOT NULL")).all()
    for user_id, phone in rows:
        bind.execute(
            sa.text("UPDATE users SET phone = :p WHERE id = :i"),
            {"p": _enc(phone, "users.phone", ks), "i": user_id},
        )


def _record_keys(bind: Any, ks: Any) -> None:
    from zhizhi.core import clock

    now = clock.now()
    table = sa.table(
        "data_keys",
        sa.column("purpose", sa.String),
        sa.column("version", sa.Integer),
        sa.column("check_value", sa.String),
        sa.column("state", sa.String),
        sa.column("created_at", zhizhi.core.db.UTCDateTime(timezone=True)),
    )
    rows = [{"purpose": "index", "version": 0, "check_value": ks.index_check_value(), "state": "active"}]
    for version in sorted(ks.keys):
        state = "active" if version == ks.active else "decrypt"
        rows.append(
            {"purpose": "data", "version": version, "check_value": ks.check_value(version), "state": state}
        )
    bind.execute(sa.insert(table), [{**r, "created_at": now} for r in rows])


def upgrade() -> None:
    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    op.create_table(
        "data_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("purpose", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("check_value", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("purpose IN ('data', 'index')", name=op.f("ck_data_keys_purpose")),
        sa.CheckConstraint("state IN ('active', 'decrypt', 'retired')", name=op.f("ck_data_keys_state")),
        sa.UniqueConstraint("purpose", "version", name="uq_data_keys_purpose_version"),
    )
    op.create_table(
        "key_rotations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("rows_changed", sa.Integer(), nullable=False),
        sa.Column("started_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", zhizhi.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("to_version", "target", name="uq_key_rotations_version_target"),
    )
    op.add_column("cases", sa.Column("contact_phone_index", sa.String(length=32), nullable=True))
    op.add_column("cases", sa.Column("contact_phone_tail", sa.String(length=16), nullable=True))
    op.add_column("cases", sa.Column("personal_text", sa.Text(), nullable=True))
    op.create_index("ix_cases_contact_phone_index", "cases", ["contact_phone_index"])
    op.create_index("ix_cases_contact_phone_tail", "cases", ["contact_phone_tail"])
    op.drop_index("ix_cases_contact_phone", table_name="cases")
    if pg:
        op.execute("DROP INDEX IF EXISTS ix_cases_phone_trgm")
        op.execute(
            "ALTER TABLE cases ALTER COLUMN contact_name TYPE text, ALTER COLUMN contact_phone TYPE text"
        )
        op.execute("ALTER TABLE users ALTER COLUMN phone TYPE text")
    # (SQLite does not enforce VARCHAR lengths: its columns hold the longer envelopes as they are)
    cases = bind.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
    users = bind.execute(sa.text("SELECT count(*) FROM users WHERE phone IS NOT NULL")).scalar_one()
    ks = _keys(needed=bool(cases or users))
    if ks is None:
        return  # an empty database without keys yet: the first start-up records them
    _encrypt_cases(bind, ks)
    _encrypt_users(bind, ks)
    _record_keys(bind, ks)


def downgrade() -> None:
    from zhizhi.core import fieldcrypt

    bind = op.get_bind()
    pg = bind.dialect.name == "postgresql"
    cases = bind.execute(sa.text("SELECT count(*) FROM cases")).scalar_one()
    users = bind.execute(sa.text("SELECT count(*) FROM users WHERE phone IS NOT NULL")).scalar_one()
    ks = _keys(needed=bool(cases or users))
    if ks is not None:
        rows = bind.execute(
            sa.text("SELECT id, subject, content, contact_name, contact_phone, personal_text FROM cases")
        ).all()
        for case_id, subject, content, name, phone, personal in rows:
            if personal is not None:
                words = json.loads(fieldcrypt.decrypt(personal, "cases.personal_text", ks))
                subject, content = words["subject"], words["content"]
            bind.execute(
                sa.text(
                    "UPDATE cases SET subject = :s, content = :c, contact_name = :n, contact_phone = :p WHERE id = :i"
                ),
                {
                    "i": case_id,
                    "s": subject,
                    "c": content,
                    "n": None if name is None else fieldcrypt.decrypt(name, "cases.contact_name", ks),
                    "p": None if phone is None else fieldcrypt.decrypt(phone, "cases.contact_phone", ks),
                },
            )
        for user_id, phone in bind.execute(
            sa.text("SELECT id, phone FROM users WHERE phone IS NOT NULL")
        ).all():
            bind.execute(
                sa.text("UPDATE users SET phone = :p WHERE id = :i"),
                {"p": fieldcrypt.decrypt(phone, "users.phone", ks), "i": user_id},
            )
    if pg:
        op.execute("ALTER TABLE users ALTER COLUMN phone TYPE varchar(20)")
        op.execute(
            "ALTER TABLE cases ALTER COLUMN contact_name TYPE varchar(80), "
            "ALTER COLUMN contact_phone TYPE varchar(20)"
        )
    op.create_index("ix_cases_contact_phone", "cases", ["contact_phone"])
    if pg:
        op.execute("CREATE INDEX ix_cases_phone_trgm ON cases USING gin (contact_phone gin_trgm_ops)")
    op.drop_index("ix_cases_contact_phone_tail", table_name="cases")
    op.drop_index("ix_cases_contact_phone_index", table_name="cases")
    # in place, not a batch copy: recreating ``cases`` on SQLite with foreign keys on would
    # cascade-delete every case's events (SQLite 3.35+ drops unindexed columns in place)
    for name in ("personal_text", "contact_phone_tail", "contact_phone_index"):
        op.execute(f"ALTER TABLE cases DROP COLUMN {name}")
    op.drop_table("key_rotations")
    op.drop_table("data_keys")
