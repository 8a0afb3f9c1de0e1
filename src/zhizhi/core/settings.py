"""Settings from the environment (prefix ``ZHIZHI_``), validated by pydantic-settings."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
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
    jobs_inline: bool = Field(
        default=False,
        description="run each job in the committing thread right after the commit, nothing queued (tests)",
    )
    jobs_runner_in_web: bool = Field(
        default=True,
        description="SQLite: each web process runs queued jobs and schedules in a thread (false: run "
        "`zhizhi worker` beside it); PostgreSQL web processes never run jobs",
    )
    jobs_poll_seconds: float = Field(
        default=1.0, gt=0, le=60, description="how often an idle job runner looks for due jobs"
    )
    jobs_heartbeat_seconds: float = Field(
        default=10.0, gt=0, le=600, description="a PostgreSQL worker's heartbeat interval"
    )
    jobs_stalled_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="a PostgreSQL worker silent this long is taken for dead; its running jobs are run again",
    )
    ai_mode: Literal["on", "off"] = Field(
        default="on",
        description="on: every new appeal or event queues its AI suggestions job in the intake unit of "
        "work; off: nothing queued (suggestions are computed on first view). Where the job runs is "
        "the queue's business (docs/jobs.md); the former values thread/worker/inline mean on",
    )
    hotspot_interval_minutes: int = Field(
        default=10,
        ge=0,
        description="hotspots recomputed every N minutes (a divisor of 60, or whole hours dividing a "
        "day) by the job queue; 0: no schedule",
    )
    bad_rating_auto_reopen: list[Literal["dissatisfied", "very_dissatisfied", "unresolved"]] = Field(
        default_factory=list,
        description="bad ratings that reopen a case under supervision at once, e.g. "
        '["very_dissatisfied", "unresolved"] (JSON); the others wait for a supervisor\'s 差评复核 '
        "(due within 1 working day)",
    )
    classifier_retrain_cron: str = Field(
        default="30 3 * * 1",
        max_length=60,
        description="when the job queue retrains the city's classifier (cron, five fields); empty: never",
    )
    export_max_rows: int = Field(
        default=100_000,
        ge=1,
        le=1_000_000,
        description="the workbench's Excel export refuses a list longer than this (422, narrow the filter)",
    )
    unit_rankings: bool = Field(
        default=True,
        description="the cockpit ranks units (部门排行, by on-time rate); false: the same figures per "
        "unit in code order, no positions (against 数字形式主义)",
    )
    audit_key_file: str = Field(
        default="var/audit.key",
        description="HMAC-SM3 keys of the audit chain, outside the database (`zhizhi audit init-key`); "
        "missing or wrong: the platform refuses to start",
    )
    audit_anchor_key_file: str = Field(
        default="var/audit-anchor.key",
        description="SM2 key pair signing the audit chain's checkpoints (public half in <file>.pub)",
    )
    audit_anchor_file: str = Field(
        default="var/audit-anchors.jsonl",
        description="append-only file of signed checkpoints (used when audit_anchor_url is empty)",
    )
    audit_anchor_url: str = Field(
        default="",
        max_length=500,
        description="another system's HTTP endpoint for checkpoints (POST one, GET all); empty: the file",
    )
    audit_anchor_cron: str = Field(
        default="*/10 * * * *",
        max_length=60,
        description="when the job queue writes a signed checkpoint of the audit chain (cron); empty: never",
    )
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

    @field_validator("ai_mode", mode="before")
    @classmethod
    def _legacy_ai_mode(cls, value: object) -> object:
        return "on" if value in ("thread", "worker", "inline") else value

    @field_validator("hotspot_interval_minutes")
    @classmethod
    def _cron_interval(cls, value: int) -> int:
        if value:
            from zhizhi.core.jobs.registry import every

            every(value)  # raises ValueError naming the rule
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
