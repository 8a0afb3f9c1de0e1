"""Data keys: the start-up check against the database, a new key file, and rotation.

Rotation (``zhizhi keys rotate``) adds a key version to the key file and makes it active; after a
grace period in which every running process re-reads the file (``DATA_KEYS_REFRESH_SECONDS``),
it re-encrypts every encrypted column of every table in batches — each batch its own short
transaction, its progress committed with it, so the platform keeps serving and an interrupted
rotation resumes where it stopped — then checks that no value is left under an older version and
retires those versions (their key material is removed from the file). docs/crypto.md.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import atrest
from zhizhi.cases import service as cases
from zhizhi.certificates import service as certificates
from zhizhi.core import audit, clock, fieldcrypt
from zhizhi.core.db import unit_of_work
from zhizhi.core.fieldcrypt import KeyConfigError, KeySet
from zhizhi.core.settings import get_settings
from zhizhi.keys import repository as repo
from zhizhi.keys.models import DataKey, KeyRotation
from zhizhi.org import service as org
from zhizhi.sharing import atrest as sharing

CLI = audit.Actor(None, "zhizhi keys")


def targets() -> list[tuple[str, dict[str, str]]]:
    """Every table with encrypted columns: ``(table, {column: encryption context})``."""
    named = [
        ("cases", cases.ENCRYPTED_COLUMNS),
        ("case_events", atrest.EVENT_ENCRYPTED_COLUMNS),
        ("users", org.ENCRYPTED_COLUMNS),
        *sharing.ENCRYPTED_TABLES,
    ]
    return named + [table for table in fieldcrypt.registered_tables() if table[0] not in dict(named)]


# ---- the start-up check ------------------------------------------------------------------------


def check(session: Session, ks: KeySet) -> list[DataKey]:
    """Compare ``ks`` with the check values the database recorded; raise :class:`KeyConfigError`
    when a key the data needs is missing or different. Versions seen for the first time are
    recorded (the first start of a new database); the states follow the key file."""
    rows = repo.data_keys(session)
    known = {(r.purpose, r.version or 1): r for r in rows}  # index version 0: written before 0017, = 1
    for row in rows:
        if row.purpose != "index" or row.state == "retired":
            continue
        version = row.version or 1
        if version not in ks.index_keys or ks.index_check_value(version) != row.check_value:
            raise KeyConfigError(
                f"盲索引密钥与数据库记录的校验值不符：{ks.source} 不是这个数据库的密钥，拒绝启动",
                f"the blind-index key does not match this database's check value: {ks.source} is not "
                "this database's key file; refusing to start",
            )
    for row in rows:
        if row.purpose != "data" or row.state == "retired":
            continue
        if row.version not in ks.keys:
            raise KeyConfigError(
                f"数据库中的数据使用数据密钥版本 {row.version}，{ks.source} 中没有它，拒绝启动",
                f"the database holds data under data key version {row.version}, which {ks.source} "
                "lacks; refusing to start",
            )
        if ks.check_value(row.version) != row.check_value:
            raise KeyConfigError(
                f"数据密钥版本 {row.version} 与数据库记录的校验值不符："
                f"{ks.source} 不是这个数据库的密钥，拒绝启动",
                f"data key version {row.version} does not match this database's check value: "
                f"{ks.source} is not this database's key file; refusing to start",
            )
    now = clock.now()
    for version in sorted(ks.index_keys):
        state = "active" if version == ks.index_active else "decrypt"
        seen = known.get(("index", version))
        if seen is None:
            repo.add(
                session,
                DataKey(
                    purpose="index",
                    version=0 if version == 1 else version,
                    check_value=ks.index_check_value(version),
                    state=state,
                    created_at=now,
                ),
            )
        elif seen.state != state and seen.state != "retired":
            seen.state = state
    for version in sorted(ks.keys):
        state = "active" if version == ks.active else "decrypt"
        seen = known.get(("data", version))
        if seen is None:
            repo.add(
                session,
                DataKey(
                    purpose="data",
                    version=version,
                    check_value=ks.check_value(version),
                    state=state,
                    created_at=now,
                ),
            )
        elif seen.state != state and seen.state != "retired":
            seen.state = state
    return repo.data_keys(session)


def startup(url: str | None = None) -> KeySet:
    """Load the data keys and check them against the database: what every composition root runs
    before serving. Raises :class:`KeyConfigError` (bilingual) when it cannot."""
    ks = fieldcrypt.configure()
    with unit_of_work(url) as session:
        check(session, ks)
    return ks


# ---- key files -----------------------------------------------------------------------------------


def write_key_file(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(doc, out, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def init_key_file(path: Path) -> bool:
    """Create a new key file at ``path``; ``False`` (nothing written) when one exists."""
    if path.exists():
        return False
    write_key_file(path, fieldcrypt.new_key_document())
    return True


def read_key_file(path: Path) -> dict[str, Any]:
    doc = fieldcrypt.FileKeySource(path).fetch()
    fieldcrypt.parse_keyset(doc, str(path))  # validates
    return doc


def add_version(path: Path) -> int:
    """Add a new data key version to the key file and make it the active one (the others stay
    for decryption until the rotation retires them); its number."""
    doc = read_key_file(path)
    version = max(int(v) for v in doc["keys"]) + 1
    for entry in doc["keys"].values():
        if entry.get("state") == "active":
            entry["state"] = "decrypt"
    doc["keys"][str(version)] = {"key": os.urandom(fieldcrypt.KEY_BYTES).hex(), "state": "active"}
    doc["active"] = version
    write_key_file(path, doc)
    return version


def retire_others(path: Path, active: int) -> list[int]:
    """Retire every version but ``active`` in the key file: its key material is removed."""
    doc = read_key_file(path)
    retired = []
    for name, entry in doc["keys"].items():
        if int(name) != active and entry.get("state") != "retired":
            doc["keys"][name] = {"state": "retired", "retired_at": clock.now().isoformat()}
            retired.append(int(name))
    write_key_file(path, doc)
    return sorted(retired)


# ---- rotation --------------------------------------------------------------------------------------


@dataclass
class RotationReport:
    to_version: int
    resumed: bool = False
    rows_changed: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    seconds: float = 0.0
    retired: list[int] = field(default_factory=list)
    left: dict[str, int] = field(default_factory=dict)


def _reencrypt_batch(
    session: Session, table: str, contexts: dict[str, str], rotation: KeyRotation, ks: KeySet, size: int
) -> bool:
    """One batch of ``table`` after ``rotation.last_id``; ``False`` when the table is done."""
    columns = list(contexts)
    rows = repo.raw_batch(session, table, columns, rotation.last_id, size)
    if not rows:
        rotation.finished_at = clock.now()
        return False
    updates = []
    for row in rows:
        values = dict(zip(columns, row[1:], strict=True))
        new = {
            c: fieldcrypt.reencrypt(v, contexts[c], ks) if v is not None else None for c, v in values.items()
        }
        if any(v is not None for v in new.values()):
            item: dict[str, Any] = {"row_id": row[0]}
            for c in columns:
                item[f"old_{c}"] = values[c]
                item[f"new_{c}"] = new[c] if new[c] is not None else values[c]
            updates.append(item)
    repo.swap_envelopes(session, table, columns, updates)
    rotation.last_id = int(rows[-1][0])
    rotation.rows_changed += len(updates)
    return True


def reencrypt_all(
    ks: KeySet,
    *,
    batch_size: int = 1000,
    pause: float = 0.0,
    url: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Re-encrypt every table under ``ks.active``, batch after batch (each committed with its
    progress); resumes an unfinished pass. Rows changed per table."""
    out = {}
    for table, contexts in targets():
        with unit_of_work(url) as session:
            if repo.rotation(session, ks.active, table) is None:
                repo.add(session, KeyRotation(to_version=ks.active, target=table, started_at=clock.now()))
        while True:
            with unit_of_work(url) as session:
                rotation = repo.rotation(session, ks.active, table)
                assert rotation is not None
                more = _reencrypt_batch(session, table, contexts, rotation, ks, batch_size)
                done, changed = rotation.last_id, rotation.rows_changed
            if progress is not None:
                progress(table, done, changed)
            if not more:
                break
            if pause:
                time.sleep(pause)
        out[table] = changed
    return out


