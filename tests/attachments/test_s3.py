"""The S3 adapter against a real S3-compatible server started here (moto's server mode, over
HTTP on a local port; boto3 talks to it exactly as to MinIO or a cloud's S3 endpoint)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tests.attachments import photos
from zhizhi.attachments import storage
from zhizhi.attachments.storage import S3Storage

moto_server = pytest.importorskip("moto.server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(endpoint: str) -> Iterator[S3Storage]:
    store = S3Storage(endpoint, "zhizhi-test", "test-key", "test-secret", "us-east-1")
    store.ensure_bucket()
    for key in store.list_keys():
        store.delete(key)
    storage.use(store)
    try:
        yield store
    finally:
        storage.use(None)


def test_adapter_round_trip(s3: S3Storage) -> None:
    s3.put("case/1/20260101000000-abc.jpg", b"\xff\xd8\xffdata", "image/jpeg")
    assert s3.exists("case/1/20260101000000-abc.jpg")
    assert s3.get("case/1/20260101000000-abc.jpg") == b"\xff\xd8\xffdata"
    head = s3.client.head_object(Bucket=s3.bucket, Key="case/1/20260101000000-abc.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert s3.list_keys("case/") == ["case/1/20260101000000-abc.jpg"]
    s3.delete("case/1/20260101000000-abc.jpg")
    assert not s3.exists("case/1/20260101000000-abc.jpg") and s3.list_keys() == []
    with pytest.raises(ValueError):
        s3.put("../escape", b"x", "image/jpeg")


def test_upload_through_the_api_lands_in_the_bucket(world: Any, s3: S3Storage) -> None:
    number = world.create()["number"]
    r = world.client.post(
        f"/api/v1/cases/{number}/attachments",
        files=[("files", ("a.jpg", photos.jpeg(), "image/jpeg"))],
        headers=world.h("agent"),
    )
    assert r.status_code == 201, r.text
    keys = s3.list_keys("case/")
    assert len(keys) == 2 and any(k.endswith("-thumb.jpg") for k in keys)
    att = r.json()[0]
    got = world.client.get(f"/api/v1/cases/{number}/attachments/{att['id']}", headers=world.h("agent"))
    assert got.status_code == 200 and got.content[:3] == b"\xff\xd8\xff"


def test_refused_upload_leaves_the_bucket_empty(world: Any, s3: S3Storage) -> None:
    number = world.create()["number"]
    r = world.client.post(
        f"/api/v1/cases/{number}/attachments",
        files=[
            ("files", ("a.jpg", photos.jpeg(), "image/jpeg")),
            ("files", ("b.jpg", photos.exe(), "image/jpeg")),
        ],
        headers=world.h("agent"),
    )
    assert r.status_code == 422 and s3.list_keys() == []
