"""The FastAPI application: every capability's routers and pages (from ``zhizhi.registry``),
the page shell, the problem handlers, limits, and on SQLite the in-process job runner (on
PostgreSQL ``zhizhi worker`` runs the jobs and seals the audit chain; web processes run no
background threads)."""

from __future__ import annotations

from fastapi import FastAPI

import zhizhi
from zhizhi import registry, ui
from zhizhi.core import jobs
from zhizhi.core.settings import get_settings
from zhizhi.http.limits import BodySizeLimit
from zhizhi.http.problems import install_problem_handlers


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


def create_app() -> FastAPI:
    settings = get_settings()
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

    app.router.on_startup.append(_require_audit_key)  # first: no key, no start (docs/audit.md)
    app.router.on_startup.append(start_runner)
    app.router.on_startup.append(lambda: _limit_worker_threads(settings.worker_threads))
    app.router.on_shutdown.append(stop_runner)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
