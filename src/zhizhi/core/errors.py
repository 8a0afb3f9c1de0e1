"""Domain errors, each carrying an HTTP status and a bilingual message.

Every error a user or client can provoke is one of these classes; the HTTP layer renders
them as ``application/problem+json`` (RFC 9457) with ``message.zh`` / ``message.en`` and,
for validation problems, the offending ``field`` (and ``errors`` for several fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One offending field: dotted location (``content``, ``co_units.1``) and messages."""

    field: str
    zh: str
    en: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "zh": self.zh, "en": self.en}


class DomainError(Exception):
    """Base class: ``zh`` and ``en`` are the human messages, ``code`` a stable machine code."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        zh: str,
        en: str,
        *,
        field: str | None = None,
        errors: list[FieldProblem] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en
        self.field = field
        self.errors = list(errors or [])
        if field and not self.errors:
            self.errors = [FieldProblem(field, zh, en)]
        if self.errors and not self.field:
            self.field = self.errors[0].field
        self.extra = extra

    def as_problem(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"about:blank#{self.code}",
            "title": self.en,
            "status": self.status,
            "code": self.code,
            "detail": self.en,
            "message": {"zh": self.zh, "en": self.en},
        }
        if self.field:
            body["field"] = self.field
        if self.errors:
            body["errors"] = [e.as_dict() for e in self.errors]
        body.update(self.extra)
        return body


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class ValidationFailed(DomainError):
    """422: the request is well-formed but a field's value is not acceptable."""

    status = 422
    code = "validation_error"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """409: the action is not legal in the object's current state (or lost a race)."""

    status = 409
    code = "conflict"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"


class TooManyRequests(DomainError):
    """429: a rate limit or a login lockout; ``retry_after`` (seconds) becomes the Retry-After
    header and ``until`` (ISO 8601, when known) says when a lockout ends."""

    status = 429
    code = "too_many_requests"
