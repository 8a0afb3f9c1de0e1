"""The local runner: executes queued jobs and periodic schedules from ``job_queue`` (SQLite).

One daemon thread per runner; the demo web process starts one (``web.app``), ``zhizhi worker``
on SQLite runs one in the foreground.  Several runners (several processes) may share a database:
claiming a job is one ``UPDATE … RETURNING`` in a ``BEGIN IMMEDIATE`` transaction, so a job is
claimed once, and a schedule tick is enqueued only by the runner that moves
``job_schedules.last_tick`` forward.  A job left ``doing`` by a runner that is gone — its process
died (checked by pid: a SQLite file is local to this host), or it was a runner of this process
that was stopped, or, for a claim made on another host, it has held the job for
``LEASE_SECONDS`` — is run again when its retry policy allows; queued jobs wait in the table
across restarts.  Timing is wall-clock time, not ``core.clock``.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import uuid
from datetime import timedelta

from croniter import croniter

from zhizhi.core.jobs import registry, repository
from zhizhi.core.jobs.queue import PendingJob

log = logging.getLogger("zhizhi.jobs")
HOST = socket.gethostname()
LEASE_SECONDS = 600.0  # a job held longer than this by a runner on another host is taken back
STALLED_CHECK_SECONDS = 30.0
MAX_DELAY_SECONDS = 600.0  # a schedule tick missed by more than this is skipped (as procrastinate)

_lock = threading.Lock()
_runners: set[Runner] = set()


def wake() -> None:
    """Tell this process's runners that jobs were committed."""
    with _lock:
        runners = list(_runners)
    for runner in runners:
        runner.wakeup.set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


class Runner:
    def __init__(
        self,
        url: str | None = None,
        *,
        queues: list[str] | None = None,
        poll_seconds: float = 1.0,
        schedules: bool = True,
    ) -> None:
        self.url = url
        self.queues = queues
        self.poll_seconds = poll_seconds
        self.schedules = schedules
        self.id = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.wakeup = threading.Event()
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._ticks: dict[str, int] = {}
        self._last_stalled_check = 0.0

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> Runner:
        if self._thread is None:
            with _lock:
                _runners.add(self)
            self._thread = threading.Thread(target=self.run_forever, name="zhizhi-jobs", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self.stopping.set()
        self.wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with _lock:
            _runners.discard(self)

    def run_forever(self) -> None:
        for hook in registry.start_hooks():
            try:
                hook()
            except Exception:
                log.exception("job runner start hook %s failed", getattr(hook, "__name__", hook))
        while not self.stopping.is_set():
            self.wakeup.clear()
            try:
                self.run_until_idle()
            except Exception:  # the database was busy or gone: try again at the next poll
                log.exception("job runner pass failed")
            self.wakeup.wait(self._wait_seconds())

    # -- one pass -------------------------------------------------------------------------------

    def run_until_idle(self, limit: int | None = None) -> int:
        """Enqueue due schedule ticks, take back stalled jobs, run due jobs until none is left
        (or ``limit`` ran); returns how many ran."""
        if time.monotonic() - self._last_stalled_check >= STALLED_CHECK_SECONDS:
            self.recover_stalled()
        done = 0
        while not self.stopping.is_set() and (limit is None or done < limit):
            if self.schedules:
                self.enqueue_due_ticks()
            job = repository.claim(self.url, self.id, self.queues)
            if job is None:
                break
            self._run(job)
            done += 1
        return done

    def _run(self, job: repository.Claimed) -> None:
        spec = registry.TASKS.get(job.task)
        try:
            if spec is None:
                raise LookupError(f"no task {job.task!r} is registered in this process")
            spec.func(**job.args)
        except Exception as exc:
            retry = spec.retry if spec is not None else registry.NO_RETRY
            delay = retry.delay_after(job.attempts)
            log.warning(
                "job %s #%d failed (run %d)%s: %s",
                job.task,
                job.id,
                job.attempts,
                "" if delay is None else f", retried in {delay:.3g} s",
                exc,
            )
            repository.fail(self.url, job.id, "".join(traceback.format_exception(exc)), delay)
        else:
            repository.finish(self.url, job.id)

    def enqueue_due_ticks(self, now: float | None = None) -> int:
        """Enqueue the newest passed tick of every schedule (if no runner has); returns how many."""
        now = time.time() if now is None else now
        added = 0
        for schedule in list(registry.SCHEDULES.values()):
            tick = int(croniter(schedule.cron, now).get_prev(float))
            if self._ticks.get(schedule.name, 0) >= tick or now - tick > MAX_DELAY_SECONDS:
                continue
            spec = registry.TASKS.get(schedule.task)
            if spec is None:
                log.error("schedule %s names the unregistered task %s", schedule.name, schedule.task)
                continue
            pending = PendingJob(spec, {**schedule.kwargs, "timestamp": tick}, schedule.queueing_lock)
            if repository.claim_tick(self.url, schedule.name, tick, pending):
                added += 1
            self._ticks[schedule.name] = tick
        return added

    def recover_stalled(self) -> int:
        """Jobs ``doing`` under a runner that is gone: run again if their retry policy allows."""
        self._last_stalled_check = time.monotonic()
        back = 0
        lease = timedelta(seconds=LEASE_SECONDS)
        now = repository.wall_now()
        with _lock:
            live = {r.id for r in _runners}
        for job_id, task, holder, since, attempts in repository.running(self.url):
            host, _, rest = (holder or "").partition(":")
            pid = rest.split(":", 1)[0]
            if holder is None:
                gone = True
            elif host == HOST and pid == str(os.getpid()):
                gone = holder not in live  # a runner of this process that was stopped
            elif host == HOST and pid.isdigit():
                gone = not _alive(int(pid))
            else:  # another host: only its lease tells
                gone = since is None or now - since >= lease
            if not gone:
                continue
            spec = registry.TASKS.get(task)
            retry = (spec.retry if spec else registry.NO_RETRY).delay_after(attempts) is not None
            note = f"runner {holder} stopped during run {attempts}"
            if repository.release(self.url, job_id, holder, retry, note):
                log.warning("job %s #%d: %s; %s", task, job_id, note, "run again" if retry else "failed")
                back += 1
        return back

    def _wait_seconds(self) -> float:
        if not self.schedules or not registry.SCHEDULES:
            return self.poll_seconds
        now = time.time()
        nxt = min(croniter(s.cron, now).get_next(float) for s in registry.SCHEDULES.values())
        return max(0.0, min(self.poll_seconds, nxt - now + 0.01))


def start(url: str | None = None, *, poll_seconds: float = 1.0) -> Runner:
    """Start a runner thread for every queue and schedule (the SQLite web process)."""
    return Runner(url, poll_seconds=poll_seconds).start()
