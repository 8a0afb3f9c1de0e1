"""The job tables' migration (0006) on both databases, procrastinate's schema mark, and the
declarations' rules (retry delays, cron schedules, settings)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.scratch_db import scratch_database, table_names
from zhizhi.core.db import get_engine
from zhizhi.core.jobs import registry
from zhizhi.core.migrate import downgrade, upgrade
from zhizhi.core.settings import Settings


@pytest.mark.postgres_only
def test_the_queue_schema_is_the_installed_procrastinates_and_a_worker_refuses_another(db: str) -> None:
    from zhizhi.core.jobs import pg

    installed = pg.installed_schema_version()
    with get_engine().connect() as conn:
        assert pg.schema_version(conn) == installed  # a newer procrastinate needs a migration first
    pg.check_schema(db)
    with get_engine().begin() as conn:
        pg.mark_schema(conn, "00.00.00_01_initial")
    try:
        with pytest.raises(RuntimeError, match="zhizhi db upgrade"):
            pg.check_schema(db)
    finally:
        with get_engine().begin() as conn:
            pg.mark_schema(conn, installed)


@pytest.mark.postgres
def test_migration_0006_goes_down_and_up_again(migrated: str) -> None:
    """On a scratch database of the backend under test."""
    with scratch_database(migrated, "0006") as url:
        upgrade(url)
        assert {"job_queue", "job_schedules"} <= table_names(url)
        assert ("procrastinate_jobs" in table_names(url)) is url.startswith("postgresql")
        downgrade(url, "0005")
        assert not {t for t in table_names(url) if t.startswith(("job_", "procrastinate_"))}
        upgrade(url)
        assert {"job_queue", "job_schedules"} <= table_names(url)


def test_retry_delays_double_up_to_the_cap_and_stop_when_runs_are_spent() -> None:
    retry = registry.Retry(max_attempts=5, base_seconds=2, max_seconds=10)
    assert [retry.delay_after(n) for n in range(1, 6)] == [2, 4, 8, 10, None]
    assert registry.NO_RETRY.delay_after(1) is None
    with pytest.raises(ValueError):
        registry.Retry(max_attempts=0)


def test_every_becomes_a_cron_schedule_or_is_refused() -> None:
    assert [registry.every(n) for n in (1, 10, 60, 120)] == [
        "* * * * *",
        "*/10 * * * *",
        "0 * * * *",
        "0 */2 * * *",
    ]
    for bad in (0, 7, 90, 300):
        with pytest.raises(ValueError, match="divisor"):
            registry.every(bad)
    with pytest.raises(ValueError, match="cron"):
        registry.periodic("tests.bad", "tests.record", "every tuesday")


def test_settings_check_the_schedule_and_read_the_former_ai_modes() -> None:
    with pytest.raises(ValidationError, match="divisor"):
        Settings(hotspot_interval_minutes=7)
    assert Settings(hotspot_interval_minutes=0).hotspot_interval_minutes == 0
    assert [Settings(ai_mode=m).ai_mode for m in ("thread", "worker", "inline", "on", "off")] == [
        "on",
        "on",
        "on",
        "on",
        "off",
    ]
    with pytest.raises(ValidationError):
        Settings(ai_mode="sometimes")


def test_declaring_registers_nothing_until_a_root_registers_the_declarations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(registry, "TASKS", {})
    monkeypatch.setattr(registry, "SCHEDULES", {})

    @registry.task(name="tests.declared")
    def declared() -> None: ...

    def other() -> None: ...

    def plain() -> None: ...

    with pytest.raises(KeyError, match="manifest"):
        registry.spec(declared)  # declared, listed in no registered manifest: cannot be enqueued
    every_five = registry.periodic("tests.five", "tests.declared", "*/5 * * * *")
    registry.register([declared], [every_five, lambda: None])  # a schedule the settings turned off
    assert registry.spec("tests.declared").func is declared
    assert dict(registry.SCHEDULES) == {"tests.five": every_five}
    registry.register([declared])  # the roots may register again
    with pytest.raises(ValueError, match="declared twice"):
        registry.register([registry.task(name="tests.declared")(other)])
    with pytest.raises(TypeError, match="not a task"):
        registry.register([plain])
    assert registry.spec("tests.declared").func is declared
