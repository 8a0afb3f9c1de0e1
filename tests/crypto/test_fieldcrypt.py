"""SM4-GCM envelopes, key sets from a file and from a KMS over HTTP, blind indexes (no database)."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table

from zhizhi.core import fieldcrypt
from zhizhi.core.fieldcrypt import (
    EncryptedText,
    FileKeySource,
    HttpKmsKeySource,
    KeyConfigError,
    decrypt,
    encrypt,
    parse_keyset,
)

KEY1 = "00112233445566778899aabbccddeeff"
KEY2 = "ffeeddccbbaa99887766554433221100"
INDEX = "11" * 32


def doc(active: int = 1, **extra: object) -> dict[str, object]:
    keys: dict[str, object] = {"1": {"key": KEY1, "state": "active"}}
    if active == 2:
        keys = {"1": {"key": KEY1, "state": "decrypt"}, "2": {"key": KEY2, "state": "active"}}
    return {"format": "zhizhi-data-keys/1", "active": active, "keys": keys, "index_key": INDEX} | extra


def test_envelope_round_trip_and_format() -> None:
    ks = parse_keyset(doc(), "test")
    token = encrypt("13812345678", "cases.contact_phone", ks)
    prefix, version, body = token.split(":")
    assert (prefix, version) == ("sm4g", "1")
    assert len(body) == 52  # base64url of 12 nonce + 11 ciphertext + 16 tag bytes, unpadded
    assert decrypt(token, "cases.contact_phone", ks) == "13812345678"
    assert encrypt("13812345678", "cases.contact_phone", ks) != token  # a fresh nonce each time
    assert decrypt(encrypt("张三", "cases.contact_name", ks), "cases.contact_name", ks) == "张三"


def test_a_changed_byte_another_column_or_another_key_never_decrypts() -> None:
    ks = parse_keyset(doc(), "test")
    token = encrypt("13812345678", "cases.contact_phone", ks)
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(KeyConfigError, match="failed authentication"):
        decrypt(flipped, "cases.contact_phone", ks)
    with pytest.raises(KeyConfigError, match="failed authentication"):
        decrypt(token, "users.phone", ks)  # the column is associated data
    other = parse_keyset(doc() | {"keys": {"1": {"key": KEY2, "state": "active"}}}, "other")
    with pytest.raises(KeyConfigError, match="wrong data key or altered data"):
        decrypt(token, "cases.contact_phone", other)
    with pytest.raises(KeyConfigError, match="not an SM4 envelope"):
        decrypt("13812345678", "cases.contact_phone", ks)  # plaintext is never handed out
    with pytest.raises(KeyConfigError, match="damaged"):
        decrypt("sm4g:1:AAAA", "cases.contact_phone", ks)


def test_versions_rotation_and_unknown_version() -> None:
    old = parse_keyset(doc(), "v1")
    new = parse_keyset(doc(active=2), "v2")
    token = encrypt("13812345678", "c", old)
    assert fieldcrypt.envelope_version(token) == 1
    again = fieldcrypt.reencrypt(token, "c", new)
    assert again is not None and fieldcrypt.envelope_version(again) == 2
    assert decrypt(again, "c", new) == "13812345678"
    assert fieldcrypt.reencrypt(again, "c", new) is None  # already under the active key
    with pytest.raises(KeyConfigError, match="no data key of version 2"):
        decrypt(again, "c", old)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "not in the zhizhi-data-keys/1 format"),
        (doc(format="other"), "not in the zhizhi-data-keys/1 format"),
        (doc(keys={}), "no keys"),
        (doc(active=3), "active data key version 3 is missing"),
        (doc(keys={"1": {"key": KEY1, "state": "retired"}}), "active data key version 1 is missing"),
        (
            doc(keys={"1": {"key": "abc", "state": "active"}}),
            "key 1 in the data key file is not 32 hex digits",
        ),
        (doc(keys={"x": {"key": KEY1}}), "key version x is malformed"),
        (doc(index_key="00"), "index_key in the data key file is not 64 hex digits"),
    ],
)
def test_malformed_key_sets_are_refused_in_both_languages(document: object, message: str) -> None:
    with pytest.raises(KeyConfigError, match=message) as caught:
        parse_keyset(document, "test")
    assert caught.value.zh != caught.value.en
    assert any("\u4e00" <= ch <= "\u9fff" for ch in caught.value.zh)


def test_key_file_missing_or_not_json(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(KeyConfigError) as caught:
        FileKeySource(missing).fetch()
    assert caught.value.zh == f"找不到数据密钥文件 {missing}（运行 `zhizhi keys init` 生成，并妥善备份）"
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(KeyConfigError, match="is not valid JSON"):
        FileKeySource(bad).fetch()


def test_blind_indexes_depend_on_the_index_key_only() -> None:
    ks = parse_keyset(doc(), "a")
    rotated = parse_keyset(doc(active=2), "b")
    other = parse_keyset(doc(index_key="22" * 32), "c")
    idx = fieldcrypt.phone_index("13812345678", ks)
    assert idx is not None and len(idx) == 32
    assert fieldcrypt.phone_index("13812345678", rotated) == idx  # data key rotation keeps indexes
    assert fieldcrypt.phone_index("13812345678", other) != idx
    assert fieldcrypt.phone_index("13812345679", ks) != idx
    tail = fieldcrypt.phone_tail_index("13812345678", ks)
    assert tail == fieldcrypt.phone_tail_index("13900005678", ks)
    assert tail is not None and len(tail) == 16
    assert fieldcrypt.phone_tail_index("123", ks) is None
    assert fieldcrypt.phone_index(None, ks) is None


def test_encrypted_columns_refuse_sql_comparisons() -> None:
    table = Table("t", MetaData(), Column("id", Integer), Column("secret", EncryptedText("t.secret")))
    with pytest.raises(TypeError, match="use their blind index"):
        _ = table.c.secret == "13812345678"
    with pytest.raises(TypeError, match="use their blind index"):
        table.c.secret.like("%5678")
    assert str(table.c.secret.is_(None)) == "t.secret IS NULL"


# ---- the KMS adapter against a local HTTP server ------------------------------------------------


class _Kms(BaseHTTPRequestHandler):
    answer: bytes = b""
    seen: list[str | None] = []  # noqa: RUF012

    def do_GET(self) -> None:
        _Kms.seen.append(self.headers.get("Authorization"))
        if self.headers.get("Authorization") != "Bearer s3cret":
            self.send_response(401)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(_Kms.answer)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def kms() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Kms)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Kms.answer, _Kms.seen = json.dumps(doc(active=2)).encode(), []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/keys/zhizhi"
    server.shutdown()
    server.server_close()


def test_http_kms_adapter_fetches_the_key_set(kms: str) -> None:
    ks = parse_keyset(HttpKmsKeySource(kms, "s3cret").fetch(), kms)
    assert (ks.active, sorted(ks.keys)) == (2, [1, 2])
    assert _Kms.seen == ["Bearer s3cret"]
    with pytest.raises(KeyConfigError, match="cannot fetch the data keys from the KMS"):
        HttpKmsKeySource(kms, "wrong").fetch()
    _Kms.answer = b"not json"
    with pytest.raises(KeyConfigError, match="cannot fetch the data keys from the KMS"):
        HttpKmsKeySource(kms, "s3cret").fetch()
    with pytest.raises(KeyConfigError, match="must be http"):
        HttpKmsKeySource("file:///etc/passwd").fetch()


def test_configure_from_a_kms_then_reset(kms: str) -> None:
    try:
        ks = fieldcrypt.configure(HttpKmsKeySource(kms, "s3cret"))
        assert fieldcrypt.keyset() is ks
        token = encrypt("x", "c")
        assert token.startswith("sm4g:2:")
    finally:
        fieldcrypt.reset()
    assert fieldcrypt.keyset().source == os.environ["ZHIZHI_DATA_KEYS_FILE"]
