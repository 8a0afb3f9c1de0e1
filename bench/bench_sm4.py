"""SM4 for field encryption: ``cryptography`` (OpenSSL: SM4-GCM, and SM4-CBC + HMAC-SM3) against
``gmssl`` (pure Python: SM4-CBC + HMAC-SM3 through hashlib), per field value (docs/crypto.md).

    .venv/bin/python bench/bench_sm4.py [--runs 5] [--n 2000]

Each run encrypts and decrypts ``n`` phone numbers and ``n`` 300-character appeal texts with
each implementation; prints the median µs per value over the runs, and the floor: an HMAC-SM3
of the same value (what the blind index costs, and the least any keyed operation costs).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import platform
import statistics
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmssl import sm4

from zhizhi.core import fieldcrypt

KEY, MAC_KEY = os.urandom(16), os.urandom(32)
KS = fieldcrypt.parse_keyset(
    {"format": fieldcrypt.FORMAT, "active": 1, "keys": {"1": {"key": KEY.hex()}}, "index_key": MAC_KEY.hex()},
    "bench",
)


def gcm_round(value: str) -> str:
    return fieldcrypt.decrypt(fieldcrypt.encrypt(value, "bench", KS), "bench", KS)


def _cbc_hmac(
    encrypt: Callable[[bytes, bytes], bytes], decrypt: Callable[[bytes, bytes], bytes], value: str
) -> str:
    iv = os.urandom(16)
    body = encrypt(iv, value.encode())
    tag = hmac.new(MAC_KEY, iv + body, "sm3").digest()
    assert hmac.compare_digest(tag, hmac.new(MAC_KEY, iv + body, "sm3").digest())
    return decrypt(iv, body).decode()


def _openssl_cbc_enc(iv: bytes, data: bytes) -> bytes:
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.SM4(KEY), modes.CBC(iv)).encryptor()
    return enc.update(padder.update(data) + padder.finalize()) + enc.finalize()


def _openssl_cbc_dec(iv: bytes, body: bytes) -> bytes:
    dec = Cipher(algorithms.SM4(KEY), modes.CBC(iv)).decryptor()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(dec.update(body) + dec.finalize()) + unpadder.finalize()


_G_ENC, _G_DEC = sm4.CryptSM4(), sm4.CryptSM4()
_G_ENC.set_key(KEY, sm4.SM4_ENCRYPT)
_G_DEC.set_key(KEY, sm4.SM4_DECRYPT)


def openssl_cbc_round(value: str) -> str:
    return _cbc_hmac(_openssl_cbc_enc, _openssl_cbc_dec, value)


def gmssl_cbc_round(value: str) -> str:
    return _cbc_hmac(
        lambda iv, d: bytes(_G_ENC.crypt_cbc(iv, d)), lambda iv, b: bytes(_G_DEC.crypt_cbc(iv, b)), value
    )


def floor_round(value: str) -> str:
    fieldcrypt.blind_index("phone", value, KS)
    return value


CANDIDATES = {
    "cryptography SM4-GCM (chosen)": gcm_round,
    "cryptography SM4-CBC + HMAC-SM3": openssl_cbc_round,
    "gmssl SM4-CBC + HMAC-SM3": gmssl_cbc_round,
    "floor: HMAC-SM3 only": floor_round,
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    values = {
        "phone (11 chars)": "13812345678",
        "text (300 chars)": ("麓山南路工地夜间施工噪音扰民" * 22)[:300],
    }
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(args.runs):  # interleaved runs
        for label, fn in CANDIDATES.items():
            for kind, value in values.items():
                assert fn(value) == value
                n = args.n if "gmssl" not in label else max(args.n // 20, 50)
                start = time.perf_counter()
                for _ in range(n):
                    fn(value)
                results.setdefault((label, kind), []).append((time.perf_counter() - start) / n * 1e6)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{hashlib.new('sm3').name} via OpenSSL, {args.runs} runs, medians\n"
    )
    print("| implementation | value | µs per encrypt + decrypt | × floor |\n|---|---|---:|---:|")
    for (label, kind), times in results.items():
        floor = statistics.median(results[("floor: HMAC-SM3 only", kind)])
        med = statistics.median(times)
        print(f"| {label} | {kind} | {med:.1f} | {med / floor:.1f} |")


if __name__ == "__main__":
    main()
