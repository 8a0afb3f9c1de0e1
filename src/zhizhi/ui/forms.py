"""Form plumbing for pages: errors by field in the page language, posted form data, htmx."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData

from zhizhi.core.errors import DomainError
from zhizhi.http.problems import validation_problems


class FormErrors:
    """Errors by field (``field → message``) plus messages with no field, in the page language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.by_field: dict[str, str] = {}
        self.general: list[str] = []

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def add(self, field: str | None, zh: str, en: str) -> None:
        text = en if self.lang == "en" else zh
        if field and field not in {"body", "csrf_token"}:
            self.by_field.setdefault(field.split(".")[0], text)
        else:
            self.general.append(text)

    def from_domain(self, exc: DomainError) -> FormErrors:
        if exc.errors:
            for problem in exc.errors:
                self.add(problem.field, problem.zh, problem.en)
        else:
            self.add(exc.field, exc.zh, exc.en)
        return self

    def from_validation(self, exc: ValidationError, *, strip_prefix: str = "") -> FormErrors:
        """Pydantic's errors by field; ``strip_prefix`` drops a union tag ("dispatch.lead_department")."""
        for problem in validation_problems(list(exc.errors())):
            self.add((problem.field or "").removeprefix(strip_prefix), problem.zh, problem.en)
        return self


async def form_data(request: Request) -> FormData:
    return await request.form()


Posted = Annotated[FormData, Depends(form_data)]


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"
