"""core.jobs: transactional enqueue, deduplication, inline mode, retries with backoff, the local
runner across restarts and periodic schedules with two runners (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.core import job_tasks
from tests.core.jobs_support import backend, effects, pg_worker, queued, run_due, wait_for
from zhizhi.core import audit, jobs
from zhizhi.core.db import savepoint, session_factory, unit_of_work
from zhizhi.core.jobs import local, registry, repository
from zhizhi.core.models import CalendarDay
from zhizhi.core.settings import get_settings


@pytest.fixture
def queue_mode(db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Jobs go to the database's real queue; no schedules or start hooks but the test's own."""
    monkeypatch.setattr(get_settings(), "jobs_inline", False)
    monkeypatch.setattr(registry, "SCHEDULES", {})
    monkeypatch.setattr(registry, "_start_hooks", [])
    job_tasks.RUNS.clear()
    yield db


def tokens(task: str = "tests.record") -> list[str]:
    return [j["args"]["token"] for j in queued(task)]


def run_tests_queue(url: str) -> None:
    run_due(url, [job_tasks.QUEUE])


class TestEnqueue:
    def test_a_job_exists_if_and_only_if_its_unit_of_work_commits(self, queue_mode: str) -> None:
        with unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="kept")
        with pytest.raises(RuntimeError), unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="rolled-back")
            raise RuntimeError("the request failed after enqueueing")
        # the job is written before the flush of the commit; a flush failure still takes it away
        with pytest.raises(IntegrityError), unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="failed-at-commit")
            s.add(CalendarDay(day=date(2025, 1, 1), is_workday=False, source="test"))  # already there
        assert tokens() == ["kept"]
        assert queued()[0]["status"] == "todo" and queued()[0]["attempts"] == 0

    def test_a_session_on_someone_elses_connection_leaves_the_job_to_that_transaction(
        self, queue_mode: str
    ) -> None:
        from sqlalchemy.orm import Session

        from zhizhi.core.db import get_engine

        for outcome in ("commit", "rollback"):
            with get_engine().connect() as conn:
                outer = conn.begin()
                s = Session(bind=conn, join_transaction_mode="create_savepoint")
                jobs.enqueue(s, job_tasks.record, token=outcome)
                s.commit()  # releases a SAVEPOINT: the connection's transaction decides
                s.close()
                getattr(outer, outcome)()
        assert tokens() == ["commit"]

    def test_a_rolled_back_savepoint_forgets_its_jobs_only(self, queue_mode: str) -> None:
        with unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="outer")
            with pytest.raises(ValueError), savepoint(s):
                jobs.enqueue(s, job_tasks.record, token="inner")
                raise ValueError("inner step refused")
        assert tokens() == ["outer"]

    def test_a_queueing_lock_keeps_one_waiting_job_and_the_transaction_intact(self, queue_mode: str) -> None:
        with unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="first", queueing_lock="L")
        with unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="second", queueing_lock="L")
            jobs.enqueue(s, job_tasks.record, token="other")
            audit.record(s, "test.same_transaction", audit.Actor.system(), object_id="tx")
        assert tokens() == ["first", "other"]
        with session_factory()() as s:
            kept = (
                s.scalars(select(audit.AuditEntry.object_id)).all()
                + s.scalars(select(audit.AuditInbox.object_id)).all()
            )
        assert "tx" in kept  # the refused duplicate did not abort the caller's transaction
        run_tests_queue(queue_mode)
        with unit_of_work() as s:  # the lock is free again once its job has run
            jobs.enqueue(s, job_tasks.record, token="third", queueing_lock="L")
        assert tokens() == ["third"]

    def test_mistakes_are_refused_at_enqueue(self, queue_mode: str) -> None:
        with unit_of_work() as s:
            with pytest.raises(KeyError, match="unknown task"):
                jobs.enqueue(s, "tests.nonexistent", token="x")
            with pytest.raises(TypeError, match="JSON"):
                jobs.enqueue(s, job_tasks.record, token=datetime.now(UTC))
            with pytest.raises(ValueError, match="aware"):
                jobs.enqueue(s, job_tasks.record, token="x", schedule_at=datetime(2030, 1, 1))
        assert queued() == []

    def test_a_scheduled_job_waits_for_its_time(self, queue_mode: str) -> None:
        with unit_of_work() as s:
            jobs.enqueue(
                s, job_tasks.record, token="later", schedule_at=datetime.now(UTC) + timedelta(hours=1)
            )
            jobs.enqueue(s, job_tasks.record, token="now")
        run_tests_queue(queue_mode)
        assert (effects("now"), effects("later")) == (1, 0)
        assert tokens() == ["later"]


