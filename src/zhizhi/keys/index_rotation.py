"""Rotation of the blind-index key (``zhizhi keys rotate-index``, docs/crypto.md).

The index key (HMAC-SM3) of ``cases.contact_phone_index`` / ``contact_phone_tail`` is versioned
like the data keys. Rotation adds index key version N+1 to the key file as active (the older one
stays for search), waits for every process to see it (new cases get N+1 indexes), then recomputes
every row's indexes from its decrypted phone in batches — each batch a short transaction with its
progress row (``key_rotations``, target ``index:<table>``), written compare-and-set on the
phone's envelope — and finally retires the older index key. Meanwhile search looks for the
phone's index under every usable version (``fieldcrypt.phone_indexes``), so it finds the same
cases before, during and after.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import atrest
from zhizhi.core import audit, clock, fieldcrypt
from zhizhi.core.db import unit_of_work
from zhizhi.core.fieldcrypt import KeyConfigError, KeySet
from zhizhi.core.settings import get_settings
from zhizhi.keys import repository as repo
from zhizhi.keys import service
from zhizhi.keys.models import KeyRotation
from zhizhi.sharing import atrest as sharing


def targets() -> list[fieldcrypt.BlindIndexes]:
    """Every table with blind indexes (each domain declares its own)."""
    return [atrest.BLIND_INDEXES, *sharing.BLIND_INDEXES]


def _doc_with_index_versions(path: Path) -> dict[str, Any]:
    doc = service.read_key_file(path)
    if "index_keys" not in doc:  # a key file from before index rotation: its key is version 1
        doc["index_keys"] = {"1": {"key": doc.pop("index_key"), "state": "active"}}
        doc["index_active"] = 1
    return doc


def add_index_version(path: Path) -> int:
    """Add an index key version to the key file and make it active (older ones stay for search)."""
    doc = _doc_with_index_versions(path)
    version = max(int(v) for v in doc["index_keys"]) + 1
    for entry in doc["index_keys"].values():
        if entry.get("state") == "active":
            entry["state"] = "decrypt"
    doc["index_keys"][str(version)] = {"key": os.urandom(fieldcrypt.INDEX_KEY_BYTES).hex(), "state": "active"}
    doc["index_active"] = version
    service.write_key_file(path, doc)
    return version


def retire_index_others(path: Path, active: int) -> list[int]:
    """Retire every index key version but ``active``: its key material is removed."""
    doc = _doc_with_index_versions(path)
    retired = []
    for name, entry in doc["index_keys"].items():
        if int(name) != active and entry.get("state") != "retired":
            doc["index_keys"][name] = {"state": "retired", "retired_at": clock.now().isoformat()}
            retired.append(int(name))
    service.write_key_file(path, doc)
    return sorted(retired)


@dataclass
class IndexRotationReport:
    to_version: int
    resumed: bool = False
    rows_changed: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    retired: list[int] = field(default_factory=list)


def _batch(
    session: Session, spec: fieldcrypt.BlindIndexes, rotation: KeyRotation, ks: KeySet, size: int
) -> bool:
    """Recompute one batch's indexes under ``ks.index_active``; ``False`` when the table is done."""
    columns = [spec.source, *spec.indexes]
    rows = repo.raw_batch(session, spec.table, columns, rotation.last_id, size)
    if not rows:
        rotation.finished_at = clock.now()
        return False
    updates = []
    for row in rows:
        envelope, current = row[1], dict(zip(spec.indexes, row[2:], strict=True))
        plain = fieldcrypt.decrypt(envelope, spec.context, ks) if envelope is not None else None
        new = {
            c: make(plain, ks, version=ks.index_active) if plain else None for c, make in spec.indexes.items()
        }
        if new != current:
            updates.append(
                {"row_id": row[0], "old_source": envelope, **{f"new_{c}": v for c, v in new.items()}}
            )
    repo.swap_indexes(session, spec.table, spec.source, list(spec.indexes), updates)
    rotation.last_id = int(rows[-1][0])
    rotation.rows_changed += len(updates)
    return True


