"""``zhizhi worker`` as real processes: a worker killed (SIGKILL) mid-job and restarted finishes
the job once; a schedule runs once per tick with two worker processes (PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.core import job_tasks
from tests.core.jobs_support import backend, effects, queued, wait_for
from zhizhi.core import audit, jobs
from zhizhi.core.db import session_factory, unit_of_work
from zhizhi.core.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
ZHIZHI = str(Path(sys.executable).parent / "zhizhi")


class Worker:
    """``zhizhi worker --queue tests --import MODULE`` in a subprocess, with fast heartbeats."""

    def __init__(self, module: str, log: Path) -> None:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ZHIZHI_DATABASE_URL": get_settings().database_url,
            "ZHIZHI_JOBS_INLINE": "false",
            "ZHIZHI_HOTSPOT_INTERVAL_MINUTES": "0",
            "ZHIZHI_JOBS_POLL_SECONDS": "0.05",
            "ZHIZHI_JOBS_HEARTBEAT_SECONDS": "0.5",
            "ZHIZHI_JOBS_STALLED_SECONDS": "2",
        }
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [ZHIZHI, "worker", "--queue", job_tasks.QUEUE, "--import", module],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.log.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: finishes the running job
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
        self.log.close()


@pytest.fixture
def queue_mode(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(get_settings(), "jobs_inline", False)
    yield db


def test_a_worker_killed_mid_job_and_restarted_finishes_the_job_once(queue_mode: str, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    with unit_of_work() as s:
        jobs.enqueue(s, job_tasks.block_then_record, token="killed", gate=str(gate))
    first = Worker("tests.core.job_tasks", tmp_path / "worker.log")
    try:
        wait_for(lambda: (gate / "started-1").exists(), "the first run to start")
        assert [j["status"] for j in queued("tests.block_then_record")] == ["doing"]
    finally:
        first.kill()  # mid-job: its unit of work never commits
    assert effects("killed") == 0
    second = Worker("tests.core.job_tasks", tmp_path / "worker.log")
    try:
        wait_for(lambda: (gate / "started-2").exists(), "the job to run again after the restart")
        (gate / "release").touch()
        wait_for(
            lambda: queued("tests.block_then_record") == [] and effects("killed") == 1, "the job to finish"
        )
    finally:
        second.stop()
    assert effects("killed") == 1
    assert sorted(p.name for p in gate.iterdir()) == ["release", "started-1", "started-2"]


@pytest.mark.postgres_only  # SQLite: two runners in test_jobs.py (one database file, one host)
def test_a_schedule_runs_once_per_tick_with_two_worker_processes(queue_mode: str, tmp_path: Path) -> None:
    assert backend() == "postgresql"
    workers = [Worker("tests.core.job_schedules", tmp_path / f"worker{i}.log") for i in range(2)]
    try:
        wait_for(lambda: len(_ticks()) >= 4, "four ticks of the schedule", timeout=90)
    finally:
        for worker in workers:
            worker.stop()
    ticks = _ticks()
    assert len(ticks) >= 4 and len(ticks) == len(set(ticks)), sorted(ticks)
    logs = [(tmp_path / f"worker{i}.log").read_text(errors="replace") for i in range(2)]
    assert all("Traceback" not in text for text in logs), logs


def _ticks() -> list[int]:
    with session_factory()() as s:
        details = list(
            s.scalars(
                select(audit.AuditEntry.detail).where(
                    audit.AuditEntry.action == "test.job_effect", audit.AuditEntry.object_id == "periodic"
                )
            )
        ) + list(
            s.scalars(
                select(audit.AuditInbox.detail).where(
                    audit.AuditInbox.action == "test.job_effect", audit.AuditInbox.object_id == "periodic"
                )
            )
        )
    return [int(d["tick"]) for d in details]
