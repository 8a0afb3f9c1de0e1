"""The demo providers' personal columns are encrypted at rest (SM4-GCM) and found by the keyed
blind index of the ID number; the exchange still answers, during and after an index key rotation;
migration 0017 encrypts existing provider rows and its downgrade restores them (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.scratch_db import scratch_database
from tests.sharing.conftest import PROVIDER_ROWS, SharingCity
from zhizhi.core import fieldcrypt
from zhizhi.core.db import get_engine
from zhizhi.keys import index_rotation
from zhizhi.keys import service as keys

PERSON = PROVIDER_ROWS["provider_population"][1]
FIELDS = ["id_number", "name", "household_address", "phone"]


def _dump(table: str) -> str:
    with get_engine().connect() as conn:
        return json.dumps([list(r) for r in conn.execute(text(f"SELECT * FROM {table}"))], default=str)


def test_no_personal_column_of_a_provider_in_clear(city: SharingCity) -> None:
    population = _dump("provider_population")
    for person in PROVIDER_ROWS["provider_population"][:20]:
        for value in (person["id_number"], person["name"], person["household_address"], person["phone"]):
            assert value is None or value not in population
    licences = _dump("provider_business_licences")
    assert PROVIDER_ROWS["provider_business_licences"][0]["legal_representative_id"] not in licences
    for table in ("provider_social_security", "provider_property"):
        dump = _dump(table)
        assert not [p["id_number"] for p in PROVIDER_ROWS["provider_population"] if p["id_number"] in dump]


def _granted(city: SharingCity) -> None:
    req = city.request("st_zj", "GA-RK-001", FIELDS)
    city.decide("st_ga", req["number"], True, reason="住房保障审核", plain_fields=["name"])


def test_the_exchange_answers_by_id_number_before_during_and_after_an_index_rotation(
    city: SharingCity, own_keys: Path
) -> None:
    _granted(city)
    expected = {"name": PERSON["name"], "phone": PERSON["phone"]}

    def read(key: str) -> Any:
        r = city.read("ZJ", "GA-RK-001", key, fields="name,phone")
        assert r.status_code == 200, r.text
        return r.json()["record"]

    assert read(PERSON["id_number"]) == expected
    assert read(PERSON["id_number"].lower()) == expected  # a lower-case x is the same number
    keys.startup()
    ks, _ = index_rotation.begin(grace=0)
    index_rotation.recompute_all(ks, batch_size=7, stop_after=2)  # part of the rows re-indexed
    assert read(PERSON["id_number"]) == expected
    report = index_rotation.rotate_index(batch_size=50, grace=0)
    assert report.rows_changed["provider_population"] == len(PROVIDER_ROWS["provider_population"])
    assert fieldcrypt.keyset().index_versions() == [2]
    assert read(PERSON["id_number"]) == expected
    r = city.read("ZJ", "GA-RK-001", "430104199001011230", fields="name")
    assert r.status_code == 404, r.text


def test_a_data_key_rotation_re_encrypts_the_provider_tables(city: SharingCity, own_keys: Path) -> None:
    _granted(city)
    keys.startup()
    report = keys.rotate(batch_size=100, grace=0)
    assert report.rows_changed["provider_population"] == len(PROVIDER_ROWS["provider_population"])
    assert "sm4g:1:" not in _dump("provider_population")
    r = city.read("ZJ", "GA-RK-001", PERSON["id_number"], fields="name")
    assert r.json()["record"] == {"name": PERSON["name"]}


@pytest.mark.postgres
def test_migration_0017_encrypts_provider_rows_and_goes_back(migrated: str) -> None:
    from zhizhi.core.migrate import downgrade, upgrade

    with scratch_database(migrated, "0017") as url:
        engine = create_engine(url)
        try:
            upgrade(url, "0011")
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO provider_population (id_number, name, gender, birth_date, ethnicity, "
                        "household_address, phone) VALUES ('43010419900101123X', '赵六', '男', '1990-01-01', "
                        "'汉族', '岳麓区麓山南路1号', '13800007777')"
                    )
                )
                conn.execute(
                    text(
                        "INSERT INTO provider_property (certificate_no, owner_id_number, owner_name, "
                        "address, "
                        "area_m2, use, registered_on, mortgaged) VALUES ('湘(2025)第1号', "
                        "'43010419900101123X', '赵六', '桃子湖路18号', 96.42, '住宅', '2025-06-20', false)"
                    )
                )
            upgrade(url)
            ks = fieldcrypt.keyset()
            with engine.connect() as conn:
                row = conn.execute(
                    text("SELECT id, id_number, id_number_index, name, phone FROM provider_population")
                ).one()
                owner = conn.execute(
                    text("SELECT owner_id_number_index, area_m2 FROM provider_property")
                ).one()
            assert row[0] == 1 and row[1].startswith("sm4g:")
            assert fieldcrypt.decrypt(row[1], "provider_population.id_number", ks) == "43010419900101123X"
            assert row[2] == fieldcrypt.id_number_index("43010419900101123x", ks)
            assert fieldcrypt.decrypt(row[3], "provider_population.name", ks) == "赵六"
            assert fieldcrypt.decrypt(row[4], "provider_population.phone", ks) == "13800007777"
            assert owner[0] == row[2] and float(owner[1]) == 96.42
            downgrade(url, "0011")
            with engine.connect() as conn:
                back = conn.execute(text("SELECT id_number, name, phone FROM provider_population")).one()
                prop = conn.execute(text("SELECT owner_id_number, owner_name FROM provider_property")).one()
            assert tuple(back) == ("43010419900101123X", "赵六", "13800007777")
            assert tuple(prop) == ("43010419900101123X", "赵六")
        finally:
            engine.dispose()
