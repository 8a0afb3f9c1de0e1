"""An action's write: the remembered kind of a case, and the case's changes written with its event
(on PostgreSQL in one statement with the audit entry) — all or nothing, with the version check."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm.exc import StaleDataError

from zhizhi.cases import kinds, service
from zhizhi.cases.models import Case
from zhizhi.core.db import session_factory
from zhizhi.org.service import principal_from_token


def _row(db: str, number: str) -> dict[str, Any]:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT status, version, event_count FROM cases WHERE number = :n"), {"n": number}
            ).one()
            events = conn.execute(
                text(
                    "SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number = :n"
                ),
                {"n": number},
            ).scalar_one()
    finally:
        engine.dispose()
    return {"status": row.status, "version": row.version, "event_count": row.event_count, "events": events}


class TestRememberedKind:
    def test_a_kind_remembered_from_another_database_is_read_again(self, world: Any) -> None:
        number = world.case_in("received")
        # as if this number had been an application in a database built before: "accept" is an
        # action of both lifecycles, so the body reads, and only the locked row tells the kinds apart
        kinds.remember(number, "application")
        url = f"/api/v1/cases/{number}/actions"
        r = world.client.post(url, json={"action": "accept", "note": "已核实"}, headers=world.h("dispatcher"))
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "accepted"
        assert kinds._KINDS.get(number) == "appeal"

    def test_a_body_read_by_the_wrong_kind_is_not_acted_on(self, world: Any, db: str) -> None:
        number = world.case_in("in_progress")
        before = _row(db, number)
        kinds.remember(number, "application")
        r = world.client.post(
            f"/api/v1/cases/{number}/actions", json={"action": "no_such_action"}, headers=world.h("h_s1")
        )
        assert r.status_code == 422, r.text
        assert _row(db, number) == before


class TestOneWrite:
    def test_the_case_row_and_its_event_move_together(self, world: Any, db: str) -> None:
        number = world.case_in("in_progress")
        before = _row(db, number)
        world.act("h_s1", number, "handle", note="已联系维保单位")
        after = _row(db, number)
        assert after["version"] == before["version"] + 1
        assert after["event_count"] == before["event_count"] + 1 == after["events"]
        assert after["status"] == before["status"] == "in_progress"

    def test_a_case_changed_meanwhile_fails_the_write_and_leaves_nothing(self, world: Any, db: str) -> None:
        number = world.case_in("in_progress")
        before = _row(db, number)
        session = session_factory(db)()
        try:
            principal = principal_from_token(session, world.h("h_s1")["Authorization"].split()[1])
            case = session.scalar(select(Case).where(Case.number == number))
            assert case is not None
            # another write of the row after it was read (behind the ORM's back: its version is stale)
            session.execute(text("UPDATE cases SET version = version + 1 WHERE number = :n"), {"n": number})
            with pytest.raises(StaleDataError):
                service._append_event(
                    session, case, principal, "handle", "in_progress", "in_progress", "已联系", {}
                )
                session.flush()
            session.rollback()
        finally:
            session.close()
        assert _row(db, number) == before
