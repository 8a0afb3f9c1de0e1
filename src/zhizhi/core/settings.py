"""Settings from the environment (prefix ``ZHIZHI_``), validated by pydantic-settings."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path.cwd() / "var"
DEFAULT_SECRET = "dev-only-change-me"  # noqa: S105 (development only: guard() refuses it in production)
# requests per source address per minute (docs/security.md): login = POST /login and
# /api/v1/auth/token; intake = POST /submit and anonymous POST /api/v1/cases; track = POST /track
# and /track/rate; lookup = the public address and division look-ups
AttachmentType = Literal["image/jpeg", "image/png", "image/webp", "application/pdf"]
ATTACHMENT_TYPES: tuple[AttachmentType, ...] = ("image/jpeg", "image/png", "image/webp", "application/pdf")
DEFAULT_RATE_LIMITS = {"login": 30, "intake": 10, "track": 30, "lookup": 300, "open311": 60}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHIZHI_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_DATA_DIR / 'zhizhi.db'}",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://… in production",
    )
    secret_key: str = Field(default=DEFAULT_SECRET, description="signs CSRF tokens")
    env: Literal["development", "production"] = Field(
        default="development",
        description="production: refuses to start with the default or a short secret key, Secure "
        "cookies and HSTS by default (docs/security.md)",
    )
    cookie_secure: bool | None = Field(
        default=None, description="the Secure flag on the pages' cookies; unset: on in production"
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="origins besides the request's own accepted on unsafe methods, e.g. "
        '["https://12345.example.gov.cn"] (JSON)',
    )
    login_max_failures: int = Field(
        default=5, ge=1, le=1000, description="failed logins of one account within the window → lockout"
    )
    login_address_max_failures: int = Field(
        default=20, ge=1, le=100_000, description="failed logins from one address within the window → lockout"
    )
    login_window_minutes: int = Field(default=15, ge=1, le=1440, description="window counting failed logins")
    login_lockout_minutes: int = Field(default=15, ge=1, le=1440, description="how long a lockout lasts")
    rate_limits: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_RATE_LIMITS),
        description="requests per address per minute on the public endpoints, by group (JSON); "
        "a group left out or 0: unlimited",
    )
    token_ttl_minutes: int = Field(default=12 * 60, ge=1)
    sms_gateway_url: str = Field(
        default="",
        description="the HTTP SMS gateway messages are POSTed to (docs/notifications.md); empty: "
        "messages are written to the log (the demo)",
    )
    sms_gateway_token: str = Field(default="", description="bearer token sent to the SMS gateway")
    sms_max_attempts: int = Field(
        default=8, ge=1, le=100, description="attempts per text message before it is marked failed"
    )
    sms_retry_seconds: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        description="wait after a message's first failed attempt; doubles each time (at most an hour)",
    )
    sms_callback_token: str = Field(
        default="", description="bearer token of the gateway's delivery reports; empty: the endpoint is off"
    )
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
    recurrence_interval_minutes: int = Field(
        default=10,
        ge=0,
        description="the cockpit's city-wide recurrence figures recomputed every N minutes (a divisor "
        "of 60, or whole hours dividing a day) by the job queue, and at a runner's start when none "
        "exist; 0: no schedule (the page then computes them itself)",
    )
    bad_rating_auto_reopen: list[Literal["dissatisfied", "very_dissatisfied", "unresolved"]] = Field(
        default_factory=list,
        description="bad ratings that reopen a case under supervision at once, e.g. "
        '["very_dissatisfied", "unresolved"] (JSON); the others wait for a supervisor\'s 差评复核 '
        "(due within 1 working day)",
    )
    rectification_working_days: int = Field(
        default=15,
        ge=1,
        le=60,
        description="working days to verify and rectify a bad service rating (差评整改, GB/T 39735; "
        "locally 5 to 15)",
    )
    classifier_retrain_cron: str = Field(
        default="30 3 * * 1",
        max_length=60,
        description="when the job queue retrains the city's classifier (cron, five fields); empty: never",
    )
    classifier_keep_models: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="how many trained city classifiers are kept (the newest; older ones are deleted)",
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
    certificate_keys_dir: Path = Field(
        default=Path("var/certificate-keys"),
        description="the key store of the departments' SM2 private keys for signing grade-A electronic "
        "certificates (one 0600 JSON file per key id), outside the database; the public keys are in "
        "the database (docs/certificates.md)",
    )
    sharing_answer_working_days: int = Field(
        default=10,
        ge=1,
        le=60,
        description="working days an owning department has to answer a conditional data-sharing "
        "request (政务数据共享条例: 10); the last 2 are a warning",
    )
    sharing_token_ttl_seconds: int = Field(
        default=600, ge=60, le=86400, description="lifetime of an exchange client's bearer token"
    )
    sharing_client_cert_header: str | None = Field(
        default=None,
        max_length=80,
        pattern=r"^[A-Za-z0-9-]+$",
        description="request header in which the mutual-TLS proxy in front passes the SHA-256 "
        "fingerprint of the client certificate it verified (e.g. X-Client-Cert-SHA256); unset: no "
        "proxy, and a consuming system bound to a certificate gets no token",
    )
    open311_jurisdiction_id: str = Field(
        default="changsha.12345",
        min_length=1,
        max_length=80,
        description="this server's Open311 jurisdiction_id; a request naming another one is refused",
    )
    open311_public_read: bool = Field(
        default=True,
        description="Open311 GET requests need no API key (false: every call needs a client's key)",
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
    attachment_storage: Literal["local", "s3"] = Field(
        default="local",
        description="where attachments are kept: a local directory, or S3-compatible object storage "
        "(docs/attachments.md)",
    )
    attachment_dir: Path = Field(
        default=Path("var/attachments"), description="the local attachment directory (storage local)"
    )
    attachment_s3_endpoint: str = Field(
        default="", max_length=500, description="S3-compatible endpoint URL, e.g. https://oss.example.gov.cn"
    )
    attachment_s3_bucket: str = Field(default="zhizhi-attachments", max_length=63, description="S3 bucket")
    attachment_s3_region: str = Field(default="us-east-1", max_length=40, description="S3 region name")
    attachment_s3_access_key: str = Field(default="", max_length=200, description="S3 access key id")
    attachment_s3_secret_key: str = Field(default="", max_length=200, description="S3 secret access key")
    attachment_max_bytes: int = Field(
        default=10_000_000, ge=1024, le=200_000_000, description="one uploaded file above this → 413"
    )
    attachment_case_max_bytes: int = Field(
        default=40_000_000, ge=1024, le=2_000_000_000, description="all files of one case above this → 413"
    )
    attachment_case_max_files: int = Field(
        default=12, ge=1, le=200, description="files per case above this → 422"
    )
    attachment_types: list[AttachmentType] = Field(
        default_factory=lambda: list(ATTACHMENT_TYPES),
        description="content types accepted, recognised by their first bytes, never by name (JSON)",
    )
    attachment_max_pixels: int = Field(
        default=40_000_000,
        ge=10_000,
        le=400_000_000,
        description="images with more pixels are refused before decoding (decompression-bomb guard)",
    )
    ai_review_threshold: float = Field(default=0.6, gt=0, lt=1, description="below → human review queue")
    sql_echo: bool = False
    data_keys_file: Path = Field(
        default=Path("var/data-keys.json"),
        description="the SM4 data keys and the blind-index key (JSON, `zhizhi keys init`); never in the "
        "database; back it up apart from the database (docs/crypto.md)",
    )
    data_keys_url: str = Field(
        default="",
        max_length=500,
        description="a KMS answering the data keys over HTTP(S) (GET, JSON in the key-file format); "
        "when set, used instead of the key file",
    )
    data_keys_token: str = Field(default="", max_length=500, description="bearer token for the KMS")
    data_keys_refresh_seconds: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="how often a process looks whether the data keys changed (a rotation adds a version)",
    )
    worker_threads: int = Field(
        default=8,
        ge=1,
        le=1000,
        description="threads per web process running request handlers (AnyIO's default is 40; 8 gave "
        "25 % more case creations per process, docs/benchmarks.md)",
    )
    gc_freeze: bool = Field(
        default=True,
        description="web processes freeze their start-up heap and the survivors of slow full garbage "
        "collections, so a full collection does not stall every request for 0.2–0.75 s (core.gcpolicy)",
    )
    oidc_issuer: str = Field(
        default="",
        max_length=300,
        description="the staff identity provider's issuer URL (统一身份认证, OpenID Connect; its "
        "/.well-known/openid-configuration is read); empty: local accounts only",
    )
    oidc_client_id: str = Field(default="", max_length=200, description="this platform's client id there")
    oidc_client_secret: str = Field(
        default="", max_length=500, description="the client secret (client_secret_post; PKCE is always used)"
    )
    oidc_scopes: str = Field(default="openid profile", max_length=200, description="scopes asked for")
    oidc_username_claim: str = Field(
        default="preferred_username",
        max_length=80,
        description="the ID token claim holding the username a staff account must have here",
    )
    oidc_auto_provision: bool = Field(
        default=False,
        description="create a missing account at its first login (role and department below); off: "
        "only existing active staff accounts may sign in this way",
    )
    oidc_provision_role: str = Field(
        default="intake_agent", max_length=20, description="the role of an auto-provisioned account"
    )
    oidc_provision_department: str = Field(
        default="", max_length=40, description="the department code of an auto-provisioned account"
    )
    oidc_redirect_url: str = Field(
        default="",
        max_length=300,
        description="the callback URL registered at the provider; empty: this site's /login/oidc/callback",
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

    @field_validator("hotspot_interval_minutes", "recurrence_interval_minutes")
    @classmethod
    def _cron_interval(cls, value: int) -> int:
        if value:
            from zhizhi.core.jobs.registry import every

            every(value)  # raises ValueError naming the rule
        return value

    @property
    def secure_cookies(self) -> bool:
        return self.env == "production" if self.cookie_secure is None else self.cookie_secure


class InsecureSettings(RuntimeError):
    """Production mode with a default or weak secret: the processes refuse to start."""


def guard(settings: Settings) -> None:
    """Refuse production with the default secret key (or one under 32 characters); warn in
    development.  Called by the web app and the worker at start-up."""
    weak = settings.secret_key == DEFAULT_SECRET or len(settings.secret_key) < 32
    if not weak:
        return
    if settings.env == "production":
        raise InsecureSettings(
            "生产模式拒绝启动：ZHIZHI_SECRET_KEY 为默认值或少于 32 个字符，请设置随机密钥"
            "（python -c 'import secrets; print(secrets.token_urlsafe(48))'）。"
            " Refusing to start in production: ZHIZHI_SECRET_KEY is the default or shorter than 32 "
            "characters; set a random secret."
        )
    logging.getLogger("zhizhi.settings").warning(
        "ZHIZHI_SECRET_KEY 为开发默认值，仅限开发使用 / ZHIZHI_SECRET_KEY is a development default: "
        "set your own before going live (ZHIZHI_ENV=production refuses to start with it)"
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
