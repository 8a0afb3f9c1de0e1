"""The page shell below the domains: Jinja2 environment, base template and macros, ``render``,
CSRF, language, navigation, the administration hub and ``/static`` (vendored files).

:func:`install` takes the registry's capabilities (their template directories, message
catalogues, navigation entries and admin sections) and adds the shell's routes and exception
handlers to an app; each capability's page routers are included by the composition root.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from zhizhi.http.capability import Capability
from zhizhi.http.problems import http_problem
from zhizhi.ui import admin, i18n, nav
from zhizhi.ui.csrf import CsrfFailed
from zhizhi.ui.session import LOGIN_URL, LoginRequired
from zhizhi.ui.templating import render, use_template_dirs

STATIC = Path(__file__).parent / "static"
# answered as problem documents (JSON) whatever the client accepts
MACHINE_PATHS = ("/api/", "/open311/", "/docs", "/openapi.json", "/static/", "/healthz", "/redoc")


def wants_page(request: Request) -> bool:
    """A browser asking for a page: GET or HEAD, accepting HTML, outside the machine paths."""
    return (
        request.method in {"GET", "HEAD"}
        and "text/html" in request.headers.get("accept", "")
        and not request.url.path.startswith(MACHINE_PATHS)
    )


def configure(capabilities: Sequence[Capability]) -> None:
    """Templates, messages, navigation and admin sections of ``capabilities`` (idempotent)."""
    use_template_dirs(c.templates for c in capabilities if c.templates is not None)
    for c in capabilities:
        if c.locale is not None:
            i18n.register_catalogue(c.locale)
        i18n.register(c.messages)
    sections = [s for c in capabilities for s in c.admin]
    hub = [admin.HUB_NAV] if sections else []
    nav.use_entries([*(e for c in capabilities for e in c.nav), *hub])
    admin.use_sections(sections)


def install(app: FastAPI, capabilities: Sequence[Capability]) -> None:
    """Configure the shell and add ``/static``, the admin hub and the page exception handlers."""
    configure(capabilities)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(admin.router)

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"{LOGIN_URL}?next={exc.next_url}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _not_a_page(request: Request, exc: StarletteHTTPException) -> Response:
        # a mistyped address in a browser gets the shell's page (with the menu), not JSON
        if exc.status_code == 404 and wants_page(request):
            message = i18n.translate("error.not_found", i18n.lang_of(request))
            return render(request, "error.html", {"message": message}, status_code=404)
        return http_problem(exc)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        message = i18n.pick((exc.zh, exc.en), i18n.lang_of(request))
        return render(request, "error.html", {"message": message}, status_code=403)
