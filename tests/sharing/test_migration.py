"""Migration 0013 goes one step down and up again, on a scratch database of the backend under test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from zhizhi.core.db import get_engine
from zhizhi.core.migrate import downgrade, upgrade

SHARING_TABLES = {
    "sharing_resources",
    "sharing_fields",
    "sharing_requests",
    "sharing_grants",
    "sharing_clients",
    "sharing_access_tokens",
    "sharing_exchange_log",
    "sharing_subjects",
    "provider_population",
    "provider_business_licences",
    "provider_social_security",
    "provider_property",
}


@pytest.mark.postgres
def test_migration_0013_goes_down_and_up_again(migrated: str) -> None:
    if migrated.startswith("postgresql"):
        admin_url, name = migrated.rsplit("/", 1)[0] + "/postgres", Path(migrated).name + "_0013"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = migrated.rsplit("/", 1)[0] + f"/{name}"
    else:
        admin, url = None, f"sqlite:///{tempfile.mkdtemp(prefix='zhizhi-0013-')}/m.db"

    def tables() -> set[str]:
        engine = create_engine(url)
        try:
            return set(inspect(engine).get_table_names())
        finally:
            engine.dispose()

    try:
        upgrade(url, "0013")
        assert tables() >= SHARING_TABLES
        downgrade(url, "-1")  # one step: the migration below it, whatever the chain becomes
        assert tables() & SHARING_TABLES == set()
        assert "cases" in tables()
        upgrade(url, "0013")
        assert tables() >= SHARING_TABLES
    finally:
        get_engine(url).dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{Path(url).name}" WITH (FORCE)'))
            admin.dispose()
        else:
            os.remove(url.removeprefix("sqlite:///"))
