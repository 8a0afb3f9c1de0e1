"""Short text searches (migration 0016): the bigram index condition never changes a result.

For terms of 2, 3 and more characters — Chinese, Latin letters in either case, digits, mixed,
LIKE wildcards — the workbench search returns exactly the cases a plain ``ILIKE`` over subject
and content (or address) returns; a term of one character is refused (422 naming the field).
On PostgreSQL the statement is also shown to be servable by the GIN expression indexes, and the
migration is shown to index rows that existed before it ran.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import or_, select, text, update

from zhizhi.cases.filters import parse_filter
from zhizhi.cases.models import Case
from zhizhi.cases.repository import search as search_repo
from zhizhi.core import clock
from zhizhi.core.db import get_engine, unit_of_work

TEXTS = [  # (subject, content, address)
    ("路灯不亮", "小区门口路灯坏了三天", "长沙市五一大道8号"),
    ("路灯", "不亮", "长沙市芙蓉中路12号"),  # "灯不" spans the two fields: no match
    ("WiFi信号差", "图书馆wifi经常断线", "岳麓区麓山南路932号"),
    ("噪音扰民", "工地夜间施工，噪音超过 80dB", "岳麓区桐梓坡路12号"),
    ("收费争议", "物业费上涨 100% 不合理", "天心区劳动西路1号"),
    ("下水道堵塞", "污水外溢_影响出行", "开福区车站北路A3栋"),
    ("Elevator BROKEN", "3号楼电梯故障 since Monday", "雨花区万家丽路 Block-B"),
    ("路面塌陷", "五一大道人行道塌陷约1米", "长沙市五一大道"),
]
TERMS = [
    "路灯",
    "灯不",
    "不亮",
    "wi",
    "WI",
    "Fi",
    "fi信",
    "80",
    "12",
    "2号",
    "0%",
    "污水外溢_",
    "_影",
    "路灯不",
    "路灯坏了三天",
    "wifi信号",
    "elevator broken",
    "since mon",
    "五一大道",
    "夜间施工，噪音",
    "不存在的词",
    "zz",
]
ADDRESS_TERMS = ["五一大道", "12号", "12", "-b", "block-b", "a3栋", "桐梓坡路12号", "路1", "长沙"]


@pytest.fixture
def cases(world: Any) -> list[str]:
    numbers = []
    for subject, content, address in TEXTS:
        number = world.create(subject=subject, content=content, address=address)["number"]
        numbers.append(number)
    return numbers


def _api(world: Any, **params: str) -> set[str]:
    r = world.client.get("/api/v1/cases", params={"page_size": 200, **params}, headers=world.h("dispatcher"))
    assert r.status_code == 200, r.text
    return {c["number"] for c in r.json()["items"]}


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _plain_ilike(*columns: Any, term: str) -> set[str]:
    with unit_of_work() as s:
        stmt = select(Case.number).where(or_(*(c.ilike(_like(term), escape="\\") for c in columns)))
        return set(s.scalars(stmt))


def _python(numbers: list[str], term: str, *fields: int) -> set[str]:
    return {
        n
        for n, row in zip(numbers, TEXTS, strict=True)
        if any(term.lower() in row[i].lower() for i in fields)
    }


@pytest.mark.parametrize("term", TERMS)
def test_text_search_equals_plain_ilike(world: Any, cases: list[str], term: str) -> None:
    expected = _python(cases, term, 0, 1)
    assert _plain_ilike(Case.subject, Case.content, term=term) == expected
    assert _api(world, q=term) == expected


@pytest.mark.parametrize("term", ADDRESS_TERMS)
def test_address_search_equals_plain_ilike(world: Any, cases: list[str], term: str) -> None:
    expected = _python(cases, term, 2)
    assert _plain_ilike(Case.address, term=term) == expected
    assert _api(world, address=term) == expected


def test_expected_sets_are_not_trivial(cases: list[str]) -> None:
    """The parametrised cases above compare non-empty sets where it matters."""
    assert _python(cases, "路灯", 0, 1) == {cases[0], cases[1]}
    assert _python(cases, "灯不", 0, 1) == {cases[0]}
    assert _python(cases, "wi", 0, 1) == {cases[2]}
    assert _python(cases, "0%", 0, 1) == {cases[4]}
    assert _python(cases, "_影", 0, 1) == {cases[5]}
    assert _python(cases, "elevator broken", 0, 1) == {cases[6]}
    assert _python(cases, "12", 2) == {cases[1], cases[3]}
    assert _python(cases, "-b", 2) == {cases[6]}


def test_text_edited_after_intake_is_found(world: Any, cases: list[str]) -> None:
    with unit_of_work() as s:
        s.execute(update(Case).where(Case.number == cases[3]).values(content="窨井盖缺失", address="新地址"))
    assert _api(world, q="井盖") == {cases[3]}
    assert _api(world, q="噪音") == {cases[3]}  # still in the subject
    assert _api(world, q="夜间") == set()
    assert _api(world, address="新地") == {cases[3]}


@pytest.mark.parametrize(
    ("field", "zh"), [("q", "搜索词至少 2 个字符"), ("address", "地址搜索词至少 2 个字符")]
)
def test_one_character_is_refused_with_the_field(world: Any, field: str, zh: str) -> None:
    for value in ("灯", " 灯 ", "a", "1"):
        r = world.client.get("/api/v1/cases", params={field: value}, headers=world.h("dispatcher"))
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["field"] == field
        assert body["message"]["zh"].startswith(zh)
        assert "at least 2 characters" in body["message"]["en"]


def _explain(sql_params: dict[str, str]) -> str:
    """The PostgreSQL plan of the search's WHERE clauses with sequential scans disabled: the
    bigram condition must be one an index can serve (same expression as the index)."""
    f = parse_filter(sql_params)
    clauses = search_repo.filter_clauses(f, clock.now(), bigrams=True)
    stmt = select(Case.id).where(*clauses)
    engine = get_engine()
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
        return "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {compiled}")))


@pytest.mark.postgres_only  # the bigram indexes are PostgreSQL's (SQLite scans: the demo)
def test_bigram_indexes_serve_short_terms(db: str) -> None:
    assert "ix_cases_text_bigrams" in _explain({"q": "路灯"})
    assert "ix_cases_address_bigrams" in _explain({"address": "12"})


@pytest.mark.postgres_only  # a PostgreSQL function
def test_bigram_function_matches_python(db: str) -> None:
    with get_engine().connect() as conn:
        got = conn.execute(
            text("SELECT zhizhi_bigrams('路灯AB路灯'), zhizhi_bigrams('x'), zhizhi_bigrams(NULL)")
        ).one()
        both = conn.execute(text("SELECT zhizhi_case_bigrams('路灯', NULL)")).scalar_one()
    assert got[0] == ["路灯", "灯a", "ab", "b路", "路灯"]  # repeats are harmless: GIN keeps a key once
    assert got[1] == []
    assert got[2] is None
    assert both == ["路灯", "灯\n"]


def test_migration_indexes_rows_that_existed_before_it(world: Any, db: str) -> None:
    """Down to 0008 (no bigram index), cases written, up again: the index built by the migration
    covers them and the search finds exactly them."""
    from zhizhi.core.db import dispose_all
    from zhizhi.core.migrate import downgrade, upgrade

    before = world.create(subject="井盖缺失", content="人行道井盖丢失", address="长沙市黄兴路9号")["number"]
    dispose_all()
    downgrade(db, "0008")
    try:
        pg = get_engine(db).dialect.name == "postgresql"
        with get_engine(db).connect() as conn:
            names = {
                r[0]
                for r in conn.execute(
                    text(
                        "SELECT indexname FROM pg_indexes WHERE tablename = 'cases'"
                        if pg
                        else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cases'"
                    )
                )
            }
        assert "ix_cases_created_by" not in names
        assert "ix_cases_text_bigrams" not in names
        with unit_of_work() as s:  # written while the index does not exist
            s.execute(update(Case).where(Case.number == before).values(content="人行道井盖被盗"))
    finally:
        dispose_all()
        upgrade(db)
    assert _api(world, q="井盖") == {before}
    assert _api(world, q="被盗") == {before}
    assert _api(world, address="黄兴") == {before}
    if get_engine().dialect.name == "postgresql":
        assert "ix_cases_text_bigrams" in _explain({"q": "被盗"})
