"""personal data gaps (issue 12): timeline text masked and encrypted

* ``case_events.personal_text``: the staff's words as given (reason, reply) where masking changed
  them, SM4-GCM encrypted; existing reasons (suspension reasons, notes, co-unit replies, rating
  comments …) are masked in place, the originals encrypted. The event seals of the audit chain
  cover the reason as given, so they stay valid (``zhizhi audit verify`` clean).
* a pending extension request's reason on ``cases.pending_extension`` is masked.
* the certificates' signing keys (``ZHIZHI_CERTIFICATE_KEYS_DIR``) are wrapped with the data key.
* the sharing package's demo provider tables are rebuilt with a surrogate ``id``, their personal
  columns as SM4-GCM envelopes and the ID numbers they are looked up by as blind indexes.
* ``key_rotations.target`` widens to 40 characters (``index:provider_social_security``).

Needs the data keys when there is something to mask; stops with a bilingual message otherwise.
docs/crypto.md.

Revision ID: 0017_gaps12b
Revises: 0011
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

import zhizhi.core.db

revision = "0017_gaps12b"
down_revision = "0017_gaps12a"
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
            f"迁移 0017 需要数据密钥来加密已有的个人数据（运行 `zhizhi keys init`）：{exc.zh} | "
            f"migration 0017 needs the data keys to encrypt the existing personal data "
            f"(run `zhizhi keys init`): {exc.en}"
        ) from None


def _mask_events(bind: Any, ks: Any) -> None:
    from zhizhi.core import fieldcrypt
    from zhizhi.core.masking import redact_text

    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, reason FROM case_events WHERE id > :last AND reason IS NOT NULL "
                "AND personal_text IS NULL ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        for event_id, reason in rows:
            masked = redact_text(reason)
            if masked == reason:
                continue
            words = json.dumps({"reason": reason}, ensure_ascii=False, sort_keys=True)
            bind.execute(
                sa.text("UPDATE case_events SET reason = :r, personal_text = :t WHERE id = :i"),
                {"r": masked, "t": fieldcrypt.encrypt(words, "case_events.personal_text", ks), "i": event_id},
            )
        last = rows[-1][0]


def _mask_pending(bind: Any) -> None:
    from zhizhi.core.masking import redact_text

    cases = sa.table(
        "cases", sa.column("id", sa.Integer), sa.column("pending_extension", zhizhi.core.db.JSONType)
    )
    rows = bind.execute(
        sa.select(cases.c.id, cases.c.pending_extension).where(cases.c.pending_extension.is_not(None))
    ).all()
    for case_id, pending in rows:
        reason = pending.get("reason") if isinstance(pending, dict) else None
        if reason and redact_text(reason) != reason:
            bind.execute(
                sa.update(cases)
                .where(cases.c.id == case_id)
                .values(pending_extension={**pending, "reason": redact_text(reason)})
            )


# ---- provider tables ------------------------------------------------------------------------
# table → (old primary key, {encrypted column}, {encrypted column: its blind index column}, the
# other columns in order); the old and new column types are spelled out (migrations are frozen)
_PROVIDERS: dict[str, tuple[str, list[str], dict[str, str], list[sa.Column[Any]]]] = {
    "provider_population": (
        "id_number",
        ["id_number", "name", "household_address", "phone"],
        {"id_number": "id_number_index"},
        [
            sa.Column("gender", sa.String(2), nullable=False),
            sa.Column("birth_date", sa.Date(), nullable=False),
            sa.Column("ethnicity", sa.String(10), nullable=False),
        ],
    ),
    "provider_business_licences": (
        "credit_code",
        ["legal_representative", "legal_representative_id"],
        {},
        [
            sa.Column("credit_code", sa.String(18), nullable=False, unique=True),
            sa.Column("name", sa.String(120), nullable=False),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("registered_capital", sa.Numeric(14, 2), nullable=False),
            sa.Column("established", sa.Date(), nullable=False),
            sa.Column("address", sa.String(200), nullable=False),
            sa.Column("business_scope", sa.Text(), nullable=False),
            sa.Column("status", sa.String(10), nullable=False),
        ],
    ),
    "provider_social_security": (
        "id_number",
        ["id_number", "name"],
        {"id_number": "id_number_index"},
        [
            sa.Column("employer", sa.String(120), nullable=False),
            sa.Column("insurance_status", sa.String(10), nullable=False),
            sa.Column("insured_since", sa.Date(), nullable=False),
            sa.Column("months_paid", sa.Integer(), nullable=False),
            sa.Column("contribution_base", sa.Numeric(10, 2), nullable=False),
        ],
    ),
    "provider_property": (
        "certificate_no",
        ["owner_id_number", "owner_name"],
        {"owner_id_number": "owner_id_number_index"},
        [
            sa.Column("certificate_no", sa.String(40), nullable=False, unique=True),
            sa.Column("address", sa.String(200), nullable=False),
            sa.Column("area_m2", sa.Numeric(10, 2), nullable=False),
            sa.Column("use", sa.String(20), nullable=False),
            sa.Column("registered_on", sa.Date(), nullable=False),
            sa.Column("mortgaged", sa.Boolean(), nullable=False),
        ],
    ),
}


_OLD_TYPES = {  # 0013's types of the columns that become encrypted
    "id_number": sa.String(18),
    "name": sa.String(40),
    "household_address": sa.String(200),
    "phone": sa.String(20),
    "legal_representative": sa.String(40),
    "legal_representative_id": sa.String(18),
    "owner_id_number": sa.String(18),
    "owner_name": sa.String(40),
}


def _new_columns(table: str) -> list[Any]:
    _, encrypted, indexes, others = _PROVIDERS[table]
    out: list[Any] = [sa.Column("id", sa.Integer(), nullable=False)]
    for column in encrypted:
        out.append(sa.Column(column, sa.Text(), nullable=column == "phone"))
        if column in indexes:
            out.append(sa.Column(indexes[column], sa.String(32), nullable=False))
    out += [c.copy() for c in others]
    out.append(sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")))
    for column in [*indexes.values(), *(c.name for c in others if c.unique)]:
        if table != "provider_property" or column != "owner_id_number_index":
            out.append(sa.UniqueConstraint(column, name=op.f(f"uq_{table}_{column}")))
    for c in out:
        if isinstance(c, sa.Column):
            c.unique = None
    return out


def _old_columns(table: str) -> list[Any]:
    key, encrypted, _indexes, others = _PROVIDERS[table]
    out: list[Any] = [sa.Column(c, _OLD_TYPES[c], nullable=c == "phone") for c in encrypted]
    out += [sa.Column(c.name, c.type, nullable=c.nullable) for c in others]
    out.append(sa.PrimaryKeyConstraint(key, name=op.f(f"pk_{table}")))
    return out


def _read(bind: Any, table: str) -> list[dict[str, Any]]:
    reflected = sa.Table(table, sa.MetaData(), autoload_with=bind)
    return [dict(r._mapping) for r in bind.execute(sa.select(reflected))]


def _insert(bind: Any, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        bind.execute(sa.insert(table), rows[start : start + BATCH])


def _rebuild_providers(bind: Any, ks: Any) -> None:
    """Each provider table read whole (demo data), dropped and created again in its new form,
    its rows written back with personal columns encrypted and ID numbers blind-indexed."""
    from zhizhi.core import fieldcrypt

    for table, (key, encrypted, indexes, _others) in _PROVIDERS.items():
        rows = sorted(_read(bind, table), key=lambda r: str(r[key]))
        op.drop_table(table)
        new = op.create_table(table, *_new_columns(table))
        for number, row in enumerate(rows, start=1):
            row["id"] = number
            for column in encrypted:
                plain = row.get(column)
                if column in indexes:
                    row[indexes[column]] = fieldcrypt.id_number_index(plain, ks)
                if plain is not None:
                    row[column] = fieldcrypt.encrypt(str(plain), f"{table}.{column}", ks)
        _insert(bind, new, rows)
    op.create_index(
        op.f("ix_provider_property_owner_id_number_index"), "provider_property", ["owner_id_number_index"]
    )


def _restore_providers(bind: Any, ks: Any) -> None:
    from zhizhi.core import fieldcrypt

    for table, (_key, encrypted, indexes, _others) in _PROVIDERS.items():
        rows = _read(bind, table)
        op.drop_table(table)
        old = op.create_table(table, *_old_columns(table))
        for row in rows:
            del row["id"]
            for column in indexes.values():
                del row[column]
            for column in encrypted:
                if row.get(column) is not None:
                    row[column] = fieldcrypt.decrypt(row[column], f"{table}.{column}", ks)
        _insert(bind, old, rows)
    op.create_index(op.f("ix_provider_property_owner_id_number"), "provider_property", ["owner_id_number"])


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("case_events", sa.Column("personal_text", sa.Text(), nullable=True))
    with op.batch_alter_table("key_rotations") as batch:
        batch.alter_column(
            "target", type_=sa.String(40), existing_type=sa.String(20), existing_nullable=False
        )
    events = bind.execute(sa.text("SELECT count(*) FROM case_events WHERE reason IS NOT NULL")).scalar_one()
    providers = sum(bind.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in _PROVIDERS)
    ks = _keys(needed=bool(events or providers) or _has_signing_keys())
    if ks is not None:
        _mask_events(bind, ks)
        _wrap_signing_keys(ks)
    _rebuild_providers(bind, ks)
    _mask_pending(bind)


def _has_signing_keys() -> bool:
    from zhizhi.certificates import signing
    from zhizhi.core.settings import get_settings

    return bool(signing.KeyStore(get_settings().certificate_keys_dir).files())


def downgrade() -> None:
    from zhizhi.core import fieldcrypt

    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, personal_text FROM case_events WHERE personal_text IS NOT NULL")
    ).all()
    ks = _keys(needed=bool(rows) or _has_signing_keys())
    if ks is not None:
        _wrap_signing_keys(ks, unwrap=True)
    for event_id, personal in rows:
        words = json.loads(fieldcrypt.decrypt(personal, "case_events.personal_text", ks))
        if "reason" in words:
            bind.execute(
                sa.text("UPDATE case_events SET reason = :r WHERE id = :i"),
                {"r": words["reason"], "i": event_id},
            )
    providers = sum(bind.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in _PROVIDERS)
    if providers and ks is None:
        ks = _keys(needed=True)
    _restore_providers(bind, ks)
    with op.batch_alter_table("case_events") as batch:
        batch.drop_column("personal_text")
    with op.batch_alter_table("key_rotations") as batch:
        batch.alter_column(
            "target", type_=sa.String(20), existing_type=sa.String(40), existing_nullable=False
        )


def _wrap_signing_keys(ks: Any, *, unwrap: bool = False) -> list[str]:
    """The certificates' key store (``ZHIZHI_CERTIFICATE_KEYS_DIR``): plaintext private keys
    wrapped with the data key (or, ``unwrap``, written back in plaintext)."""
    from zhizhi.certificates import signing
    from zhizhi.core.settings import get_settings

    store = signing.KeyStore(get_settings().certificate_keys_dir)
    return store.rewrap(ks, unwrap=unwrap) if store.files() else []
