"""SM2 signing and verification of an electronic certificate, against the floor of hashing it.

    .venv/bin/python bench/bench_certificates.py [--runs 3] [--seconds 3]

Per run and operation: as many operations as fit in ``--seconds``, reported as operations per
second; the median of ``--runs``. The payload is a realistic business licence's canonical
serialisation (``certificates.service.payload``, ~600 bytes). Measured in the same run:

* floor: SM3 of the payload (``core.crypto.sm3_hex``, OpenSSL's SM3 when present) — what an
  unsigned (B–D) certificate's integrity check costs;
* gmssl SM2 sign and verify (pure Python, what the platform uses);
* OpenSSL 3's SM2 through its command line (one process per operation; the only native SM2 on
  the machine without a new dependency) — an upper bound on what a subprocess can give;
* ECDSA P-256 through ``cryptography`` (native OpenSSL, not SM2): what a native curve costs.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from zhizhi.certificates import service, signing
from zhizhi.certificates.models import Certificate
from zhizhi.core.crypto import SM3_BACKEND, sm3_hex


def _payload() -> bytes:
    cert = Certificate(
        number="91430104MA4L0K3C26",
        type="business_licence",
        holder_kind="organisation",
        holder_name="长沙麓山餐饮管理有限公司",
        holder_id="91430104MA4L0K3C26",
        issuer_code="CS-SCJG",
        issuer_name="长沙市市场监督管理局",
        jurisdiction="430100000000",
        valid_from=date(2024, 3, 18),
        valid_to=None,
        issued_at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
        grade="A",
        key_id="CS-SCJG-20261201-0a1b2c3d",
        fields={
            "类型": "有限责任公司（自然人投资或控股）",
            "法定代表人": "刘建国",
            "注册资本": "伍拾万元整",
            "成立日期": "2024-03-18",
            "住所": "湖南省长沙市岳麓区麓山南路932号",
            "经营范围": "餐饮服务；食品销售",
        },
    )
    return signing.canonical(service.payload(cert))


def _rate(op: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        op()
        n += 1
    return n / elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    data = _payload()
    private, public = signing.generate_keypair()
    signature = signing.sign(private, public, data)
    ops: dict[str, Callable[[], object]] = {
        f"floor: SM3 of the payload ({SM3_BACKEND})": lambda: sm3_hex(data),
        "gmssl SM2 sign": lambda: signing.sign(private, public, data),
        "gmssl SM2 verify": lambda: signing.verify(public, data, signature),
        "SM2 verify remembered (the same certificate again)": lambda: signing.verify_cached(
            public, data, signature
        ),
    }
    try:  # not a dependency of Zhizhi: measured when it is installed
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        ec_key = ec.generate_private_key(ec.SECP256R1())
        ec_sig = ec_key.sign(data, ec.ECDSA(hashes.SHA256()))
        ops["cryptography ECDSA P-256 sign (not SM2)"] = lambda: ec_key.sign(data, ec.ECDSA(hashes.SHA256()))
        ops["cryptography ECDSA P-256 verify (not SM2)"] = lambda: ec_key.public_key().verify(
            ec_sig, data, ec.ECDSA(hashes.SHA256())
        )
    except ImportError:
        print("cryptography is not installed: ECDSA P-256 not measured")
    folder = Path(tempfile.mkdtemp())
    if shutil.which("openssl"):
        key = folder / "key.pem"
        subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True)
        (folder / "data").write_bytes(data)
        sign = [
            "openssl",
            "pkeyutl",
            "-sign",
            "-inkey",
            str(key),
            "-rawin",
            "-in",
            str(folder / "data"),
            "-digest",
            "sm3",
            "-pkeyopt",
            "distid:1234567812345678",
            "-out",
            str(folder / "sig"),
        ]
        subprocess.run(sign, check=True)
        ops["OpenSSL CLI SM2 sign (a process each)"] = lambda: subprocess.run(sign, check=True)
    results: dict[str, list[float]] = {name: [] for name in ops}
    print(f"payload {len(data)} bytes; {args.runs} runs of {args.seconds} s per operation")
    for _ in range(args.runs):
        for name, op in ops.items():
            results[name].append(_rate(op, args.seconds))
    floor = statistics.median(next(iter(results.values())))
    print(f"{'operation':48} {'ops/s median':>14} {'runs':>28} {'vs floor':>10}")
    for name, rates in results.items():
        med = statistics.median(rates)
        runs = " / ".join(f"{r:,.0f}" for r in rates)
        print(f"{name:48} {med:>14,.1f} {runs:>28} {med / floor:>10.5f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
