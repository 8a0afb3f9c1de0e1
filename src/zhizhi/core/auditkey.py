"""The audit chain's keys: HMAC-SM3 keys kept in a file outside the database.

The key file (``ZHIZHI_AUDIT_KEY_FILE``, default ``var/audit.key``, mode 0600) holds one key a
line, ``<key id> <64 hex digits>``; the *last* line is the active key, earlier lines are older
keys kept so that entries chained under them still verify (each entry records its key id).
Rotating appends a line (``zhizhi audit rotate-key``); ``zhizhi audit rekey`` re-chains every
entry under the active key.

HMAC-SM3 comes from OpenSSL through :mod:`hmac` when the local OpenSSL has SM3 and from
``gmssl`` (RFC 2104 over its SM3) otherwise; both give identical MACs (a test checks it).

A missing, unreadable or malformed key file is an :class:`AuditKeyError` with a message in
both languages; nothing is ever chained without a key (docs/audit.md).
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from zhizhi.core.crypto import SM3_BACKEND, gmssl_sm3_hex
from zhizhi.core.settings import get_settings

_LINE = re.compile(r"^([A-Za-z0-9_-]{1,16})\s+([0-9a-fA-F]{64})$")
_BLOCK = 64  # SM3's block size in bytes


class AuditKeyError(RuntimeError):
    """The audit key is missing, unreadable, malformed or not the key the chain was made with."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en


def gmssl_hmac_sm3(key: bytes, data: bytes) -> str:
    """HMAC-SM3 (RFC 2104) over the pure-Python ``gmssl`` SM3, for cross-checks and fallback."""
    if len(key) > _BLOCK:
        key = bytes.fromhex(gmssl_sm3_hex(key))
    key = key.ljust(_BLOCK, b"\0")
    inner = bytes.fromhex(gmssl_sm3_hex(bytes(b ^ 0x36 for b in key) + data))
    return gmssl_sm3_hex(bytes(b ^ 0x5C for b in key) + inner)


def _openssl_hmac_sm3(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, "sm3").hexdigest()


_prepared: dict[bytes, hmac.HMAC] = {}


def hmac_sm3(key: bytes, data: bytes) -> str:
    """HMAC-SM3 of ``data`` under ``key``, 64 lowercase hex characters (OpenSSL: a copy of a
    keyed object made once per key, which saves the key schedule of every call)."""
    if SM3_BACKEND != "openssl":
        return gmssl_hmac_sm3(key, data)
    base = _prepared.get(key)
    if base is None:
        if len(_prepared) > 32:
            _prepared.clear()
        base = _prepared[key] = hmac.new(key, digestmod="sm3")
    mac = base.copy()
    mac.update(data)
    return mac.hexdigest()


def hmac_sm3_prepared(key: bytes) -> hmac.HMAC | None:
    """A keyed HMAC object to ``copy()`` per message (saves the key schedule; OpenSSL only)."""
    return hmac.new(key, digestmod="sm3") if SM3_BACKEND == "openssl" else None


@dataclass(frozen=True, slots=True)
class Keyring:
    path: Path
    keys: dict[str, bytes]
    active_id: str

    @property
    def active(self) -> bytes:
        return self.keys[self.active_id]

    def get(self, key_id: str) -> bytes:
        key = self.keys.get(key_id)
        if key is None:
            raise AuditKeyError(
                f"审计密钥文件 {self.path} 中没有密钥 {key_id}（审计条目用它链接）",
                f"the audit key file {self.path} has no key {key_id} (entries were chained with it)",
            )
        return key

    def digest_key(self, key_id: str) -> bytes:
        """The key for case digests, derived from the chain key (never the same bytes)."""
        return bytes.fromhex(hmac_sm3(self.get(key_id), b"zhizhi case integrity digest v1"))


def key_path() -> Path:
    return Path(get_settings().audit_key_file)


_cache: dict[tuple[str, int, int], Keyring] = {}
_lock = threading.Lock()


def load(path: Path | None = None) -> Keyring:
    """The keyring in the key file (cached while the file is unchanged)."""
    path = path or key_path()
    try:
        st = path.stat()
    except OSError:
        raise AuditKeyError(
            f"审计密钥文件 {path} 不存在：审计链无法加密链接，拒绝启动。请运行 `zhizhi audit init-key` "
            "生成密钥，或设置 ZHIZHI_AUDIT_KEY_FILE 指向现有密钥文件",
            f"the audit key file {path} does not exist: the audit chain cannot be keyed, refusing to "
            "start. Run `zhizhi audit init-key` to create one, or point ZHIZHI_AUDIT_KEY_FILE at the "
            "existing key file",
        ) from None
    cache_key = (str(path), st.st_mtime_ns, st.st_size)
    with _lock:
        ring = _cache.get(cache_key)
    if ring is not None:
        return ring
    keys: dict[str, bytes] = {}
    active = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise AuditKeyError(
                f"审计密钥文件 {path} 第 {number} 行格式错误（应为「密钥编号 64位十六进制」）",
                f"the audit key file {path} line {number} is malformed (expected '<key id> <64 hex digits>')",
            )
        active = match.group(1)
        keys[active] = bytes.fromhex(match.group(2))
    if not keys:
        raise AuditKeyError(f"审计密钥文件 {path} 中没有密钥", f"the audit key file {path} holds no key")
    ring = Keyring(path, keys, active)
    with _lock:
        _cache.clear()
        _cache[cache_key] = ring
    return ring


def create(path: Path | None = None) -> tuple[Path, bool]:
    """Create the key file with a first random key unless it exists; ``(path, created)``."""
    path = path or key_path()
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    header = "# zhizhi audit keys (HMAC-SM3): '<key id> <hex>' a line; the last line is the active key\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(f"{header}k1 {secrets.token_hex(32)}\n")
    return path, True


def rotate(path: Path | None = None) -> str:
    """Append a new active key; older keys stay for verification. Returns the new key id."""
    ring = load(path)
    n = len(ring.keys) + 1
    while f"k{n}" in ring.keys:
        n += 1
    new_id = f"k{n}"
    with ring.path.open("a", encoding="utf-8") as out:
        out.write(f"{new_id} {secrets.token_hex(32)}\n")
    return new_id


def self_check() -> None:
    """OpenSSL's HMAC-SM3 and gmssl's agree on a known message (start-up and tests)."""
    key, data = b"zhizhi", b"abc"
    if SM3_BACKEND == "openssl" and _openssl_hmac_sm3(key, data) != gmssl_hmac_sm3(key, data):
        raise AuditKeyError("HMAC-SM3 实现不一致", "OpenSSL and gmssl disagree on HMAC-SM3")
