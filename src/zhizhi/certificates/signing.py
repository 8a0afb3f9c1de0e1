"""SM2 signatures over a canonical serialisation, and the key store of private keys.

Pure logic, no database. ``gmssl`` (pure Python, maintained, MIT) does SM2 with the SM3 digest
of GB/T 32918 / GM/T 0009 (``Z_A`` with the default user id ``1234567812345678``). Two of its
sharp edges are handled here: its nonce comes from :mod:`random` (so we pass one from
:mod:`secrets`), and its constructor strips leading ``0``/``4`` characters from a public key
that starts with ``04`` (so keys are set after construction).

The key store is a directory outside the database (setting ``certificate_keys_dir``) with one
JSON file per key, mode 0600: ``{key_id, department, private_key_wrapped, public_key,
created_at}``, the private key an SM4-GCM envelope under the data key (docs/crypto.md).
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from Cryptodome.Util.asn1 import DerSequence  # pycryptodomex, gmssl's own dependency
from gmssl import sm2

from zhizhi.core import clock, fieldcrypt
from zhizhi.core.crypto import sm3_hex
from zhizhi.core.errors import ServiceUnavailable

_TABLE = sm2.default_ecc_table
_N = int(_TABLE["n"], 16)
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,40}")
FORMAT_VERSION = 2  # 2: the private key wrapped with the SM4 data key (0017)


def canonical(payload: dict[str, Any]) -> bytes:
    """The bytes that are hashed and signed: JSON, keys sorted, no spaces, UTF-8, dates ISO."""

    def _default(value: object) -> str:
        if isinstance(value, date | datetime):
            return value.isoformat()
        raise TypeError(f"not serialisable: {type(value).__name__}")

    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)
    # a presented document may carry lone surrogates (JSON allows "\ud800"): hashed as they are,
    # they can never match a signature made over real text
    return text.encode("utf-8", "surrogatepass")


def digest(payload: dict[str, Any]) -> str:
    return sm3_hex(canonical(payload))


def check_code(digest_hex: str) -> str:
    """The short code a QR carries: the first 16 hex characters of the payload's SM3 digest."""
    return digest_hex[:16]


def _crypt(private_hex: str, public_hex: str) -> sm2.CryptSM2:
    c = sm2.CryptSM2(private_key=private_hex, public_key="")
    c.public_key = public_hex  # see the module docstring: never through the constructor
    return c


def public_of(private_hex: str) -> str:
    d = int(private_hex, 16)
    return str(_crypt(private_hex, "")._kg(d, _TABLE["g"]))


# SubjectPublicKeyInfo of an SM2 key: id-ecPublicKey with the curve sm2p256v1 (1.2.156.10197.1.301)
_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d03420004")


def public_pem(public_hex: str) -> str:
    """The public key as PEM (SubjectPublicKeyInfo), for verifiers outside the platform (OpenSSL)."""
    body = base64.encodebytes(_SPKI_PREFIX + bytes.fromhex(public_hex)).decode()
    return f"-----BEGIN PUBLIC KEY-----\n{body}-----END PUBLIC KEY-----\n"


def public_from_der(der: bytes) -> str:
    """The 128-hex public key of a DER SubjectPublicKeyInfo of an SM2 key."""
    if len(der) != len(_SPKI_PREFIX) + 64 or not der.startswith(_SPKI_PREFIX):
        raise ValueError("not an SM2 SubjectPublicKeyInfo")
    return der[len(_SPKI_PREFIX) :].hex()


def signature_der(signature: str) -> bytes:
    """``r || s`` (128 hex) as the DER SEQUENCE of two INTEGERs that OpenSSL reads."""
    return bytes(DerSequence([int(signature[:64], 16), int(signature[64:], 16)]).encode())


def signature_from_der(der: bytes) -> str:
    seq = DerSequence()
    seq.decode(der)
    r, s = seq[0], seq[1]
    if not isinstance(r, int) or not isinstance(s, int):
        raise ValueError("not an SM2 signature")
    return f"{r:064x}{s:064x}"


def generate_keypair() -> tuple[str, str]:
    """A fresh SM2 key pair (private d in [1, n-2] from :mod:`secrets`) as (64 hex, 128 hex)."""
    private_hex = f"{secrets.randbelow(_N - 2) + 1:064x}"
    return private_hex, public_of(private_hex)


def sign(private_hex: str, public_hex: str, data: bytes) -> str:
    """SM2 signature ``r || s`` (128 hex) of ``data`` with the SM3 digest (Z_A || data)."""
    crypt = _crypt(private_hex, public_hex)
    while True:
        k = f"{secrets.randbelow(_N - 1) + 1:064x}"
        signature = crypt.sign_with_sm3(data, k)
        if signature:  # None only for the rare k the standard tells to reject
            return str(signature)


def verify(public_hex: str, data: bytes, signature: str) -> bool:
    """True only for a well-formed signature (r, s in [1, n-1]) by the key ``public_hex``."""
    if not _HEX128.fullmatch(signature or "") or not _HEX128.fullmatch(public_hex or ""):
        return False
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    if not (0 < r < _N and 0 < s < _N):
        return False
    return bool(_crypt("0" * 64, public_hex).verify_with_sm3(signature, data))


