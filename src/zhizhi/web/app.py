"""The FastAPI application: every router, the problem handlers and the body-size limit."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

import zhizhi
from zhizhi.core.settings import get_settings
from zhizhi.http.limits import BodySizeLimit
from zhizhi.http.problems import install_problem_handlers


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="Zhizhi 智治 API",
        version=zhizhi.__version__,
        description="整体智治平台接口：接诉即办工单闭环、统一地址库、智能分拨。"
        " Holistic smart governance: the 12345 case loop, address library, AI routing.",
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    install_problem_handlers(app)

    from zhizhi.cases.endpoints import router as cases_router
    from zhizhi.catalogue.endpoints import router as catalogue_router
    from zhizhi.org.endpoints import router as org_router

    for router in (org_router, cases_router, catalogue_router):
        app.include_router(router)
    for router in _optional_routers():
        app.include_router(router)

    @app.get("/healthz", tags=["ops"], summary="Liveness 健康检查")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": zhizhi.__version__}

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app


def _optional_routers() -> list[APIRouter]:
    """Stateless capability routers (address parsing, NLP) present in this build."""
    import importlib

    routers: list[APIRouter] = []
    for module in (
        "zhizhi.addresses.parse_endpoints",
        "zhizhi.intelligence.classify_endpoints",
        "zhizhi.intelligence.hotspot_endpoints",
    ):
        try:
            routers.append(importlib.import_module(module).router)
        except ImportError:  # TODO(integration): import directly once the capability lands
            continue
    return routers
