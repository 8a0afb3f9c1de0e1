"""A small Open311 GeoReport v2 client (httpx): what ``zhizhi open311 services|requests|post|get``
call. Answers come back as parsed JSON; an error answer raises :class:`Open311Error` with the
server's ``[{code, description}]`` list."""

from __future__ import annotations

from typing import Any

import httpx


class Open311Error(Exception):
    def __init__(self, status: int, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"HTTP {status}: " + "; ".join(str(e.get("description")) for e in errors))
        self.status = status
        self.errors = errors


class Client:
    """``endpoint``: the v2 base URL (``https://host/open311/v2/``)."""

    def __init__(
        self,
        endpoint: str,
        *,
        api_key: str | None = None,
        jurisdiction_id: str | None = None,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base = endpoint.rstrip("/") + "/"
        self.api_key = api_key
        self.jurisdiction_id = jurisdiction_id
        self.http = httpx.Client(timeout=timeout, transport=transport)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _params(self, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        params = {k: v for k, v in (extra or {}).items() if v is not None}
        if self.jurisdiction_id:
            params["jurisdiction_id"] = self.jurisdiction_id
        return params

    def _check(self, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.status_code >= 400:
            errors = (
                body
                if isinstance(body, list)
                else [{"code": response.status_code, "description": response.text[:500]}]
            )
            raise Open311Error(response.status_code, errors)
        return body

    def services(self) -> list[dict[str, Any]]:
        return list(self._check(self.http.get(self.base + "services.json", params=self._params())))

    def definition(self, code: str) -> dict[str, Any]:
        return dict(self._check(self.http.get(self.base + f"services/{code}.json", params=self._params())))

    def requests(self, **filters: Any) -> list[dict[str, Any]]:
        """``service_request_id``, ``service_code``, ``start_date``, ``end_date``, ``status``,
        ``page``, ``page_size``."""
        return list(self._check(self.http.get(self.base + "requests.json", params=self._params(filters))))

    def get(self, number: str) -> dict[str, Any]:
        found = self._check(self.http.get(self.base + f"requests/{number}.json", params=self._params()))
        return dict(found[0])

    def token(self, token: str) -> dict[str, Any]:
        found = self._check(self.http.get(self.base + f"tokens/{token}.json", params=self._params()))
        return dict(found[0])

    def post(self, fields: dict[str, Any], *, idempotency_key: str | None = None) -> dict[str, Any]:
        """Post a request (form-encoded, as the spec says); ``fields`` may hold ``attributes``."""
        form = {k: str(v) for k, v in fields.items() if v is not None and k != "attributes"}
        form.update({f"attribute[{k}]": str(v) for k, v in (fields.get("attributes") or {}).items()})
        if self.api_key:
            form["api_key"] = self.api_key
        if self.jurisdiction_id:
            form["jurisdiction_id"] = self.jurisdiction_id
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        response = self.http.post(self.base + "requests.json", data=form, headers=headers)
        return dict(self._check(response)[0])
