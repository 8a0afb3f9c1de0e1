"""Migration 0013 goes one step down and up again, on a scratch database of the backend under test."""

from __future__ import annotations

import pytest

from tests.scratch_db import scratch_database, table_names
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
    with scratch_database(migrated, "0013") as url:
        upgrade(url, "0013")
        assert table_names(url) >= SHARING_TABLES
        downgrade(url, "-1")  # one step: the migration below it, whatever the chain becomes
        assert table_names(url) & SHARING_TABLES == set()
        assert "cases" in table_names(url)
        upgrade(url, "0013")
        assert table_names(url) >= SHARING_TABLES


def _client_columns(url: str) -> set[str]:
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url)
    try:
        return {c["name"] for c in inspect(engine).get_columns("sharing_clients")}
    finally:
        engine.dispose()


def test_migration_0017_gaps12a_goes_down_and_up_again(migrated: str) -> None:
    """The consuming systems' management columns (both backends: SQLite rebuilds the table)."""
    added = {"secret_rotated_at", "retired_at", "retired_by", "cert_sha256"}
    with scratch_database(migrated, "0017g") as url:
        upgrade(url, "0017_gaps12a")
        assert _client_columns(url) >= added
        downgrade(url, "-1")
        assert _client_columns(url) & added == set()
        upgrade(url, "0017_gaps12a")
        assert _client_columns(url) >= added
