"""Staff's free text on the timeline (reasons, notes, replies, rating comments) is masked at rest,
the words as given encrypted and shown only to readers of personal data (audited); masking old
rows in place (migration 0017) keeps every case seal valid (issue 12, docs/crypto.md)."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest
from sqlalchemy import select, text

from zhizhi.cases import service
from zhizhi.core import fieldcrypt
from zhizhi.core.audit import AuditEntry
from zhizhi.core.db import get_engine, session_factory, unit_of_work

REASON = "家属电话 13907311234，身份证 430104199001011230，需第三方检测"
MASKED = "家属电话 139****1234，身份证 430104********1230，需第三方检测"


def _findings() -> list[tuple[str, str | None]]:
    with session_factory()() as s:
        found, _, _ = service.verify_integrity(s)
    return [(f.kind, f.ref) for f in found]


def _event(number: str, action: str) -> Any:
    with get_engine().connect() as conn:
        return conn.execute(
            text(
                "SELECT e.id, e.reason, e.personal_text, e.payload FROM case_events e "
                "JOIN cases c ON c.id = e.case_id "
                "WHERE c.number = :n AND e.action = :a"
            ),
            {"n": number, "a": action},
        ).one()


def _payload(row: Any) -> dict[str, Any]:
    return row.payload if isinstance(row.payload, dict) else json.loads(row.payload)


def _timeline(world: Any, user: str, number: str) -> dict[str, Any]:
    r = world.client.get(f"/api/v1/cases/{number}/timeline", headers=world.h(user))
    assert r.status_code == 200, r.text
    return {e["action"]: e for e in r.json()}


def _personal_reads(number: str) -> int:
    with session_factory()() as s:
        rows = s.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "case.personal_read", AuditEntry.object_id == number
            )
        ).all()
    return len(rows)


def test_reasons_and_co_replies_are_masked_at_rest_and_shown_as_given_to_readers(world: Any) -> None:
    number = str(world.create()["number"])
    world.act("dispatcher", number, "dispatch", lead_department="S1", co_departments=["D2"])
    world.act("h_d2", number, "co_reply", reply="已联系业主 13800001111 现场核实")
    world.act("h_s1", number, "sign")
    world.act("supervisor", number, "suspend", reason=REASON)
    row = _event(number, "suspend")
    assert row.reason == MASKED
    assert row.personal_text.startswith("sm4g:")
    assert json.loads(fieldcrypt.decrypt(row.personal_text, "case_events.personal_text")) == {
        "reason": REASON
    }
    co = _event(number, "co_reply")
    assert "13800001111" not in co.reason and "13800001111" not in json.dumps(
        _payload(co), ensure_ascii=False
    )
    # a supervisor (no personal:read) sees the masked words, the dispatcher the words as given, audited
    assert _timeline(world, "supervisor", number)["suspend"]["reason"] == MASKED
    before = _personal_reads(number)
    as_given = _timeline(world, "dispatcher", number)
    assert as_given["suspend"]["reason"] == REASON
    assert as_given["co_reply"]["payload"]["reply"] == "已联系业主 13800001111 现场核实"
    assert _personal_reads(number) == before + 1
    assert _findings() == []


def test_an_appeal_with_personal_data_leaves_its_creation_event_clean(world: Any) -> None:
    number = str(world.create(content="我的电话 13907311234，路灯坏了")["number"])
    assert _event(number, "create").personal_text is None  # the case's own words stay on the case
    assert _findings() == []


def test_a_reply_as_given_is_kept_encrypted(world: Any) -> None:
    number = world.case_in("in_progress")
    world.act("h_s1", number, "reply", reply="已回电 13907311234 说明处理结果")
    row = _event(number, "reply")
    assert _payload(row)["reply"] == "已回电 139****1234 说明处理结果"
    assert json.loads(fieldcrypt.decrypt(row.personal_text, "case_events.personal_text")) == {
        "reply": "已回电 13907311234 说明处理结果"
    }
    assert _timeline(world, "agent", number)["reply"]["payload"]["reply"] == "已回电 13907311234 说明处理结果"
    assert _findings() == []


def test_an_edit_of_the_masked_reason_or_of_the_original_is_detected(world: Any) -> None:
    number = world.case_in("in_progress")
    world.act("supervisor", number, "suspend", reason=REASON)
    row = _event(number, "suspend")
    with unit_of_work() as s:
        s.execute(text("UPDATE case_events SET reason = '无' WHERE id = :i"), {"i": row.id})
    assert _findings() == [("case_event_edited", number)]
    other = fieldcrypt.encrypt(json.dumps({"reason": "别的理由 13900000000"}), "case_events.personal_text")
    with unit_of_work() as s:
        s.execute(
            text("UPDATE case_events SET reason = :r, personal_text = :t WHERE id = :i"),
            {"r": MASKED, "t": other, "i": row.id},
        )
    assert _findings() == [("case_event_edited", number)]


def test_migration_0017_masks_old_reasons_in_place_and_seals_stay_valid(world: Any) -> None:
    """Rows as they were before 0017 (reason in clear, no personal_text) — sealed over the reason
    as given — are masked by the migration's own code; ``audit verify`` stays clean."""
    number = world.case_in("in_progress")
    world.act("supervisor", number, "suspend", reason=REASON)
    world.act("supervisor", number, "resume")
    row = _event(number, "suspend")
    with unit_of_work() as s:  # the pre-0017 form of the same event
        s.execute(
            text("UPDATE case_events SET reason = :r, personal_text = NULL WHERE id = :i"),
            {"r": REASON, "i": row.id},
        )
    assert _findings() == []
    migration = importlib.import_module("zhizhi.migrations.versions.0017_gaps12b")
    with get_engine().begin() as conn:
        migration._mask_events(conn, fieldcrypt.keyset())
    after = _event(number, "suspend")
    assert after.reason == MASKED
    assert json.loads(fieldcrypt.decrypt(after.personal_text, "case_events.personal_text")) == {
        "reason": REASON
    }
    assert _findings() == []
    assert _timeline(world, "dispatcher", number)["suspend"]["reason"] == REASON