def stale_counts(session: Session, version: int) -> dict[str, int]:
    """Rows per table holding a value not under key ``version``."""
    return {t: repo.count_not_under(session, t, list(c), version) for t, c in targets()}


def rotate(
    *,
    batch_size: int = 1000,
    pause: float = 0.0,
    grace: float | None = None,
    url: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> RotationReport:
    """``zhizhi keys rotate``: resume an unfinished rotation, or add a key version; re-encrypt
    everything under it; retire the older versions once no value needs them. With a KMS
    (``DATA_KEYS_URL``) the KMS adds and retires versions: this re-encrypts under its active one."""
    started = time.monotonic()
    settings = get_settings()
    kms = bool(settings.data_keys_url)
    with unit_of_work(url) as session:
        unfinished = repo.unfinished_rotations(session, index=False)
    resumed = bool(unfinished)
    if not resumed and not kms:
        add_version(Path(settings.data_keys_file))
    ks = fieldcrypt.configure()
    if resumed and unfinished[0].to_version != ks.active:
        raise KeyConfigError(
            f"未完成的轮换目标是密钥版本 {unfinished[0].to_version}，但当前版本是 {ks.active}",
            f"the unfinished rotation is to key version {unfinished[0].to_version}, but the active "
            f"version is {ks.active}",
        )
    with unit_of_work(url) as session:
        check(session, ks)
        audit.record(
            session, "keys.rotate_started", CLI, object_type="data_key", object_id=ks.active, resumed=resumed
        )
    if not resumed:  # every running process re-reads the key file within its refresh interval
        time.sleep(settings.data_keys_refresh_seconds * 2 if grace is None else grace)
    report = RotationReport(ks.active, resumed)
    for _sweep in range(3):  # a process that had not yet seen the new version may have written
        changed = reencrypt_all(ks, batch_size=batch_size, pause=pause, url=url, progress=progress)
        for table, n in changed.items():
            report.rows_changed[table] = report.rows_changed.get(table, 0) + n
        with unit_of_work(url) as session:
            report.left = {t: n for t, n in stale_counts(session, ks.active).items() if n}
            if report.left:
                for table in report.left:
                    row = repo.rotation(session, ks.active, table)
                    assert row is not None
                    row.last_id, row.finished_at = 0, None
        if not report.left:
            break
    if not report.left:  # the certificates' signing keys are wrapped with the data key too
        report.rows_changed["certificate_keys"] = len(certificates.rewrap_signing_keys(ks))
        report.retired = [] if kms else retire_others(Path(settings.data_keys_file), ks.active)
        with unit_of_work(url) as session:
            for key in repo.data_keys(session):
                if key.purpose == "data" and key.version != ks.active and key.state != "retired":
                    key.state, key.retired_at = "retired", clock.now()
            audit.record(
                session,
                "keys.rotated",
                CLI,
                object_type="data_key",
                object_id=ks.active,
                rows=report.rows_changed,
                retired=report.retired,
            )
        fieldcrypt.configure()
    report.seconds = time.monotonic() - started
    return report
