"""issue 12/13 gaps: free text outside cases masked, the asker's language, Open311 client scope

* ``personal_text`` (SM4-GCM envelope of ``{field: words as given}``) on every table with staff's
  or citizens' free text outside the case engine: ``sharing_requests`` (purpose detail, legal
  basis, decision reason), ``sharing_grants`` (revocation reason), ``certificates`` (revocation
  reason), ``case_suggestions`` (decision reason), ``dispatch_rules`` (note) and
  ``knowledge_versions`` (save note). Existing texts are masked in place (phones, ID numbers,
  bank cards, plates; ``core.freetext``), the originals encrypted.
* ``cases.language`` (``zh`` | ``en``, default ``zh``): the language the person asked in; their
  text messages follow it (docs/notifications.md).
* ``open311_clients.division_prefix`` and ``service_codes``: the area (division code prefix) a
  posting client may file requests in and the services it may post to (empty: anywhere, all),
  set on the admin page (docs/open311.md).

Needs the data keys when there is something to mask; stops with a bilingual message otherwise.

Revision ID: 0018_gaps1213
Revises: 0017_notify
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0018_gaps1213"
down_revision = "0018_gaps11b"
branch_labels = None
depends_on = None

BATCH = 500
# table → its free-text columns (masked; the words as given in ``personal_text``)
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "sharing_requests": ("purpose_detail", "legal_basis", "reason"),
    "sharing_grants": ("revoke_reason",),
    "certificates": ("revoke_reason",),
    "case_suggestions": ("decision_reason",),
    "dispatch_rules": ("note",),
    "knowledge_versions": ("note",),
}


def _keys() -> Any:
    from zhizhi.core import fieldcrypt

    try:
        return fieldcrypt.configure()
    except fieldcrypt.KeyConfigError as exc:
        raise RuntimeError(
            f"迁移 0018 需要数据密钥来加密已有文本中的个人信息（运行 `zhizhi keys init`）：{exc.zh} | "
            f"migration 0018 needs the data keys to encrypt the personal data found in existing texts "
            f"(run `zhizhi keys init`): {exc.en}"
        ) from None


def _mask_table(bind: Any, table: str, columns: tuple[str, ...], ks: Any) -> Any:
    from zhizhi.core import fieldcrypt
    from zhizhi.core.masking import redact_text

    last = 0
    while True:
        rows = bind.execute(
            sa.text(f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return ks
        for row in rows:
            given = {c: v for c, v in zip(columns, row[1:], strict=True) if v}
            masked = {c: redact_text(v) for c, v in given.items()}
            changed = {c: v for c, v in given.items() if masked[c] != v}
            if not changed:
                continue
            ks = ks or _keys()
            words = json.dumps(changed, ensure_ascii=False, sort_keys=True)
            sets = ", ".join(f"{c} = :{c}" for c in changed)
            bind.execute(
                sa.text(f"UPDATE {table} SET {sets}, personal_text = :t WHERE id = :i"),
                {
                    **{c: masked[c] for c in changed},
                    "t": fieldcrypt.encrypt(words, f"{table}.personal_text", ks),
                    "i": row[0],
                },
            )
        last = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    for table in FREE_TEXT:
        op.add_column(table, sa.Column("personal_text", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("language", sa.String(2), nullable=False, server_default="zh"))
    op.add_column("open311_clients", sa.Column("division_prefix", sa.String(12), nullable=True))
    op.add_column("open311_clients", sa.Column("service_codes", zhizhi.core.db.JSONType, nullable=True))
    ks = None
    for table, columns in FREE_TEXT.items():
        ks = _mask_table(bind, table, columns, ks)


def downgrade() -> None:
    from zhizhi.core import fieldcrypt

    bind = op.get_bind()
    ks = None
    for table in FREE_TEXT:
        rows = bind.execute(
            sa.text(f"SELECT id, personal_text FROM {table} WHERE personal_text IS NOT NULL")
        ).all()
        for row_id, personal in rows:
            ks = ks or _keys()
            words = json.loads(fieldcrypt.decrypt(personal, f"{table}.personal_text", ks))
            sets = ", ".join(f"{c} = :{c}" for c in words)
            bind.execute(sa.text(f"UPDATE {table} SET {sets} WHERE id = :i"), {**words, "i": row_id})
    # in place, not a batch copy: recreating ``cases`` on SQLite with foreign keys on would
    # cascade-delete every case's events (SQLite 3.35+ drops unindexed columns in place)
    op.execute("ALTER TABLE open311_clients DROP COLUMN service_codes")
    op.execute("ALTER TABLE open311_clients DROP COLUMN division_prefix")
    op.execute("ALTER TABLE cases DROP COLUMN language")
    for table in FREE_TEXT:
        op.execute(f"ALTER TABLE {table} DROP COLUMN personal_text")
