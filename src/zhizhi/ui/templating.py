"""The Jinja2 environment (autoescaped) and :func:`render`, the one way a page is answered.

The loader looks in the shell's ``templates/`` (``base.html``, ``macros.html``, ``error.html``,
``admin.html``) and then in every capability's ``templates/`` directory, whose templates are
named after the capability (``cases/portal/home.html``); :func:`use_template_dirs` sets them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import Response

from zhizhi.core import clock
from zhizhi.core.permissions import ROLE_LABELS
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.ui import csrf, i18n, nav
from zhizhi.ui.forms import FormErrors

SHELL_TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(SHELL_TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_env)


def use_template_dirs(directories: Iterable[Path]) -> None:
    """Look up templates in the shell's directory, then in each of ``directories`` in turn."""
    _env.loader = ChoiceLoader(
        [FileSystemLoader(SHELL_TEMPLATES), *(FileSystemLoader(d) for d in directories)]
    )


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return clock.to_local(moment).strftime(fmt) if moment else ""


_env.filters["local"] = local_time


def data_name(zh: str | None, en: str | None, lang: str) -> Markup | str:
    """A name stored as data in the page's language: on an English page its English name, or its
    Chinese name marked ``lang="zh"`` when it has none (docs/i18n.md)."""
    if lang != "en" or en:
        return i18n.data_name(zh or "", en, lang)
    return Markup('<span lang="zh">{}</span>').format(zh or "")


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    principal: Principal | None = None,
) -> Response:
    """The template ``name`` with the shell's context (language, CSRF token, user, navigation),
    never cached; sets the CSRF and language cookies when they change."""
    lang = i18n.lang_of(request)
    token = csrf.token_for(request)
    path = request.url.path
    ctx: dict[str, Any] = {
        "lang": lang,
        "t": lambda key, **kw: i18n.translate(key, lang, **kw),
        "pick": lambda pair: i18n.pick(pair, lang),
        "dname": lambda zh, en=None: data_name(zh, en, lang),
        "csrf": token,
        "user": principal,
        "role_label": i18n.pick(ROLE_LABELS[principal.role], lang) if principal else "",
        "nav": nav.links(principal, path),
        "path": path,
        "errors": FormErrors(lang),
        "form": {},
    }
    ctx.update(context or {})
    response: HTMLResponse = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    secure = get_settings().secure_cookies
    if request.cookies.get(csrf.COOKIE) != token:
        response.set_cookie(csrf.COOKIE, token, httponly=True, samesite="lax", path="/", secure=secure)
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        response.set_cookie(
            i18n.COOKIE, asked, max_age=365 * 86400, httponly=True, samesite="lax", path="/", secure=secure
        )
    return response


def error_page(
    request: Request, message: tuple[str, str], status_code: int, principal: Principal | None
) -> Response:
    """The shell's error page with ``message`` (中文, English) in the page language."""
    text = i18n.pick(message, i18n.lang_of(request))
    return render(request, "error.html", {"message": text}, status_code=status_code, principal=principal)