@pytest.mark.postgres
def test_migration_0017_up_and_down_on_a_scratch_database(migrated: str) -> None:
    """Through alembic: an event written at 0011 with a phone in its reason comes out masked at
    head, the words as given encrypted; the downgrade puts them back."""
    from sqlalchemy import create_engine

    from tests.scratch_db import scratch_database
    from zhizhi.core.migrate import downgrade, upgrade

    with scratch_database(migrated, "0017ev") as url:
        engine = create_engine(url)
        try:
            upgrade(url, "0011")
            now = "2026-03-02 08:00:00+00:00"
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO cases (id, number, kind, channel, subject, content, urgency, status, "
                        "confidential, created_at, updated_at, clock_started_at, limit_amount, limit_unit, "
                        "warning_ratio, due_at, warn_at, due_provisional, version, extension_amount, "
                        "paused_days, paused_seconds, supervision_count, reopen_count, return_count, "
                        "event_count, rating_excluded) VALUES (1, '202603020001', 'appeal', 'hotline', "
                        "'路灯', '路灯坏了', 'normal', 'suspended', false, :t, :t, :t, 5, 'working_days', "
                        "0.8, :t, :t, false, 1, 0, 0, 0, 0, 0, 0, 2, false)"
                    ),
                    {"t": now},
                )
                conn.execute(
                    text(
                        "INSERT INTO case_events (case_id, seq, action, at, actor_name, to_status, reason, "
                        "payload) VALUES (1, 2, 'suspend', :t, 'supervisor', 'suspended', :r, '{}')"
                    ),
                    {"t": now, "r": REASON},
                )
            upgrade(url)
            with engine.connect() as conn:
                reason, personal = conn.execute(text("SELECT reason, personal_text FROM case_events")).one()
            assert reason == MASKED
            words = fieldcrypt.decrypt(personal, "case_events.personal_text", fieldcrypt.keyset())
            assert json.loads(words) == {"reason": REASON}
            downgrade(url, "0011")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT reason FROM case_events")).scalar_one() == REASON
        finally:
            engine.dispose()
