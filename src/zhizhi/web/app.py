"""The FastAPI application: every capability's routers and pages (from ``zhizhi.registry``),
the page shell, the problem handlers, limits, the scheduler."""

from __future__ import annotations

from fastapi import FastAPI

import zhizhi
from zhizhi import registry, ui
from zhizhi.core import sealer
from zhizhi.core.db import get_engine
from zhizhi.core.settings import get_settings
from zhizhi.http.limits import BodySizeLimit
from zhizhi.http.problems import install_problem_handlers
from zhizhi.routing.hotspots import Scheduler


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
    registry.install()
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

    scheduler = Scheduler(settings.hotspot_interval_minutes * 60)
    app.router.on_startup.append(scheduler.start)
    app.router.on_startup.append(lambda: sealer.start(get_engine()))  # chains leftovers too
    app.router.on_startup.append(lambda: _limit_worker_threads(settings.worker_threads))
    app.router.on_shutdown.append(scheduler.stop)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
