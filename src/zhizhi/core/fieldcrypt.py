"""Field-level encryption of personal data at rest (SM4-GCM) and keyed blind indexes (HMAC-SM3).

Model, envelope and key handling are described in docs/crypto.md. In short:

* A value is stored as the text envelope ``sm4g:<version>:<base64url(nonce ‖ ciphertext ‖ tag)>``:
  SM4 in GCM mode (authenticated: a changed byte fails to decrypt, never decrypts to something
  else) with a random 96-bit nonce, the key ``version`` in clear so rotation can find what to
  re-encrypt, and the column (``cases.contact_phone`` …) as associated data, so a ciphertext
  copied into another column does not decrypt.
* Keys come from a key file (``ZHIZHI_DATA_KEYS_FILE``) or a KMS over HTTP
  (``ZHIZHI_DATA_KEYS_URL``), never from the database; the database holds only each key's check
  value (``keys`` package), compared at start-up.
* A blind index is HMAC-SM3 under a separate index key of a normalised value: equal values have
  equal indexes, so search by phone works without the phone in clear.

There is no plaintext fallback: without a usable key every encryption and decryption raises
:class:`KeyConfigError` (a bilingual message), and the composition roots refuse to start.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import os
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as chmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import Text
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

from zhizhi.core.errors import DomainError

PREFIX = "sm4g"
FORMAT = "zhizhi-data-keys/1"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 16  # SM4 is a 128-bit block cipher with a 128-bit key
INDEX_KEY_BYTES = 32


class KeyConfigError(DomainError):
    """No usable data key: missing, malformed, wrong, or unknown version. Never caught to write
    plaintext instead; a request that meets it gets 503 in both languages."""

    status = 503
    code = "data_keys_unavailable"


# ---- key sets ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeySet:
    """The usable data keys: ``active`` encrypts, every version in ``keys`` decrypts. The blind
    index keys are versioned too: ``index_key`` (version ``index_active``) computes new indexes,
    every version in ``index_keys`` is searched (during an index rotation, docs/crypto.md)."""

    active: int
    keys: dict[int, bytes]
    index_key: bytes
    retired: frozenset[int] = frozenset()
    source: str = ""
    index_active: int = 1
    index_keys: dict[int, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.index_keys:
            object.__setattr__(self, "index_keys", {self.index_active: self.index_key})

    def check_value(self, version: int) -> str:
        return key_check_value(self.keys[version])

    def index_check_value(self, version: int | None = None) -> str:
        return key_check_value(self.index_keys[version or self.index_active])

    def index_versions(self) -> list[int]:
        """Usable index key versions, the active one first (search tries each)."""
        return [self.index_active, *sorted(v for v in self.index_keys if v != self.index_active)]


def key_check_value(key: bytes) -> str:
    """16 hex characters that identify ``key`` without revealing it (HMAC-SM3 of a constant)."""
    return _hmac_sm3(key, b"zhizhi key check value").hex()[:16]


def _hex_key(value: Any, size: int, what: str) -> bytes:
    try:
        raw = bytes.fromhex(str(value))
    except ValueError:
        raw = b""
    if len(raw) != size:
        raise KeyConfigError(
            f"数据密钥文件中 {what} 不是 {size * 2} 位十六进制数",
            f"{what} in the data key file is not {size * 2} hex digits",
        )
    return raw


def parse_keyset(doc: Any, source: str) -> KeySet:
    """The key set described by ``doc`` (the JSON of a key file or a KMS answer)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise KeyConfigError(
            f"数据密钥格式不正确（应为 {FORMAT}）：{source}",
            f"the data keys are not in the {FORMAT} format: {source}",
        )
    entries = doc.get("keys")
    if not isinstance(entries, dict) or not entries:
        raise KeyConfigError(f"数据密钥中没有密钥：{source}", f"no keys in the data keys: {source}")
    keys: dict[int, bytes] = {}
    retired: set[int] = set()
    for name, entry in entries.items():
        if not str(name).isdigit() or not isinstance(entry, dict):
            raise KeyConfigError(f"密钥版本 {name} 格式不正确", f"key version {name} is malformed")
        if entry.get("state") == "retired":
            retired.add(int(name))
            continue
        keys[int(name)] = _hex_key(entry.get("key"), KEY_BYTES, f"key {name}")
    active = doc.get("active")
    if not isinstance(active, int) or active not in keys:
        raise KeyConfigError(
            f"数据密钥中的当前版本 {active} 不存在或已停用：{source}",
            f"the active data key version {active} is missing or retired: {source}",
        )
    index_keys, index_active = _index_keys(doc, source)
    return KeySet(
        active, keys, index_keys[index_active], frozenset(retired), source, index_active, index_keys
    )