_verified: LRUCache[tuple[str, str, str], bool] = LRUCache(maxsize=20_000)
_verified_lock = threading.Lock()


def verify_cached(public_hex: str, data: bytes, signature: str) -> bool:
    """:func:`verify`, remembered per process by (SM3 of the data, signature, public key): an SM2
    verification costs tens of milliseconds in pure Python, an SM3 microseconds, and the same
    certificate is verified again and again (each scan of its QR). Any change of the data, the
    signature or the key is a different entry, so a forgery is always checked for real."""
    entry = (sm3_hex(data), signature, public_hex)
    with _verified_lock:
        known = _verified.get(entry)
    if known is not None:
        return known
    result = verify(public_hex, data, signature)
    with _verified_lock:
        _verified[entry] = result
    return result


class KeyStore:
    """Private keys in files under ``directory`` (created 0700 on first write), each wrapped with
    the active SM4 data key (``core.fieldcrypt`` envelope, the key id as associated data): a copy
    of the directory without the data key file signs nothing. Unwrapped on use, kept in memory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._cache: dict[str, str] = {}

    def _path(self, key_id: str) -> Path:
        if not KEY_ID.fullmatch(key_id):
            raise ValueError(f"bad key id {key_id!r}")
        return self.directory / f"{key_id}.json"

    def write(self, key_id: str, department: str, private_hex: str, public_hex: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = self._path(key_id)
        body = {
            "format": FORMAT_VERSION,
            "key_id": key_id,
            "department": department,
            "algorithm": "SM2",
            "private_key_wrapped": fieldcrypt.encrypt(private_hex, wrap_context(key_id)),
            "public_key": public_hex,
            "created_at": clock.now().isoformat(),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(body, fh, ensure_ascii=False, indent=1)
        return path

    def private_key(self, key_id: str, public_hex: str) -> str:
        """The private key of ``key_id``, unwrapped and checked against the public key the
        database holds; 503 with a clear message when the file is missing, unreadable, still in
        plaintext, or does not match (a missing data key: 503 ``data_keys_unavailable``)."""
        cached = self._cache.get(key_id)
        if cached is not None:
            return cached
        path = self._path(key_id)
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            wrapped = body.get("private_key_wrapped")
            plain = "private_key" in body
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise ServiceUnavailable(
                f"签名密钥 {key_id} 不在密钥库中（{self.directory}），无法签发 A 级证照",
                f"signing key {key_id} is missing from the key store ({self.directory}); "
                "cannot issue grade A",
                field="grade",
            ) from None
        if not isinstance(wrapped, str):
            raise ServiceUnavailable(
                f"签名密钥 {key_id} 以明文存放{'' if plain else '或格式不对'}，拒绝使用"
                "（运行 `zhizhi certificates wrap-keys` 用数据密钥封装）",
                f"signing key {key_id} is stored in plaintext or malformed; refusing to use it "
                "(wrap it with the data key: `zhizhi certificates wrap-keys`)",
                field="grade",
            )
        private_hex = fieldcrypt.decrypt(wrapped, wrap_context(key_id))
        if not _HEX64.fullmatch(private_hex) or public_of(private_hex) != public_hex:
            raise ServiceUnavailable(
                f"密钥库中的签名密钥 {key_id} 与登记的公钥不符",
                f"the key store's signing key {key_id} does not match its registered public key",
                field="grade",
            )
        self._cache[key_id] = private_hex
        return private_hex

    def files(self) -> list[Path]:
        return sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []

    def rewrap(self, keys: fieldcrypt.KeySet | None = None, *, unwrap: bool = False) -> list[str]:
        """Wrap every plaintext key file, and re-wrap every file not under the active data key
        (migration 0017, ``zhizhi certificates wrap-keys``, ``zhizhi keys rotate``); with
        ``unwrap``, write them back in plaintext (the migration's downgrade). Key ids changed."""
        ks = keys or fieldcrypt.keyset()
        changed = []
        for path in self.files():
            body = json.loads(path.read_text(encoding="utf-8"))
            key_id = str(body.get("key_id") or path.stem)
            wrapped = body.get("private_key_wrapped")
            if unwrap:
                if wrapped is None:
                    continue
                body["private_key"] = fieldcrypt.decrypt(wrapped, wrap_context(key_id), ks)
                del body["private_key_wrapped"]
            elif wrapped is None:
                body["private_key_wrapped"] = fieldcrypt.encrypt(
                    str(body.pop("private_key")), wrap_context(key_id), ks
                )
            else:
                again = fieldcrypt.reencrypt(wrapped, wrap_context(key_id), ks)
                if again is None:
                    continue
                body["private_key_wrapped"] = again
            _replace(path, body)
            changed.append(key_id)
        return changed


def wrap_context(key_id: str) -> str:
    """The associated data of a wrapped key: a wrapped key copied under another id fails."""
    return f"certificate_keys.{key_id}"


def _replace(path: Path, body: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(body, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


_stores: dict[Path, KeyStore] = {}


def key_store(directory: Path) -> KeyStore:
    """One store (and its cache of checked keys) per directory per process."""
    directory = directory.resolve()
    if directory not in _stores:
        _stores[directory] = KeyStore(directory)
    return _stores[directory]
