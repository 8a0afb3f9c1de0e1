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
