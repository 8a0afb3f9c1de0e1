"""Open311 answers in JSON or XML, and the spec's error format: a list of ``{code,
description}`` (``<errors><error>…``) with the description in Chinese then English."""

from __future__ import annotations

import json
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from fastapi import Response

from zhizhi.core.errors import DomainError

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# what an error becomes: Open311 speaks 400 (bad input), 403 (key), 404 (unknown), and we add
# 409/413/429/503 where the platform's own answers carry them
STATUS = {401: 403, 422: 400}


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


ITEMS = {"attributes": "attribute", "endpoints": "endpoint", "formats": "format", "values": "value"}


def _xml_value(parent: Element, tag: str, value: Any) -> None:
    node = SubElement(parent, tag)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_value(node, k, v)
    elif isinstance(value, list):
        for v in value:
            _xml_value(node, ITEMS.get(tag, "value"), v)
    elif value is not None:
        node.text = _text(value)


def to_xml(root: str, item: str, data: Any) -> bytes:
    """``data`` (a list of dicts, or one dict) under ``<root>``, list items as ``<item>``."""
    top = Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_value(top, item, entry)
    else:
        for k, v in data.items():
            _xml_value(top, k, v)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(top, encoding="unicode").encode()


def render(data: Any, fmt: str, root: str, item: str, status: int = 200) -> Response:
    body = to_xml(root, item, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()
    return Response(body, status_code=status, media_type=FORMATS.get(fmt, FORMATS["json"]))


def error(exc: DomainError, fmt: str) -> Response:
    status = STATUS.get(exc.status, exc.status)
    errors = [{"code": status, "description": f"{exc.zh} / {exc.en}"}]
    headers = {}
    if "retry_after" in exc.extra:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    response = render(errors, fmt if fmt in FORMATS else "json", "errors", "error", status)
    response.headers.update(headers)
    return response