class TestInline:
    def test_inline_mode_runs_after_commit_and_never_after_rollback(self, db: str) -> None:
        assert jobs.runs_inline()
        with unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="inline")
            assert effects("inline") == 0  # not before the commit
        assert effects("inline") == 1
        with pytest.raises(RuntimeError), unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="inline-rolled-back")
            raise RuntimeError
        assert effects("inline-rolled-back") == 0
        assert queued() == []


class TestRetries:
    def _check_backoff(self, token: str) -> None:
        runs = [t for name, t in job_tasks.RUNS if name == token]
        assert len(runs) == 3  # two planned failures, then success
        first_wait, second_wait = runs[1] - runs[0], runs[2] - runs[1]
        assert first_wait >= 0.2 and second_wait >= 0.4  # base 0.2 s, doubled
        assert effects(token) == 1

    def test_failures_are_retried_with_exponential_backoff_until_the_runs_are_spent(
        self, queue_mode: str
    ) -> None:
        with unit_of_work() as s:
            jobs.enqueue(s, job_tasks.flaky, token="recovers", failures=2)
            jobs.enqueue(s, job_tasks.flaky, token="never", failures=9)
        if backend() == "postgresql":
            with pg_worker(queue_mode, [job_tasks.QUEUE], poll_seconds=0.05):
                wait_for(lambda: effects("recovers") == 1, "the flaky job to succeed")
                wait_for(lambda: [j["status"] for j in queued()] == ["failed"], "the hopeless job to fail")
        else:
            runner = local.Runner(queue_mode, poll_seconds=0.02, schedules=False).start()
            try:
                wait_for(lambda: effects("recovers") == 1, "the flaky job to succeed")
                wait_for(lambda: [j["status"] for j in queued()] == ["failed"], "the hopeless job to fail")
            finally:
                runner.stop()
        self._check_backoff("recovers")
        assert [j["args"]["token"] for j in queued()] == ["never"] and queued()[0]["attempts"] == 3
        assert sum(1 for name, _ in job_tasks.RUNS if name == "never") == 3 and effects("never") == 0


@pytest.mark.sqlite_only  # PostgreSQL's worker: test_jobs_workers.py
class TestLocalRunner:
    def test_queued_jobs_survive_a_restart_and_a_dead_runners_job_runs_again(self, queue_mode: str) -> None:
        with unit_of_work() as s:
            for token in ("a", "b", "c"):
                jobs.enqueue(s, job_tasks.record, token=token)
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait(30)
        # a runner of a process that has since died had claimed "a" (it never finished it)
        assert repository.claim(queue_mode, f"{local.HOST}:{dead.pid}:gone", None) is not None
        assert [j["status"] for j in queued()] == ["doing", "todo", "todo"]
        runner = local.Runner(queue_mode, poll_seconds=0.02).start()  # the process restarts
        try:
            wait_for(lambda: queued() == [], "the queue to empty")
        finally:
            runner.stop()
        assert [effects(t) for t in ("a", "b", "c")] == [1, 1, 1]

    def test_a_live_runners_job_is_left_alone(self, queue_mode: str) -> None:
        with unit_of_work() as s:
            jobs.enqueue(s, job_tasks.record, token="busy")
        holder = local.Runner(queue_mode)
        local._runners.add(holder)  # registered as running in this process, not stopped
        try:
            assert repository.claim(queue_mode, holder.id, None) is not None
            assert local.Runner(queue_mode).recover_stalled() == 0
        finally:
            local._runners.discard(holder)
        assert local.Runner(queue_mode).recover_stalled() == 1  # its runner is gone now
        assert [j["status"] for j in queued()] == ["todo"]

    def test_a_schedule_runs_once_per_tick_with_two_runners(self, queue_mode: str) -> None:
        jobs.register(
            schedules=[jobs.periodic("tests.every_second", "tests.record", "* * * * * *", token="periodic")]
        )
        runners = [local.Runner(queue_mode, poll_seconds=0.02).start() for _ in range(2)]
        try:
            wait_for(lambda: len(_ticks()) >= 3, "three ticks", timeout=30)
        finally:
            for runner in runners:
                runner.stop()
        ticks = _ticks()
        assert len(ticks) >= 3 and len(ticks) == len(set(ticks)), ticks


def _ticks() -> list[int]:
    with session_factory()() as s:
        details = s.scalars(
            select(audit.AuditEntry.detail).where(
                audit.AuditEntry.action == "test.job_effect", audit.AuditEntry.object_id == "periodic"
            )
        ).all()
    return [int(d["tick"]) for d in details]
