"""The FastAPI application: every capability's routers and pages (from ``zhizhi.registry``),
the page shell, the problem handlers, limits, and on SQLite the in-process job runner (on
PostgreSQL ``zhizhi worker`` runs the jobs and seals the audit chain; web processes run no
background threads)."""

from __future__ import annotations

import logging

from fastapi import FastAPI

import zhizhi
from zhizhi import registry, ui
from zhizhi.core import gcpolicy, jobs
from zhizhi.core.settings import get_settings, guard
from zhizhi.http.edge import OriginCheck, SecurityHeaders
from zhizhi.http.limits import BodySizeLimit
from zhizhi.http.problems import install_problem_handlers
from zhizhi.http.ratelimit import RateLimit
from zhizhi.http.textguard import TextGuard

log = logging.getLogger("zhizhi.web")
# multipart posts that carry a case's photos (docs/attachments.md): larger bodies than the rest
UPLOAD_PATHS = (
    "/submit",
    "/work/intake",
    r"/work/cases/[^/]+/attachments",
    r"/work/cases/[^/]+/act",  # a reply with its after photos
    r"/api/v1/cases/[^/]+/attachments",
    "/api/v1/applications",  # an application with its material files (docs/services.md)
    r"/api/v1/applications/[^/]+/supplement",
    r"/services/apply/[^/]+",
    "/api/v1/service-items/import",  # the implementation list (.xlsx, services.items.excel: 20 MB)
    "/services/items/import",
)


def _require_audit_key() -> None:
    """Refuse to start without the audit chain's key, or with another key than the chain's."""
    from zhizhi.core import audit
    from zhizhi.core.db import get_engine

    audit.require_key(get_engine())


def _limit_worker_threads(n: int) -> None:
    """Sync endpoints run on AnyIO's thread pool (40 threads by default).  Python threads share
    one interpreter lock, so beyond a few threads per process more threads add lock hand-offs,
    not throughput (docs/benchmarks.md)."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = n


def _check_data_keys() -> None:
    """Stop start-up when the data keys are missing or are not this database's (docs/crypto.md):
    nothing is ever written in plaintext instead."""
    from zhizhi.core.fieldcrypt import KeyConfigError
    from zhizhi.keys import service as keys

    try:
        keys.startup()
    except KeyConfigError as exc:
        log.critical(
            "数据密钥不可用，拒绝启动：%s | data keys unusable, refusing to start: %s",
            exc.zh,
            exc.en,
        )
        raise


def create_app() -> FastAPI:
    settings = get_settings()
    guard(settings)  # production refuses the default secret key; development warns
    app = FastAPI(
        title="Zhizhi 智治 API",
        version=zhizhi.__version__,
        description="整体智治平台接口：接诉即办工单闭环、统一地址库、智能分拨。"
        " Holistic smart governance: the 12345 case loop, address library, AI routing.",
        docs_url="/docs",
        openapi_url="/openapi.json",
        telemetry=None if settings.telemetry else {"tracing": False, "metrics": False, "logs": False},
    )
    install_problem_handlers(app)
    registry.install()  # every capability's tasks, schedules and install hook
    for capability in registry.CAPABILITIES:
        for router in capability.api_routers:
            app.include_router(router)
    # server-rendered pages: the shell (/static, admin hub, handlers), then each capability's pages
    ui.install(app, registry.CAPABILITIES)
    for capability in registry.CAPABILITIES:
        for router in capability.page_routers:
            app.include_router(router)

    @app.get("/healthz", tags=["ops"], summary="Liveness 健康检查")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": zhizhi.__version__}

    runner: list[object] = []

    def start_runner() -> None:  # SQLite demo: queued jobs and schedules run in this process
        started = jobs.start_local_runner()
        if started is not None:
            runner.append(started)

    def stop_runner() -> None:
        for r in runner:
            r.stop()  # type: ignore[attr-defined]

    app.router.on_startup.append(_check_data_keys)  # first: no request is served without keys
    app.router.on_startup.append(_require_audit_key)  # first: no key, no start (docs/audit.md)
    app.router.on_startup.append(start_runner)
    app.router.on_startup.append(lambda: _limit_worker_threads(settings.worker_threads))
    if settings.gc_freeze:  # last: after everything start-up loads (core.gcpolicy)
        app.router.on_startup.append(gcpolicy.install)
    app.router.on_shutdown.append(stop_runner)
    # outermost last: headers on every answer, then size, origin, rate limits, text (docs/security.md)
    app.add_middleware(TextGuard)
    app.add_middleware(RateLimit)
    app.add_middleware(OriginCheck, allowed_origins=settings.allowed_origins)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        upload_bytes=settings.attachment_case_max_bytes + 1_000_000,  # the files + the form's fields
        upload_paths=UPLOAD_PATHS,
    )
    app.add_middleware(SecurityHeaders, hsts_always=settings.env == "production")
    return app
