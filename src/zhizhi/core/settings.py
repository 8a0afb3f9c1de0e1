"""Settings from the environment (prefix ``ZHIZHI_``), validated by pydantic-settings."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path.cwd() / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHIZHI_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'zhizhi.db'}",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://… in production",
    )
    secret_key: str = Field(default="dev-only-change-me", description="signs CSRF tokens")
    token_ttl_minutes: int = Field(default=12 * 60, ge=1)
    max_body_bytes: int = Field(default=1_000_000, ge=1024, description="request bodies above → 413")
    sla_warning_ratio: float = Field(default=0.8, gt=0, lt=1, description="share of the limit → 预警")
    timezone: str = "Asia/Shanghai"
    jobs_inline: bool = Field(default=False, description="run post-commit jobs in the request thread")
    ai_mode: Literal["thread", "worker", "inline", "off"] = Field(
        default="thread",
        description="where intake AI runs: a background thread of the web process (laptop), a separate "
        "`zhizhi worker` (production), inline after commit (tests), or off (computed on first view)",
    )
    hotspot_interval_minutes: float = Field(default=10, ge=0, description="0 disables the scheduler")
    ai_review_threshold: float = Field(default=0.6, gt=0, lt=1, description="below → human review queue")
    sql_echo: bool = False
    worker_threads: int = Field(
        default=8,
        ge=1,
        le=1000,
        description="threads per web process running request handlers (AnyIO's default is 40; 8 gave "
        "25 % more case creations per process, docs/benchmarks.md)",
    )
    telemetry: bool = Field(
        default=False,
        description="FastAPI's OpenTelemetry middleware (traces, metrics, logs to the configured "
        "providers); off by default: it costs every request a provider lookup",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