def _index_keys(doc: dict[str, Any], source: str) -> tuple[dict[int, bytes], int]:
    """The blind-index keys: ``index_keys`` (versions, like ``keys``) with ``index_active``, or
    the single ``index_key`` of a key file written before index rotation (version 1)."""
    entries = doc.get("index_keys")
    if entries is None:  # (a JSON null too)
        return {1: _hex_key(doc.get("index_key"), INDEX_KEY_BYTES, "index_key")}, 1
    if not isinstance(entries, dict):
        raise KeyConfigError(f"盲索引密钥格式不正确：{source}", f"index_keys is malformed: {source}")
    out: dict[int, bytes] = {}
    for name, entry in entries.items():
        if not str(name).isdigit() or not isinstance(entry, dict):
            raise KeyConfigError(
                f"盲索引密钥版本 {name} 格式不正确", f"index key version {name} is malformed"
            )
        if entry.get("state") != "retired":
            out[int(name)] = _hex_key(entry.get("key"), INDEX_KEY_BYTES, f"index key {name}")
    active = doc.get("index_active")
    if not isinstance(active, int) or active not in out:
        raise KeyConfigError(
            f"当前盲索引密钥版本 {active} 不存在或已停用：{source}",
            f"the active index key version {active} is missing or retired: {source}",
        )
    return out, active


def new_key_document() -> dict[str, Any]:
    """A fresh key set: version 1 active and a new index key (``zhizhi keys init``)."""
    return {
        "format": FORMAT,
        "active": 1,
        "keys": {"1": {"key": os.urandom(KEY_BYTES).hex(), "state": "active"}},
        "index_key": os.urandom(INDEX_KEY_BYTES).hex(),
    }


class KeySource(Protocol):
    """Where the key set comes from: a key file or a KMS adapter."""

    def describe(self) -> str: ...

    def fetch(self) -> dict[str, Any]: ...

    def stamp(self) -> object:
        """Changes when the keys may have changed (a file's mtime); ``None``: ask every time the
        refresh interval has passed."""


