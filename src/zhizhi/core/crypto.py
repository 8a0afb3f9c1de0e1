"""Chinese commercial cryptography helpers (SM3 hash).

SM3 comes from OpenSSL through :mod:`hashlib` when the local OpenSSL provides it (about 5 µs
for an audit entry) and from the pure-Python ``gmssl`` package otherwise (about 2.4 ms).  Both
give identical digests; a test checks that they agree.
"""

from __future__ import annotations

import hashlib

from gmssl import func, sm3


def _gmssl_sm3(data: bytes) -> str:
    return str(sm3.sm3_hash(func.bytes_to_list(data)))


def _openssl_sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def _pick() -> tuple[str, object]:
    try:
        if _openssl_sm3(b"abc") == _gmssl_sm3(b"abc"):
            return "openssl", _openssl_sm3
    except ValueError:  # OpenSSL built without SM3
        pass
    return "gmssl", _gmssl_sm3


SM3_BACKEND, _impl = _pick()


def sm3_hex(data: bytes) -> str:
    """SM3 digest of ``data`` as 64 lowercase hex characters."""
    return _impl(data)  # type: ignore[operator]


def gmssl_sm3_hex(data: bytes) -> str:
    """The reference implementation (pure Python ``gmssl``), for cross-checks."""
    return _gmssl_sm3(data)
