"""Signing keys at rest are wrapped with the SM4 data key (issue 12, docs/crypto.md): no private
key in clear in the key store; plaintext files from before are refused until wrapped (migration
0017 or ``zhizhi certificates wrap-keys``); certificates issued before still verify; a data key
rotation re-wraps them."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.certificates.conftest import issue, licence, title
from zhizhi.certificates import signing
from zhizhi.cli.main import app
from zhizhi.core import fieldcrypt

VERIFY = "/api/v1/certificates/verify"


def _outcome(world: Any, number: str) -> str:
    r = world.client.get(VERIFY, params={"number": number})
    assert r.status_code == 200, r.text
    return str(r.json()["outcome"])


def _fresh_store(keys_dir: Path) -> signing.KeyStore:
    signing._stores.clear()  # a new process: nothing unwrapped in memory
    return signing.key_store(keys_dir)


def test_the_key_store_holds_no_private_key_in_clear(city: Any, keys_dir: Path) -> None:
    files = sorted(keys_dir.glob("*.json"))
    assert len(files) == 2
    for path in files:
        body = json.loads(path.read_text())
        assert "private_key" not in body and body["format"] == 2
        assert body["private_key_wrapped"].startswith("sm4g:")
        private = fieldcrypt.decrypt(body["private_key_wrapped"], signing.wrap_context(body["key_id"]))
        assert signing.public_of(private) == body["public_key"]
        assert private not in path.read_text()
        assert (path.stat().st_mode & 0o777) == 0o600
    _fresh_store(keys_dir)
    out = issue(city, "clerk_zrzy", title())  # unwrapped on use
    assert _outcome(city, out["number"]) == "valid"


def test_plaintext_files_are_refused_then_wrapped_and_old_certificates_still_verify(
    city: Any, keys_dir: Path
) -> None:
    before = issue(city, "clerk_scj", licence())
    store = _fresh_store(keys_dir)
    assert len(store.rewrap(unwrap=True)) == 2  # the key store as it was before 0017: plaintext
    assert all("private_key" in json.loads(p.read_text()) for p in keys_dir.glob("*.json"))
    _fresh_store(keys_dir)
    r = city.client.post("/api/v1/certificates", json=title(), headers=city.h("clerk_zrzy"))
    assert r.status_code == 503, r.text
    assert "wrap-keys" in r.json()["message"]["en"]
    assert _outcome(city, before["number"]) == "valid"  # verification needs only the public key
    migration = importlib.import_module("zhizhi.migrations.versions.0017_gaps12b")
    migration._wrap_signing_keys(fieldcrypt.keyset())  # what the upgrade runs
    assert all("private_key" not in json.loads(p.read_text()) for p in keys_dir.glob("*.json"))
    result = CliRunner().invoke(app, ["certificates", "wrap-keys"])  # again: nothing left to do
    assert result.exit_code == 0 and "wrapped 0 signing key(s)" in result.output, result.output
    _fresh_store(keys_dir)
    after = issue(city, "clerk_zrzy", title())
    assert (_outcome(city, before["number"]), _outcome(city, after["number"])) == ("valid", "valid")


def test_a_wrapped_key_copied_under_another_id_does_not_unwrap(city: Any, keys_dir: Path) -> None:
    scj, zrzy = sorted(keys_dir.glob("*.json"))
    body = json.loads(zrzy.read_text())
    body["private_key_wrapped"] = json.loads(scj.read_text())["private_key_wrapped"]
    zrzy.write_text(json.dumps(body))
    _fresh_store(keys_dir)
    r = city.client.post("/api/v1/certificates", json=title(), headers=city.h("clerk_zrzy"))
    assert (r.status_code, r.json()["code"]) == (503, "data_keys_unavailable")


def test_data_key_rotation_rewraps_signing_keys(
    city: Any, keys_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os

    from zhizhi.core.settings import get_settings
    from zhizhi.keys import service as keys

    shared = os.environ["ZHIZHI_DATA_KEYS_FILE"]
    own = tmp_path / "keys.json"
    own.write_bytes(Path(shared).read_bytes())
    monkeypatch.setenv("ZHIZHI_DATA_KEYS_FILE", str(own))
    get_settings.cache_clear()
    fieldcrypt.reset()
    try:
        before = issue(city, "clerk_scj", licence())
        keys.startup()
        report = keys.rotate(batch_size=100, grace=0)
        assert report.rows_changed["certificate_keys"] == 2 and report.retired == [1]
        for path in keys_dir.glob("*.json"):
            assert json.loads(path.read_text())["private_key_wrapped"].startswith("sm4g:2:")
        _fresh_store(keys_dir)
        after = issue(city, "clerk_zrzy", title())  # signs with a key unwrapped under version 2
        assert (_outcome(city, before["number"]), _outcome(city, after["number"])) == ("valid", "valid")
    finally:
        monkeypatch.setenv("ZHIZHI_DATA_KEYS_FILE", shared)
        get_settings.cache_clear()
        fieldcrypt.reset()