def recompute_all(
    ks: KeySet,
    *,
    batch_size: int = 1000,
    pause: float = 0.0,
    url: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    stop_after: int | None = None,
) -> dict[str, int]:
    """Recompute every table's indexes under ``ks.index_active``, batch after batch (each committed
    with its progress); resumes an unfinished pass. ``stop_after``: stop after that many batches
    (tests: an interrupted rotation)."""
    out: dict[str, int] = {}
    batches = 0
    for spec in targets():
        target = f"{repo.INDEX_PREFIX}{spec.table}"
        with unit_of_work(url) as session:
            if repo.rotation(session, ks.index_active, target) is None:
                repo.add(
                    session, KeyRotation(to_version=ks.index_active, target=target, started_at=clock.now())
                )
        while True:
            if stop_after is not None and batches >= stop_after:
                return out
            with unit_of_work(url) as session:
                rotation = repo.rotation(session, ks.index_active, target)
                assert rotation is not None
                more = _batch(session, spec, rotation, ks, batch_size)
                done, changed = rotation.last_id, rotation.rows_changed
            batches += 1
            out[spec.table] = changed
            if progress is not None:
                progress(target, done, changed)
            if not more:
                break
            if pause:
                time.sleep(pause)
    return out


def begin(*, grace: float | None = None, url: str | None = None) -> tuple[KeySet, bool]:
    """Resume an unfinished index rotation or add an index key version; record its check value;
    wait for every process to see it. The key set and whether it resumed."""
    settings = get_settings()
    kms = bool(settings.data_keys_url)
    with unit_of_work(url) as session:
        unfinished = repo.unfinished_rotations(session, index=True)
    if not unfinished and not kms:
        add_index_version(Path(settings.data_keys_file))
    ks = fieldcrypt.configure()
    if unfinished and unfinished[0].to_version != ks.index_active:
        raise KeyConfigError(
            f"未完成的盲索引轮换目标是版本 {unfinished[0].to_version}，但当前版本是 {ks.index_active}",
            f"the unfinished index rotation is to version {unfinished[0].to_version}, but the active "
            f"index key version is {ks.index_active}",
        )
    with unit_of_work(url) as session:
        service.check(session, ks)
        audit.record(
            session,
            "keys.index_rotate_started",
            service.CLI,
            object_type="index_key",
            object_id=ks.index_active,
            resumed=bool(unfinished),
        )
    if not unfinished:  # every running process re-reads the key file within its refresh interval
        time.sleep(settings.data_keys_refresh_seconds * 2 if grace is None else grace)
    return ks, bool(unfinished)


def finish(ks: KeySet, report: IndexRotationReport, url: str | None = None) -> None:
    """Retire the older index keys (file and database) once every row is recomputed."""
    kms = bool(get_settings().data_keys_url)
    report.retired = [] if kms else retire_index_others(Path(get_settings().data_keys_file), ks.index_active)
    with unit_of_work(url) as session:
        for key in repo.data_keys(session):
            if key.purpose == "index" and (key.version or 1) != ks.index_active and key.state != "retired":
                key.state, key.retired_at = "retired", clock.now()
        audit.record(
            session,
            "keys.index_rotated",
            service.CLI,
            object_type="index_key",
            object_id=ks.index_active,
            rows=report.rows_changed,
            retired=report.retired,
        )
    fieldcrypt.configure()


def rotate_index(
    *,
    batch_size: int = 1000,
    pause: float = 0.0,
    grace: float | None = None,
    url: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> IndexRotationReport:
    """``zhizhi keys rotate-index``: add (or resume) an index key version, recompute every blind
    index under it in batches while search keeps finding every case, retire the older version."""
    started = time.monotonic()
    ks, resumed = begin(grace=grace, url=url)
    report = IndexRotationReport(ks.index_active, resumed)
    report.rows_changed = recompute_all(ks, batch_size=batch_size, pause=pause, url=url, progress=progress)
    finish(ks, report, url)
    report.seconds = time.monotonic() - started
    return report
