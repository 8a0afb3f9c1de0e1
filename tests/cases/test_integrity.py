"""Case rows, co-units and timeline events are covered by the audit chain: a full lifecycle
verifies; each kind of edit made behind the platform's back is named with the case number."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from typer.testing import CliRunner

from zhizhi.cases import service
from zhizhi.cli.main import app
from zhizhi.core.db import session_factory, unit_of_work


def _findings() -> list[tuple[str, str | None]]:
    with session_factory()() as s:
        found, _, _ = service.verify_integrity(s)
    return [(f.kind, f.ref) for f in found]


def _exec(sql: str, **params: Any) -> None:
    with unit_of_work() as s:
        s.execute(text(sql), params)


def _lived(world: Any) -> str:
    """A case dispatched with a co-unit, signed, replied and rated (six timeline events)."""
    number = str(world.create()["number"])
    world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["D2"])
    world.act("h_s1", number, "sign")
    world.act("h_s1", number, "reply", reply="已协调施工单位停止夜间施工")
    return number


class TestCoverage:
    def test_a_whole_lifecycle_verifies(self, world: Any) -> None:
        number = _lived(world)
        other = str(world.create()["number"])
        with session_factory()() as s:
            found, cases, events = service.verify_integrity(s)
        assert (found, cases, events) == ([], 2, 5)
        assert number != other

    def test_edited_contact_phone(self, world: Any) -> None:
        number = _lived(world)
        _exec("UPDATE cases SET contact_phone = '13900000000' WHERE number = :n", n=number)
        assert _findings() == [("case_row_edited", number)]

    def test_edited_status_and_reply(self, world: Any) -> None:
        number = _lived(world)
        _exec("UPDATE cases SET status = 'closed', reply = '已办结' WHERE number = :n", n=number)
        assert _findings() == [("case_row_edited", number)]

    def test_edited_lead_unit(self, world: Any) -> None:
        number = _lived(world)
        _exec("UPDATE cases SET lead_department_id = lead_department_id + 1 WHERE number = :n", n=number)
        assert _findings() == [("case_row_edited", number)]

    def test_added_co_unit(self, world: Any) -> None:
        number = _lived(world)
        _exec(
            "INSERT INTO case_units (case_id, department_id) SELECT c.id, d.id FROM cases c, departments d "
            "WHERE c.number = :n AND d.code = 'ZJ'",
            n=number,
        )
        assert _findings() == [("case_units_edited", number)]

    def test_edited_event(self, world: Any) -> None:
        number = _lived(world)
        _exec(
            "UPDATE case_events SET actor_name = 'mallory' WHERE seq = 2 AND case_id = "
            "(SELECT id FROM cases WHERE number = :n)",
            n=number,
        )
        assert _findings() == [("case_event_edited", number)]

    def test_deleted_event(self, world: Any) -> None:
        number = _lived(world)
        _exec(
            "DELETE FROM case_events WHERE seq = 3 AND case_id = (SELECT id FROM cases WHERE number = :n)",
            n=number,
        )
        assert _findings() == [("case_event_deleted", number)]

    def test_inserted_event(self, world: Any) -> None:
        number = _lived(world)
        _exec(
            "INSERT INTO case_events (case_id, seq, action, at, actor_name, to_status, payload) "
            "SELECT case_id, 9, 'close', at, actor_name, 'closed', payload FROM case_events "
            "WHERE seq = 4 AND case_id = (SELECT id FROM cases WHERE number = :n)",
            n=number,
        )
        assert _findings() == [("case_event_inserted", number)]

    def test_deleted_case(self, world: Any) -> None:
        number = _lived(world)
        keep = str(world.create()["number"])
        with unit_of_work() as s:
            case_id = s.scalar(text("SELECT id FROM cases WHERE number = :n"), {"n": number})
            for table in ("case_events", "case_units", "case_suggestions"):
                s.execute(text(f"DELETE FROM {table} WHERE case_id = :i"), {"i": case_id})
            s.execute(text("DELETE FROM cases WHERE id = :i"), {"i": case_id})
        assert _findings() == [("case_deleted", number)]
        assert keep != number

    def test_case_row_inserted_behind_the_platforms_back(self, world: Any) -> None:
        from zhizhi.cases.models import Case

        number = _lived(world)
        columns = [
            c.name
            for c in Case.__table__.columns
            if c.name not in ("id", "number") and c.computed is None  # generated columns compute themselves
        ]
        _exec(
            f"INSERT INTO cases (number, {', '.join(columns)}) "
            f"SELECT '2026120199999', {', '.join(columns)} FROM cases WHERE number = :n",
            n=number,
        )
        assert _findings() == [("case_row_unsealed", "2026120199999")]

    def test_the_cli_reports_kind_and_case_and_fails(self, world: Any) -> None:
        number = _lived(world)
        runner = CliRunner()
        ok = runner.invoke(app, ["audit", "verify"])
        assert ok.exit_code == 0, ok.output
        assert "1 cases and 4 case events" in ok.output
        _exec("UPDATE cases SET rating = 'satisfied' WHERE number = :n", n=number)
        bad = runner.invoke(app, ["audit", "verify"])
        assert bad.exit_code == 1
        assert "case_row_edited" in bad.output
        assert f"case {number}: the row differs from its seal" in bad.output
