"""``org.department_cache``: department lookups by id reused within a process, dropped when this
process commits a department change, never hiding a change of the reading transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from zhizhi.core.db import get_engine, unit_of_work
from zhizhi.org import department_cache
from zhizhi.org import service as org
from zhizhi.org.enums import DepartmentKind


def test_second_read_is_served_from_the_cache_and_a_rename_shows_at_once(db: str) -> None:
    with unit_of_work() as s:
        dept = org.create_department(s, code="X1", name="旧名称街道", kind=DepartmentKind.STREET)
        dept_id = dept.id
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(get_engine(db), "before_cursor_execute", count)
    try:
        with unit_of_work() as s:
            assert org.departments_by_ids(s, [dept_id])[dept_id].name == "旧名称街道"
        reads = len(seen)
        with unit_of_work() as s:
            assert org.departments_by_ids(s, [dept_id])[dept_id].name == "旧名称街道"
        assert len(seen) == reads  # no query the second time
    finally:
        event.remove(get_engine(db), "before_cursor_execute", count)
    with unit_of_work() as s:
        _model(s, dept_id).name = "新名称街道"
        s.flush()
        # the renaming transaction reads its own write, not the cached name
        assert org.departments_by_ids(s, [dept_id])[dept_id].name == "新名称街道"
    with unit_of_work() as s:  # committed: the cache was dropped
        assert org.departments_by_ids(s, [dept_id])[dept_id].name == "新名称街道"


def test_clear_empties_it(db: str) -> None:
    with unit_of_work() as s:
        dept_id = org.create_department(s, code="X2", name="某街道", kind=DepartmentKind.STREET).id
        s.commit()
        org.departments_by_ids(s, [dept_id])
    assert department_cache.get_many([dept_id])[1] == []
    department_cache.clear()
    assert department_cache.get_many([dept_id])[1] == [dept_id]


def _model(session: Any, dept_id: int) -> Any:
    """The ORM row (the test may use org's model; other domains may not)."""
    from zhizhi.org.models import Department

    return session.get(Department, dept_id)
