"""Pure parts: the ID number and credit code check characters, SM2 sign/verify, the key store."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from gmssl import sm2

from zhizhi.certificates import signing
from zhizhi.certificates.enums import HolderKind
from zhizhi.certificates.holders import check_holder_id, is_valid_id_number, is_valid_uscc
from zhizhi.core.errors import ServiceUnavailable, ValidationFailed


def test_id_numbers_of_the_standard() -> None:
    assert is_valid_id_number("11010519491231002X")  # GB 11643-1999's examples
    assert is_valid_id_number("440524188001010014")
    assert not is_valid_id_number("110105194912310021")  # wrong check character
    assert not is_valid_id_number("110105194902300028")  # 30 February
    assert not is_valid_id_number("11010519491231002")  # 17 characters
    assert check_holder_id(HolderKind.PERSON, " 11010519491231002x ") == "11010519491231002X"


def test_credit_codes_of_the_standard() -> None:
    assert is_valid_uscc("91350100M000100Y43")  # GB 32100-2015's example
    assert not is_valid_uscc("91350100M000100Y44")
    assert not is_valid_uscc("91350100M000100I43")  # I is not in the character set
    assert not is_valid_uscc("91AB0100M000100Y43")  # positions 3-8 are a division code
    with pytest.raises(ValidationFailed) as info:
        check_holder_id(HolderKind.ORGANISATION, "91350100M000100Y44", "holder.id")
    assert info.value.field == "holder.id"


def test_sm2_sign_and_verify() -> None:
    private, public = signing.generate_keypair()
    other_private, other_public = signing.generate_keypair()
    data = signing.canonical({"b": 1, "a": "长沙"})
    assert data == '{"a":"长沙","b":1}'.encode()
    sig = signing.sign(private, public, data)
    assert signing.verify(public, data, sig) is True
    assert signing.verify(public, data + b" ", sig) is False
    assert signing.verify(other_public, data, sig) is False
    assert signing.verify(public, data, signing.sign(other_private, other_public, data)) is False
    assert signing.verify(public, data, "0" * 128) is False  # r = s = 0 is out of range
    assert signing.verify(public, data, "zz") is False


def test_gmssl_reference_verifies_our_signature() -> None:
    """Our wrapper signs exactly what gmssl's own SM3-with-SM2 verification accepts."""
    private, public = signing.generate_keypair()
    data = b"certificate"
    sig = signing.sign(private, public, data)
    reference = sm2.CryptSM2(private_key=private, public_key="")
    reference.public_key = public
    assert reference.verify_with_sm3(sig, data)


def test_key_store_files_and_checks(tmp_path: Path) -> None:
    private, public = signing.generate_keypair()
    store = signing.KeyStore(tmp_path / "keys")
    path = store.write("D1-20260101-abcd", "D1", private, public)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert store.private_key("D1-20260101-abcd", public) == private
    _, other_public = signing.generate_keypair()
    with pytest.raises(ServiceUnavailable) as info:
        signing.KeyStore(tmp_path / "keys").private_key("D1-20260101-abcd", other_public)
    assert (
        info.value.en
        == "the key store's signing key D1-20260101-abcd does not match its registered public key"
    )
    with pytest.raises(ServiceUnavailable):
        store.private_key("D9-missing", public)
    with pytest.raises(ValueError):
        store.private_key("../etc/passwd", public)


def _openssl_sm2() -> bool:
    if shutil.which("openssl") is None:
        return False
    run = subprocess.run(["openssl", "genpkey", "-algorithm", "SM2"], capture_output=True, timeout=30)
    return run.returncode == 0


@pytest.mark.skipif(not _openssl_sm2(), reason="no OpenSSL with SM2 on this machine")
def test_openssl_agrees_both_ways(tmp_path: Path) -> None:
    """Our signatures verify in OpenSSL 3 (SM2 with SM3 and the default id 1234567812345678),
    and OpenSSL's verify with ours: the format is the standard one, not a gmssl dialect."""
    private, public = signing.generate_keypair()
    data = signing.canonical({"number": "91430104MA4L0K3C26", "holder": "长沙麓山餐饮管理有限公司"})
    (tmp_path / "pub.pem").write_text(signing.public_pem(public))
    (tmp_path / "data").write_bytes(data)
    (tmp_path / "sig").write_bytes(signing.signature_der(signing.sign(private, public, data)))
    verify = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin"]
    verify += ["-in", str(tmp_path / "data"), "-sigfile", str(tmp_path / "sig"), "-digest", "sm3"]
    verify += ["-pkeyopt", "distid:1234567812345678"]
    ok = subprocess.run(verify, capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout
    (tmp_path / "data").write_bytes(data + b" ")
    assert subprocess.run(verify, capture_output=True, timeout=30).returncode == 1
    # OpenSSL signs, we verify
    key = tmp_path / "key.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, timeout=30)
    der = subprocess.run(
        ["openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER"],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    (tmp_path / "data").write_bytes(data)
    sign = ["openssl", "pkeyutl", "-sign", "-inkey", str(key), "-rawin", "-in", str(tmp_path / "data")]
    sign += ["-digest", "sm3", "-pkeyopt", "distid:1234567812345678"]
    signature = subprocess.run(sign, capture_output=True, check=True, timeout=30).stdout
    their_public = signing.public_from_der(der)
    assert signing.verify(their_public, data, signing.signature_from_der(signature)) is True
    assert signing.verify(their_public, data + b" ", signing.signature_from_der(signature)) is False


def test_verification_is_remembered_only_for_the_same_data_signature_and_key() -> None:
    private, public = signing.generate_keypair()
    _, other_public = signing.generate_keypair()
    data = b"payload"
    sig = signing.sign(private, public, data)
    assert signing.verify_cached(public, data, sig) is True
    assert signing.verify_cached(public, data, sig) is True  # from the cache
    assert signing.verify_cached(public, data + b"!", sig) is False
    assert signing.verify_cached(other_public, data, sig) is False
    assert signing.verify_cached(public, data, sig[:-1] + ("0" if sig[-1] != "0" else "1")) is False
