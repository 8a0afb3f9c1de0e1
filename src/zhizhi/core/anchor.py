"""Anchors: SM2-signed checkpoints of the audit chain written outside the database.

A checkpoint is ``{seq, hash, count, at}`` of the chain's head, signed with SM2 (``gmssl``) by
the anchor key (``ZHIZHI_AUDIT_ANCHOR_KEY_FILE``; its public half beside it as ``.pub``, so a
third party can check the checkpoints without being able to make them).  It is written through
an :class:`AnchorStore`: an append-only file of JSON lines (``ZHIZHI_AUDIT_ANCHOR_FILE``) or,
with ``ZHIZHI_AUDIT_ANCHOR_URL``, another system over HTTP (POST a checkpoint, GET them all).

Whoever holds the chain key can rewrite the chain from entry N onward and recompute every
MAC; a checkpoint taken after entry N still names the old hash, so :mod:`.auditverify` reports
the rewrite (or the truncation).  The task ``audit.anchor`` runs on the schedule
``ZHIZHI_AUDIT_ANCHOR_CRON`` through ``core.jobs`` (registered by ``zhizhi.registry``).
"""

from __future__ import annotations

import json
import os
import secrets
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from gmssl import sm2
from sqlalchemy import Engine

from zhizhi.core import clock, jobs
from zhizhi.core.auditkey import AuditKeyError
from zhizhi.core.repository import audit as repo
from zhizhi.core.settings import get_settings

SIGNED_FIELDS = ("seq", "hash", "count", "at")
ANCHOR_LOCK = "audit.anchor"


@dataclass(frozen=True, slots=True)
class AnchorKey:
    private: str | None  # hex; None when only the public key is at hand (verification)
    public: str  # hex, 128 digits (x || y)

    def _crypt(self) -> sm2.CryptSM2:
        return sm2.CryptSM2(private_key=self.private or "", public_key=self.public)

    def sign(self, data: bytes) -> str:
        if self.private is None:
            raise AuditKeyError("没有锚点私钥，无法签名", "no anchor private key: cannot sign a checkpoint")
        return str(self._crypt().sign_with_sm3(data))

    def verify(self, signature: str, data: bytes) -> bool:
        try:
            return bool(self._crypt().verify_with_sm3(signature, data))
        except (ValueError, TypeError, IndexError):
            return False


def _paths() -> tuple[Path, Path]:
    path = Path(get_settings().audit_anchor_key_file)
    return path, path.with_name(path.name + ".pub")


def create_key(path: Path | None = None) -> tuple[Path, bool]:
    """Create the SM2 anchor key pair (``path`` and ``path.pub``) unless it exists."""
    path = path or _paths()[0]
    if path.exists():
        return path, False
    n = int(sm2.default_ecc_table["n"], 16)
    d = secrets.randbelow(n - 2) + 1
    private = f"{d:064x}"
    public = sm2.CryptSM2(private_key=private, public_key="")._kg(d, sm2.default_ecc_table["g"])
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"algorithm": "SM2", "private": private, "public": public}, out)
    path.with_name(path.name + ".pub").write_text(public + "\n", encoding="utf-8")
    return path, True


def load_key(*, need_private: bool) -> AnchorKey:
    """The anchor key; for verification the public key alone (``.pub``) is enough."""
    path, pub = _paths()
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return AnchorKey(str(data["private"]), str(data["public"]))
        except (ValueError, KeyError, TypeError):
            raise AuditKeyError(
                f"锚点密钥文件 {path} 格式错误", f"the anchor key file {path} is malformed"
            ) from None
    if not need_private and pub.exists():
        return AnchorKey(None, pub.read_text(encoding="utf-8").strip())
    raise AuditKeyError(
        f"锚点密钥文件 {path} 不存在：请运行 `zhizhi audit init-key`",
        f"the anchor key file {path} does not exist: run `zhizhi audit init-key`",
    )


def signed_bytes(checkpoint: dict[str, Any]) -> bytes:
    body = {k: checkpoint[k] for k in SIGNED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


class AnchorStore(Protocol):
    """Where checkpoints go: append one, read them all back (oldest first)."""

    def append(self, checkpoint: dict[str, Any]) -> None: ...

    def read(self) -> Iterator[dict[str, Any]]: ...


class FileAnchorStore:
    """An append-only file of JSON lines (opened with ``O_APPEND``, fsynced after each line).
    Put it on storage the database's administrators cannot rewrite (WORM, another host)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, checkpoint: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(checkpoint, sort_keys=True) + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield _parse(line)


class HttpAnchorStore:
    """Another system's HTTP endpoint: ``POST url`` with a checkpoint (JSON), ``GET url`` → the
    list of checkpoints.  Any 2xx is success; anything else raises (the job retries)."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise AuditKeyError(f"锚点地址必须是 http(s)：{url}", f"the anchor URL must be http(s): {url}")
        self.url = url
        self.timeout = timeout

    def append(self, checkpoint: dict[str, Any]) -> None:
        request = urllib.request.Request(  # noqa: S310 (http or https, checked above)
            self.url,
            data=json.dumps(checkpoint).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (a configured URL)
            response.read()

    def read(self) -> Iterator[dict[str, Any]]:
        with urllib.request.urlopen(self.url, timeout=self.timeout) as response:  # noqa: S310
            items = json.loads(response.read())
        for item in items:
            yield item if isinstance(item, dict) else {"invalid": item}


def _parse(line: str) -> dict[str, Any]:
    try:
        item = json.loads(line)
    except ValueError:
        return {"invalid": line.strip()[:80]}
    return item if isinstance(item, dict) else {"invalid": line.strip()[:80]}


def store() -> AnchorStore:
    settings = get_settings()
    if settings.audit_anchor_url:
        return HttpAnchorStore(settings.audit_anchor_url)
    return FileAnchorStore(Path(settings.audit_anchor_file))


def checkpoint(engine: Engine, target: AnchorStore | None = None) -> dict[str, Any]:
    """Seal what waits in the inbox, then sign and write a checkpoint of the chain's head."""
    from zhizhi.core import audit

    if engine.dialect.name != "sqlite":
        audit.seal_all(engine)
    with engine.connect() as conn:
        seq, digest = repo.head(conn) or (0, audit.GENESIS)
        count = repo.count(conn)
    item: dict[str, Any] = {
        "seq": seq,
        "hash": digest,
        "count": count,
        "at": clock.now().isoformat(timespec="seconds"),
    }
    key = load_key(need_private=True)
    item["sig"] = key.sign(signed_bytes(item))
    item["alg"] = "SM2-SM3"
    (target or store()).append(item)
    return item


@jobs.task(name="audit.anchor", retry=jobs.Retry(max_attempts=3, base_seconds=30))
def anchor_task(timestamp: int | None = None) -> None:
    """Write a signed checkpoint of the audit chain (safe to run again: one more checkpoint)."""
    from zhizhi.core.db import get_engine

    checkpoint(get_engine())


def anchor_schedule() -> jobs.Schedule | None:
    """``ZHIZHI_AUDIT_ANCHOR_CRON`` (empty: no schedule)."""
    cron = get_settings().audit_anchor_cron
    return jobs.periodic("audit.anchor", "audit.anchor", cron, queueing_lock=ANCHOR_LOCK) if cron else None
