"""Providers' data, through adapters: a table in Zhizhi's database, or a provider's HTTP API.

An adapter answers one record by its key as a mapping of field name → value, or ``None`` when
the provider has no such record; a provider that fails gives 503 (nothing is made up).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core.errors import ServiceUnavailable
from zhizhi.sharing import repository as repo
from zhizhi.sharing.cache import ResourceSnapshot
from zhizhi.sharing.enums import AdapterKind

HTTP_TIMEOUT_SECONDS = 5.0
MAX_PROVIDER_BYTES = 1_000_000


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def table_record(session: Session, resource: ResourceSnapshot, key: str) -> dict[str, Any] | None:
    row = repo.provider_row(session, resource.adapter_target, resource.key_field, key)
    return None if row is None else {k: _plain(v) for k, v in row.items()}


def http_record(resource: ResourceSnapshot, key: str) -> dict[str, Any] | None:
    """GET the provider's URL (``{key}`` replaced, URL-quoted): 200 → the JSON object, 404 → no
    record, anything else → 503 naming the provider."""
    url = resource.adapter_target.replace("{key}", urllib.parse.quote(key, safe=""))
    if not url.startswith(("http://", "https://")):
        raise ServiceUnavailable("数据提供方地址无效", "the provider address is invalid")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_PROVIDER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise ServiceUnavailable(
            f"数据提供方接口出错（HTTP {exc.code}）", f"the provider API failed (HTTP {exc.code})"
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ServiceUnavailable("数据提供方接口不可用", "the provider API is unavailable") from exc
    if len(body) > MAX_PROVIDER_BYTES:
        raise ServiceUnavailable("数据提供方返回内容过大", "the provider's answer is too large")
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise ServiceUnavailable("数据提供方返回的不是 JSON", "the provider's answer is not JSON") from exc
    if not isinstance(data, dict):
        raise ServiceUnavailable("数据提供方返回格式错误", "the provider's answer is not an object")
    return data


def fetch(session: Session, resource: ResourceSnapshot, key: str) -> dict[str, Any] | None:
    if resource.adapter == AdapterKind.HTTP:
        return http_record(resource, key)
    return table_record(session, resource, key)
