"""Server-rendered pages (Jinja2 + htmx) on top of the case services: portal, workbench, cockpit."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response

from zhizhi.pages import i18n
from zhizhi.pages.common import HERE, LoginRequired, render
from zhizhi.pages.csrf import CsrfFailed


def mount(app: FastAPI) -> None:
    """Add the page routes, /static and the page exception handlers to ``app``."""
    from zhizhi.pages import admin, admin_catalogue, auth, bulk, cockpit, portal, workbench

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (auth, portal, workbench, bulk, cockpit, admin, admin_catalogue):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def _login(_: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={exc.next_url}", status_code=303)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        message = i18n.pick((exc.zh, exc.en), i18n.lang_of(request))
        return render(request, "error.html", {"message": message}, status_code=403)
