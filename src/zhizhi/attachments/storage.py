"""The storage port and its two adapters: a local directory (default) and S3-compatible object
storage through boto3 (MinIO, Ceph RGW, the clouds' OSS/COS/OBS S3 endpoints).

Keys are ours (``case/<case id>/<random>.<ext>``), never a user's file name."""

from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from zhizhi.core.settings import Settings, get_settings

_KEY = re.compile(r"^[a-z0-9][a-z0-9/_.\-]{0,200}$")


def _checked(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"bad storage key {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def list_keys(self, prefix: str = "") -> list[str]: ...


class LocalStorage:
    """Files under one directory; a write goes to a temporary file, then is renamed (atomic)."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".up-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def list_keys(self, prefix: str = "") -> list[str]:
        if not self.root.is_dir():
            return []
        found = (p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())
        return sorted(k for k in found if k.startswith(prefix) and not k.rsplit("/", 1)[-1].startswith("."))


class S3Storage:
    """An S3-compatible bucket through boto3 (path-style addressing, which every server accepts)."""

    def __init__(
        self, endpoint: str, bucket: str, access_key: str, secret_key: str, region: str = "us-east-1"
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"}),
        )

    def ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=_checked(key), Body=data, ContentType=content_type)

    def get(self, key: str) -> bytes:
        answer = self.client.get_object(Bucket=self.bucket, Key=_checked(key))
        body: bytes = answer["Body"].read()
        return body

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=_checked(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=_checked(key))
        except ClientError:
            return False
        return True

    def list_keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def build(settings: Settings) -> Storage:
    if settings.attachment_storage == "s3":
        return S3Storage(
            settings.attachment_s3_endpoint,
            settings.attachment_s3_bucket,
            settings.attachment_s3_access_key,
            settings.attachment_s3_secret_key,
            settings.attachment_s3_region,
        )
    return LocalStorage(settings.attachment_dir)


_override: list[Storage] = []


@lru_cache(maxsize=4)
def _cached(settings_id: int) -> Storage:
    return build(get_settings())


def get_storage() -> Storage:
    """The configured storage (one per settings object); :func:`use` swaps it (tests, bench)."""
    if _override:
        return _override[-1]
    return _cached(id(get_settings()))


def use(storage: Storage | None) -> None:
    """Use ``storage`` instead of the configured one (``None``: back to the configured one)."""
    _override.clear()
    if storage is not None:
        _override.append(storage)
