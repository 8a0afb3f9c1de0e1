"""Task and schedule declarations, and the registry of what may run in the background.

A task is a plain function taking JSON-serialisable keyword arguments and doing its work in its
own unit of work (``core.db.unit_of_work``), declared with :func:`task`; a schedule is a
:class:`Schedule` (:func:`periodic`).  Declaring registers nothing: a capability lists its tasks
and schedules in its manifest (``tasks``, ``schedules`` of ``http.capability.Capability``) and
the composition roots register them from ``zhizhi.registry`` (:func:`register`).  Both queue
backends (procrastinate on PostgreSQL, the local runner on SQLite) and the inline mode read this
one registry; enqueueing a task no root registered is a ``KeyError``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from croniter import croniter

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_QUEUE = "default"


@dataclass(frozen=True, slots=True)
class Retry:
    """How often a failing job runs and how long it waits in between.

    ``max_attempts`` counts every run (1 = never retried).  The wait after the n-th failed run is
    ``base_seconds * 2 ** (n - 1)``, at most ``max_seconds`` (exponential backoff).
    """

    max_attempts: int = 1
    base_seconds: float = 2.0
    max_seconds: float = 600.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_seconds < 0 or self.max_seconds < self.base_seconds:
            raise ValueError(f"invalid retry policy {self}")

    def delay_after(self, failed_runs: int) -> float | None:
        """Seconds to wait after ``failed_runs`` failed runs, or None when no run is left."""
        if failed_runs >= self.max_attempts:
            return None
        return float(min(self.max_seconds, self.base_seconds * 2 ** (failed_runs - 1)))


NO_RETRY = Retry()


@dataclass(frozen=True, slots=True)
class TaskSpec:
    name: str
    func: Callable[..., Any]
    retry: Retry = NO_RETRY
    queue: str = DEFAULT_QUEUE

    def __call__(self, **kwargs: Any) -> Any:
        return self.func(**kwargs)


@dataclass(frozen=True, slots=True)
class Schedule:
    """A periodic schedule: ``task`` is enqueued once per tick of ``cron`` across all processes,
    with ``timestamp`` (the tick, Unix seconds) among its arguments."""

    name: str
    task: str
    cron: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    queueing_lock: str | None = None  # a tick is skipped while the previous one still waits

    def __post_init__(self) -> None:
        if not croniter.is_valid(self.cron):
            raise ValueError(f"invalid cron expression {self.cron!r}")


# What a manifest lists under ``schedules``: a schedule, or a function building one from the
# settings when a root registers it (None: no schedule, e.g. an interval set to 0).
ScheduleDeclaration = Schedule | Callable[[], Schedule | None]


_lock = threading.Lock()
TASKS: dict[str, TaskSpec] = {}
SCHEDULES: dict[str, Schedule] = {}


def task(*, name: str, retry: Retry = NO_RETRY, queue: str = DEFAULT_QUEUE) -> Callable[[F], F]:
    """Declare a background task (``@jobs.task(name="routing.suggest", retry=Retry(5))``); the
    function keeps its ``task_spec``.  A root registers it from its capability's manifest."""

    def declare(func: F) -> F:
        func.task_spec = TaskSpec(name, func, retry, queue)  # type: ignore[attr-defined]
        func.task_name = name  # type: ignore[attr-defined]
        return func

    return declare


def register(tasks: Iterable[Callable[..., Any]] = (), schedules: Iterable[ScheduleDeclaration] = ()) -> None:
    """Register declared tasks and schedules (the composition roots, from the capabilities'
    manifests; safe to repeat).  A task name declared by two different functions is an error; a
    schedule replaces the one of the same name."""
    for declared in tasks:
        spec = declared if isinstance(declared, TaskSpec) else getattr(declared, "task_spec", None)
        if not isinstance(spec, TaskSpec):
            raise TypeError(f"{declared!r} is not a task: declare it with @jobs.task(name=...)")
        with _lock:
            known = TASKS.get(spec.name)
            if known is not None and known.func is not spec.func:
                known_func = f"{known.func.__module__}.{known.func.__qualname__}"
                new_func = f"{spec.func.__module__}.{spec.func.__qualname__}"
                if known_func != new_func:  # the same module imported twice is harmless
                    raise ValueError(f"task {spec.name!r} is declared twice ({known_func}, {new_func})")
            TASKS[spec.name] = spec
    for declaration in schedules:
        schedule = declaration if isinstance(declaration, Schedule) else declaration()
        if schedule is not None:
            with _lock:
                SCHEDULES[schedule.name] = schedule


def every(minutes: int) -> str:
    """A cron expression for "every ``minutes`` minutes", aligned on the hour and the day.

    Cron cannot step across hour or day boundaries, so ``minutes`` must divide an hour or be a
    whole number of hours dividing a day."""
    if 0 < minutes < 60 and 60 % minutes == 0:
        return "* * * * *" if minutes == 1 else f"*/{minutes} * * * *"
    if minutes > 0 and minutes % 60 == 0 and 24 % (minutes // 60) == 0:
        hours = minutes // 60
        return "0 * * * *" if hours == 1 else f"0 */{hours} * * *"
    raise ValueError(f"every {minutes} minutes cannot be a cron schedule: use a divisor of 60 or of 1440")


def periodic(
    name: str, task_name: str, cron: str, *, queueing_lock: str | None = None, **kwargs: Any
) -> Schedule:
    """Declare a periodic schedule of a task: one job per tick of ``cron`` (five fields, or six
    with seconds last) across every runner, called with ``timestamp=tick`` and ``kwargs``."""
    return Schedule(name, task_name, cron, dict(kwargs), queueing_lock)


def spec(task_or_name: str | Callable[..., Any]) -> TaskSpec:
    """The registered task for a name or a decorated function (KeyError when unknown)."""
    name = task_or_name if isinstance(task_or_name, str) else getattr(task_or_name, "task_name", None)
    found = TASKS.get(name) if name else None
    if found is None:
        raise KeyError(
            f"unknown task {task_or_name!r}: declare it with @jobs.task(name=...) and list it in its "
            "capability's manifest (tasks=...)"
        )
    return found


_start_hooks: list[Callable[[], None]] = []


def on_runner_start(hook: Callable[[], None]) -> None:
    """Run ``hook`` each time a job runner starts (``zhizhi worker``, the SQLite runner thread),
    e.g. to enqueue work that must exist at start (deduplicated with a queueing lock)."""
    with _lock:
        if hook not in _start_hooks:
            _start_hooks.append(hook)


def start_hooks() -> list[Callable[[], None]]:
    with _lock:
        return list(_start_hooks)
