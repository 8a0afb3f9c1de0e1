"""Free text outside cases (issue 12): a dispatch rule's note, the reason a dispatcher overrides
an AI suggestion, a knowledge article's save note and retirement reason are stored with phones
and ID numbers masked, the words as given encrypted; the tables are covered by ``zhizhi keys
rotate`` (docs/crypto.md, "Free text outside cases"). Sharing and certificates: their own tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.crypto.freetext import MASKED, SAID, assert_no_plaintext, audit_has_plaintext
from zhizhi.core import freetext
from zhizhi.core.db import session_factory
from zhizhi.keys import service as keys
from zhizhi.knowledge.models import ArticleVersion
from zhizhi.routing.models import CaseSuggestion, DispatchRule

ARTICLE = {
    "kind": "faq",
    "title": "冬季供暖不热怎么办",
    "body": "室温低于18℃的，可拨打供热公司热线报修。",
    "category": "SDQR",
    "department": "ZJ",
    "tags": ["供暖"],
}


def test_pure_masking_merges_and_replaces() -> None:
    texts, personal = freetext.mask({"a": SAID, "b": "无个人信息", "c": None})
    assert texts == {"a": MASKED, "b": "无个人信息", "c": None}
    assert freetext.given(personal) == {"a": SAID}
    texts, personal = freetext.mask({"c": f"再次 {SAID}"}, personal)
    assert freetext.given(personal) == {"a": SAID, "c": f"再次 {SAID}"}
    texts, personal = freetext.mask({"a": "改了"}, personal)  # a field written again drops its original
    assert freetext.given(personal) == {"c": f"再次 {SAID}"}
    assert freetext.mask({"a": "没有"}) == ({"a": "没有"}, None)
    assert freetext.given("not json") == {} and freetext.given(None) == {}


def test_dispatch_note_and_override_reason(world: Any) -> None:
    r = world.client.post(
        "/api/v1/dispatch-rules",
        json={"priority": 10, "category": "HJBH", "lead_department": "ZJ", "note": f"住建局主办，{SAID}"},
        headers=world.h("admin"),
    )
    assert r.status_code == 201, r.text
    rules = world.client.get("/api/v1/dispatch-rules", headers=world.h("admin")).json()
    assert any(rule.get("note") == f"住建局主办，{MASKED}" for rule in rules), rules
    number = world.create(category="HJBH")["number"]
    world.act("dispatcher", number, "dispatch", lead_department="S1", note=f"属地更合适，{SAID}")
    r = world.client.get(f"/api/v1/cases/{number}/suggestions", headers=world.h("dispatcher"))
    assert r.status_code == 200, r.text
    dispatch = next(x for x in r.json() if x["kind"] == "dispatch")
    assert dispatch["decision_reason"] == f"属地更合适，{MASKED}"
    page_rules = world.client.get("/api/v1/dispatch-rules", headers=world.h("admin")).json()
    assert f"住建局主办，{MASKED}" in [x["note"] for x in page_rules]
    with session_factory()() as s:
        rule = s.scalars(select(DispatchRule).where(DispatchRule.note.is_not(None))).one()
        assert freetext.given(rule.personal_text) == {"note": f"住建局主办，{SAID}"}
        suggestion = s.scalars(
            select(CaseSuggestion).where(CaseSuggestion.decision_reason.is_not(None))
        ).one()
        assert freetext.given(suggestion.personal_text) == {"decision_reason": f"属地更合适，{SAID}"}
        ids = rule.id, suggestion.id
    assert_no_plaintext("dispatch_rules", ids[0])
    assert_no_plaintext("case_suggestions", ids[1])


def test_knowledge_notes_and_rotation_targets(world: Any) -> None:
    r = world.client.post("/api/v1/knowledge/articles", json=ARTICLE, headers=world.h("steward"))
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    r = world.client.put(
        f"/api/v1/knowledge/articles/{ref}",
        json=ARTICLE | {"note": f"按来电人意见修改，{SAID}"},
        headers=world.h("steward"),
    )
    assert r.status_code == 200, r.text
    r = world.client.post(
        f"/api/v1/knowledge/articles/{ref}/retire",
        json={"reason": f"政策废止，{SAID}"},
        headers=world.h("steward"),
    )
    assert r.status_code == 200, r.text
    with session_factory()() as s:
        version = s.scalars(select(ArticleVersion).where(ArticleVersion.note.is_not(None))).one()
        assert version.note == f"按来电人意见修改，{MASKED}"
        assert freetext.given(version.personal_text) == {"note": f"按来电人意见修改，{SAID}"}
        version_id = version.id
    assert_no_plaintext("knowledge_versions", version_id)
    assert not audit_has_plaintext()
    covered = dict(keys.targets())
    for table in (
        "sharing_requests",
        "sharing_grants",
        "certificates",
        "case_suggestions",
        "dispatch_rules",
        "knowledge_versions",
    ):
        assert covered[table].get("personal_text") == f"{table}.personal_text", table


def test_migration_0018_masks_existing_texts_and_goes_back(migrated: str) -> None:
    """Through alembic: a dispatch rule's note written at 0017 with a phone and an ID number
    comes out masked at 0018, the words as given encrypted; the downgrade puts them back."""
    import json

    from sqlalchemy import create_engine, inspect, text

    from tests.scratch_db import scratch_database
    from zhizhi.core import fieldcrypt
    from zhizhi.core.migrate import downgrade, upgrade

    with scratch_database(migrated, "0018ft") as url:
        engine = create_engine(url)
        try:
            upgrade(url, "0017_notify")
            with engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO dispatch_rules (id, priority, division_prefix, co_department_ids, "
                        "use_territorial, note, active) VALUES (1, 10, '', '[]', false, :n, true)"
                    ),
                    {"n": f"旧规则，{SAID}"},
                )
                conn.execute(
                    text(
                        "INSERT INTO dispatch_rules (id, priority, division_prefix, co_department_ids, "
                        "use_territorial, note, active) VALUES (2, 20, '', '[]', false, '无个人信息', true)"
                    )
                )
            upgrade(url, "0018_gaps1213")
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT id, note, personal_text FROM dispatch_rules ORDER BY id")
                ).all()
            assert rows[0][1] == f"旧规则，{MASKED}" and rows[1][1:] == ("无个人信息", None)
            words = fieldcrypt.decrypt(rows[0][2], "dispatch_rules.personal_text", fieldcrypt.keyset())
            assert json.loads(words) == {"note": f"旧规则，{SAID}"}
            assert "language" in {c["name"] for c in inspect(engine).get_columns("cases")}
            downgrade(url, "0017_notify")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT note FROM dispatch_rules WHERE id = 1")).scalar_one() == (
                    f"旧规则，{SAID}"
                )
            engine.dispose()
            engine = create_engine(url)
            assert "personal_text" not in {c["name"] for c in inspect(engine).get_columns("dispatch_rules")}
            assert "language" not in {c["name"] for c in inspect(engine).get_columns("cases")}
        finally:
            engine.dispose()
