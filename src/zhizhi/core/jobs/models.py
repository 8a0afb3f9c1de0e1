"""The job tables: ``job_queue`` (where every enqueue writes, on both databases: the SQLite
runner's queue, PostgreSQL's outbox to procrastinate) and ``job_schedules`` (SQLite schedule
ticks; procrastinate keeps its own on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime


class QueuedJob(Base):
    """One job: ``todo`` until a runner claims it (``doing``), then deleted when it succeeds or
    kept as ``failed`` when its retries are spent; on PostgreSQL deleted when a worker hands it
    over to procrastinate."""

    __tablename__ = "job_queue"
    __table_args__ = (
        CheckConstraint("status IN ('todo', 'doing', 'failed')", name="status"),
        Index("ix_job_queue_due", "status", "run_at"),
        # at most one waiting job per queueing lock (the same rule as procrastinate's)
        Index(
            "uq_job_queue_queueing_lock",
            "queueing_lock",
            unique=True,
            sqlite_where=text("status = 'todo' AND queueing_lock IS NOT NULL"),
            postgresql_where=text("status = 'todo' AND queueing_lock IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task: Mapped[str] = mapped_column(String(120), nullable=False)
    queue: Mapped[str] = mapped_column(String(60), nullable=False)
    args: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    queueing_lock: Mapped[str | None] = mapped_column(String(120))
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # runs started
    locked_by: Mapped[str | None] = mapped_column(String(120))  # "host:pid:runner" while doing
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class JobSchedule(Base):
    """The newest tick each periodic schedule was enqueued for: a runner enqueues a tick only if
    it moves this forward, so one tick gives one job whatever the number of runners."""

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    last_tick: Mapped[int] = mapped_column(  # Unix seconds
        BigInteger().with_variant(Integer, "sqlite"), nullable=False
    )