@dataclass
class FileKeySource:
    path: Path

    def describe(self) -> str:
        return str(self.path)

    def stamp(self) -> object:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def fetch(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise KeyConfigError(
                f"找不到数据密钥文件 {self.path}（运行 `zhizhi keys init` 生成，并妥善备份）",
                f"data key file {self.path} not found (create it with `zhizhi keys init` and back it up)",
            ) from None
        except OSError as exc:
            raise KeyConfigError(
                f"无法读取数据密钥文件 {self.path}：{exc.strerror}",
                f"cannot read the data key file {self.path}: {exc.strerror}",
            ) from None
        try:
            return dict(json.loads(text))
        except (ValueError, TypeError):
            raise KeyConfigError(
                f"数据密钥文件 {self.path} 不是有效的 JSON", f"data key file {self.path} is not valid JSON"
            ) from None


@dataclass
class HttpKmsKeySource:
    """A key management service over HTTP: ``GET url`` (with a bearer token when given) answers
    the key set as JSON in the key-file format. The adapter for a city's KMS."""

    url: str
    token: str | None = None
    timeout: float = 5.0
    headers: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return self.url

    def stamp(self) -> object:
        return None

    def fetch(self) -> dict[str, Any]:
        if not self.url.startswith(("http://", "https://")):
            raise KeyConfigError(
                f"密钥服务地址必须是 http(s)：{self.url}", f"the KMS URL must be http(s): {self.url}"
            )
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            self.url, headers={"Accept": "application/json", **self.headers}
        )
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return dict(json.loads(response.read().decode("utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            raise KeyConfigError(
                f"无法从密钥服务 {self.url} 取得数据密钥：{exc}",
                f"cannot fetch the data keys from the KMS at {self.url}: {exc}",
            ) from None


# ---- the process's key set ---------------------------------------------------------------------


class _Ring:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.source: KeySource | None = None
        self.keyset: KeySet | None = None
        self.stamp: object = None
        self.checked = 0.0
        self.refresh_seconds = 5.0


_RING = _Ring()


def source_from_settings() -> KeySource:
    from zhizhi.core.settings import get_settings

    settings = get_settings()
    if settings.data_keys_url:
        return HttpKmsKeySource(settings.data_keys_url, settings.data_keys_token or None)
    return FileKeySource(Path(settings.data_keys_file))


def configure(source: KeySource | None = None, *, refresh_seconds: float | None = None) -> KeySet:
    """Load the key set from ``source`` (default: the settings) for this process; raises
    :class:`KeyConfigError` when it cannot. Later calls of :func:`keyset` re-read it when it
    changes (a rotation adds a version) at most every ``refresh_seconds``."""
    from zhizhi.core.settings import get_settings

    src = source or source_from_settings()
    loaded = parse_keyset(src.fetch(), src.describe())
    with _RING.lock:
        _RING.source, _RING.keyset = src, loaded
        _RING.stamp, _RING.checked = src.stamp(), time.monotonic()
        _RING.refresh_seconds = (
            refresh_seconds if refresh_seconds is not None else get_settings().data_keys_refresh_seconds
        )
    return loaded


def reset() -> None:
    """Forget the loaded key set (tests; the next use loads it from the settings again)."""
    with _RING.lock:
        _RING.source = _RING.keyset = None


def keyset(*, force: bool = False) -> KeySet:
    """The current key set, loaded from the settings on first use, re-read when its source
    changed. Raises :class:`KeyConfigError` when there is none."""
    ring = _RING
    current = ring.keyset
    if current is None:
        return configure()
    now = time.monotonic()
    if force or now - ring.checked >= ring.refresh_seconds:
        assert ring.source is not None
        stamp = ring.source.stamp()
        ring.checked = now
        if force or stamp is None or stamp != ring.stamp:
            fresh = parse_keyset(ring.source.fetch(), ring.source.describe())
            with ring.lock:
                ring.keyset, ring.stamp = fresh, stamp
            return fresh
    return current


# ---- encryption --------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aad(context: str, version: int) -> bytes:
    return f"{PREFIX}:{version}:{context}".encode()


def encrypt(plain: str, context: str, keys: KeySet | None = None) -> str:
    """``plain`` as an envelope under the active key; ``context`` names the column."""
    ks = keys or keyset()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(ks.keys[ks.active]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(_aad(context, ks.active))
    body = encryptor.update(plain.encode("utf-8")) + encryptor.finalize()
    return f"{PREFIX}:{ks.active}:{_b64(nonce + body + encryptor.tag)}"


def envelope_version(token: str) -> int | None:
    """The key version of an envelope; ``None`` when ``token`` is not one (plaintext)."""
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1].isdigit():
        return None
    return int(parts[1])


def decrypt(token: str, context: str, keys: KeySet | None = None) -> str:
    """The plaintext of an envelope. A value that is not an envelope, a version no key has, or
    an envelope that fails authentication (wrong key, changed bytes, another column's value)
    raises :class:`KeyConfigError`: nothing unauthenticated is ever handed out."""
    version = envelope_version(token)
    if version is None:
        raise KeyConfigError(
            f"{context} 中有未加密或无法识别的值", f"{context} holds a value that is not an SM4 envelope"
        )
    ks = keys or keyset()
    if version not in ks.keys and keys is None:
        ks = keyset(force=True)  # a rotation in another process may have added it
    key = ks.keys.get(version)
    if key is None:
        raise KeyConfigError(
            f"没有版本 {version} 的数据密钥（{ks.source}），无法解密 {context}",
            f"no data key of version {version} in {ks.source}: cannot decrypt {context}",
        )
    try:
        raw = _unb64(token.split(":", 2)[2])
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise KeyConfigError(f"{context} 中的密文已损坏", f"a ciphertext in {context} is damaged")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(_aad(context, version))
    try:
        plain = decryptor.update(body) + decryptor.finalize()
    except InvalidTag:
        raise KeyConfigError(
            f"{context} 的密文校验失败：数据密钥不对，或数据被改动",
            f"a ciphertext in {context} failed authentication: wrong data key or altered data",
        ) from None
    return plain.decode("utf-8")


def reencrypt(token: str, context: str, keys: KeySet) -> str | None:
    """``token`` under the active key, or ``None`` when it already is (rotation)."""
    if envelope_version(token) == keys.active:
        return None
    return encrypt(decrypt(token, context, keys), context, keys)


# ---- blind indexes -----------------------------------------------------------------------------


def _hmac_sm3_cryptography(key: bytes, data: bytes) -> bytes:
    mac = chmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def _hmac_sm3_hashlib(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, "sm3").digest()


def _pick_hmac() -> Any:
    """hashlib's HMAC (OpenSSL's SM3, a few µs) when the local OpenSSL has SM3, else the same
    HMAC-SM3 through ``cryptography`` (tens of µs: an object per call); both give equal MACs."""
    try:
        if _hmac_sm3_hashlib(b"k", b"abc") == _hmac_sm3_cryptography(b"k", b"abc"):
            return _hmac_sm3_hashlib
    except ValueError:
        pass
    return _hmac_sm3_cryptography


_hmac_sm3 = _pick_hmac()


def blind_index(
    kind: str, value: str, keys: KeySet | None = None, *, length: int = 32, version: int | None = None
) -> str:
    """HMAC-SM3 (index key ``version``, default the active one) of ``kind`` and ``value``, the
    first ``length`` hex characters."""
    ks = keys or keyset()
    key = ks.index_keys[version] if version is not None else ks.index_key
    return _hmac_sm3(key, f"{kind}\x00{value}".encode()).hex()[:length]


TAIL_DIGITS = 4


def phone_index(phone: str | None, keys: KeySet | None = None, *, version: int | None = None) -> str | None:
    """The blind index of a normalised phone number (all its digits)."""
    return blind_index("phone", phone, keys, version=version) if phone else None


def phone_tail_index(
    phone: str | None, keys: KeySet | None = None, *, version: int | None = None
) -> str | None:
    """The blind index of a phone's last 4 digits (the workbench's "last 4 digits" search),
    shortened to 16 hex characters: there are only 10,000 tails, so it says little anyway."""
    if not phone or len(phone) < TAIL_DIGITS:
        return None
    return blind_index("phone-tail", phone[-TAIL_DIGITS:], keys, length=16, version=version)


def phone_indexes(phone: str, *, tail: bool = False) -> list[str]:
    """The phone's (or its tail's) blind index under every usable index key version: what a
    search looks for, so it finds every case before, during and after an index rotation."""
    ks = keyset()
    make = phone_tail_index if tail else phone_index
    return [i for v in ks.index_versions() if (i := make(phone, ks, version=v)) is not None]


def id_number_index(
    value: str | None, keys: KeySet | None = None, *, version: int | None = None
) -> str | None:
    """The blind index of an ID number (upper-case ``X``): provider tables are looked up by it."""
    return blind_index("id-number", value.strip().upper(), keys, version=version) if value else None


def id_number_indexes(value: str) -> list[str]:
    """The ID number's blind index under every usable index key version (lookups during a rotation)."""
    ks = keyset()
    return [i for v in ks.index_versions() if (i := id_number_index(value, ks, version=v)) is not None]


@dataclass(frozen=True)
class BlindIndexes:
    """A table's blind indexes and the encrypted column they are computed from: each domain
    declares its own, the index rotation (``keys`` package) recomputes them."""

    table: str
    source: str  # the encrypted column
    context: str  # its encryption context
    indexes: dict[str, Any]  # index column → function (value, keys, *, version) → index


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


# ---- the mapped column type ----------------------------------------------------------------------


class EncryptedText(TypeDecorator[str]):
    """A text column stored as an SM4-GCM envelope, read back as plaintext: ORM attributes and
    selected columns are plaintext in Python, ciphertext in the database.

    The key is looked up when a value is written or read, never at import. Comparing such a
    column in SQL (``==``, ``LIKE`` …) would compare ciphertexts, which never match: the
    comparator refuses it; search through a blind index column instead."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    class comparator_factory(Text.Comparator[str]):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            if op in (operators.is_, operators.is_not):  # NULL tests see no plaintext
                return super().operate(op, *other, **kwargs)
            raise TypeError("encrypted columns cannot be compared in SQL; use their blind index")

        def reverse_operate(self, op: Any, other: Any, **kwargs: Any) -> Any:
            raise TypeError("encrypted columns cannot be compared in SQL; use their blind index")

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return encrypt(value, self.context)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return decrypt(value, self.context)


_TABLES: dict[str, dict[str, str]] = {}


def register_table(table: str, columns: dict[str, str]) -> None:
    """Name a table's encrypted columns (``{column: context}``) for key rotation (``zhizhi keys
    rotate``), for domains the keys capability cannot import (siblings such as notifications)."""
    _TABLES[table] = dict(columns)


def registered_tables() -> list[tuple[str, dict[str, str]]]:
    return sorted(_TABLES.items())


def encrypted_columns(model: Any) -> dict[str, str]:
    """``{column: context}`` of a mapped class's :class:`EncryptedText` columns."""
    return {c.name: c.type.context for c in model.__table__.columns if isinstance(c.type, EncryptedText)}
