"""The only place that writes SQL for the address library: divisions, standard address nodes
and their history, grids and grid workers.

Departments and users belong to ``org`` and are read through ``org.service``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from zhizhi.addresses.models import AddressNode, AddressNodeHistory, Division, Grid, GridWorker

Progress = Callable[[int, int], None]

# ---- divisions ------------------------------------------------------------------------------------


def _copy_postgres(
    session: Session, columns: Sequence[str], rows: list[Any], progress: Progress | None
) -> None:
    raw: Any = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY divisions ({', '.join(columns)}) FROM STDIN") as copy:
        for i, row in enumerate(rows, 1):
            copy.write_row(row)
            if progress is not None and i % 20000 == 0:
                progress(i, len(rows))


def _insert_batches(
    session: Session, columns: Sequence[str], rows: list[Any], progress: Progress | None, batch: int
) -> None:
    raw: Any = session.connection().connection.driver_connection  # sqlite3: executemany in C
    sql = f"INSERT INTO divisions ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for start in range(0, len(rows), batch):
        raw.executemany(sql, rows[start : start + batch])
        if progress is not None:
            progress(min(start + batch, len(rows)), len(rows))


def replace_divisions(
    session: Session, columns: Sequence[str], rows: list[Any], progress: Progress | None, batch: int
) -> None:
    """Empty ``divisions`` and load ``rows`` in the session's transaction: secondary indexes are
    dropped and rebuilt once after the load (much faster than row by row; DDL is transactional
    on both backends); PostgreSQL ``TRUNCATE`` + ``COPY``, SQLite ``DELETE`` + ``executemany``."""
    session.flush()
    conn = session.connection()
    postgres = conn.dialect.name == "postgresql"
    conn.exec_driver_sql("TRUNCATE divisions" if postgres else "DELETE FROM divisions")
    table: Table = Division.__table__  # type: ignore[assignment]
    indexes = list(table.indexes)
    for index in indexes:
        index.drop(conn)
    if postgres:
        _copy_postgres(session, columns, rows, progress)
    else:
        _insert_batches(session, columns, rows, progress, batch)
    for index in indexes:
        index.create(conn)


def division(session: Session, code: str) -> Division | None:
    return session.get(Division, code)


def divisions(session: Session, codes: list[str]) -> list[Division]:
    return list(session.scalars(select(Division).where(Division.code.in_(codes))))


def children(session: Session, code: str, limit: int) -> list[Division]:
    stmt = select(Division).where(Division.parent_code == code).order_by(Division.code).limit(limit)
    return list(session.scalars(stmt))


def _subtree(code: str, level: str) -> Any:
    column = {
        "province": Division.province_code,
        "city": Division.city_code,
        "county": Division.county_code,
        "township": Division.township_code,
        "village": Division.code,
    }[level]
    return or_(column == code, Division.code == code)


def _named(excluded: frozenset[str], within: tuple[str, str] | None) -> Any:
    base = select(Division).where(Division.name.notin_(excluded))
    return base.where(_subtree(*within)) if within else base


def divisions_named_from(
    session: Session, escaped: str, *, excluded: frozenset[str], within: tuple[str, str] | None, limit: int
) -> list[Division]:
    """Divisions whose name starts with the LIKE-escaped ``escaped``, by code; ``within`` is a
    (code, level) subtree; names in ``excluded`` are skipped."""
    stmt = _named(excluded, within).where(Division.name.like(escaped + "%", escape="\\"))
    return list(session.scalars(stmt.order_by(Division.code).limit(limit)))


def divisions_naming(
    session: Session, escaped: str, *, excluded: frozenset[str], within: tuple[str, str] | None, limit: int
) -> list[Division]:
    """Divisions whose name contains the LIKE-escaped ``escaped``, shortest names first."""
    stmt = _named(excluded, within).where(Division.name.like("%" + escaped + "%", escape="\\"))
    return list(session.scalars(stmt.order_by(func.length(Division.name), Division.code).limit(limit)))


def full_name(session: Session, code: str) -> str | None:
    return session.scalar(select(Division.full_name).where(Division.code == code))


# ---- standard address nodes -----------------------------------------------------------------------


def newest_code(session: Session, prefix: str) -> str | None:
    return session.scalar(select(func.max(AddressNode.code)).where(AddressNode.code.like(prefix + "%")))


def add_node(session: Session, node: AddressNode) -> None:
    session.add(node)
    session.flush()


def add_history(session: Session, row: AddressNodeHistory) -> None:
    session.add(row)
    session.flush()


def active_nodes(session: Session, code_prefix: str | None, limit: int) -> list[AddressNode]:
    """Active nodes (in a division subtree: ``code_prefix`` of their division code), oldest first."""
    stmt = select(AddressNode).where(AddressNode.status == "active")
    if code_prefix:
        stmt = stmt.where(AddressNode.division_code.like(code_prefix + "%"))
    return list(session.scalars(stmt.order_by(AddressNode.id).limit(limit)))


def active_nodes_named(session: Session, escaped: str, limit: int) -> list[AddressNode]:
    """Active nodes whose name starts with or contains the LIKE-escaped ``escaped``, by name."""
    return list(
        session.scalars(
            select(AddressNode)
            .where(AddressNode.status == "active")
            .where(
                or_(
                    AddressNode.name.like(escaped + "%", escape="\\"),
                    AddressNode.name.like("%" + escaped + "%", escape="\\"),
                )
            )
            .order_by(AddressNode.name)
            .limit(limit)
        ).all()
    )


def node_named(session: Session, division_code: str, name: str, parent_id: int | None) -> AddressNode | None:
    return session.scalar(
        select(AddressNode).where(
            AddressNode.division_code == division_code,
            AddressNode.name == name,
            AddressNode.parent_id == parent_id,
        )
    )


# ---- grids and grid workers ----------------------------------------------------------------------


def grid(session: Session, code: str) -> Grid | None:
    return session.get(Grid, code)


def add_grid(session: Session, row: Grid) -> None:
    session.add(row)


def grid_department_id(session: Session, code: str) -> int | None:
    return session.scalar(select(Grid.department_id).where(Grid.code == code))


def grid_token(session: Session) -> tuple[Any, ...]:
    """(count, newest change) of the grids: the in-memory index is rebuilt when it moves."""
    count, newest = session.execute(select(func.count(), func.max(Grid.updated_at))).one()
    return (count, str(newest))


def grid_rows(session: Session) -> list[Any]:
    """code, community, department id, geometry and bounding box of every grid."""
    return list(
        session.execute(
            select(
                Grid.code,
                Grid.community_code,
                Grid.department_id,
                Grid.geometry,
                Grid.min_lat,
                Grid.max_lat,
                Grid.min_lon,
                Grid.max_lon,
            )
        )
    )


def worker(session: Session, grid_code: str, user_id: int) -> GridWorker | None:
    return session.get(GridWorker, (grid_code, user_id))


def add_worker(session: Session, row: GridWorker) -> None:
    session.add(row)
    session.flush()


def remove_worker(session: Session, row: GridWorker) -> None:
    session.delete(row)
    session.flush()


def workers_of(session: Session, grid_code: str) -> list[int]:
    stmt = select(GridWorker.user_id).where(GridWorker.grid_code == grid_code).order_by(GridWorker.user_id)
    return list(session.scalars(stmt))


def grids_of_worker(session: Session, user_id: int) -> list[str]:
    stmt = select(GridWorker.grid_code).where(GridWorker.user_id == user_id).order_by(GridWorker.grid_code)
    return list(session.scalars(stmt))


def active_nodes_in_box(
    session: Session, lat: tuple[float, float], lon: tuple[float, float], limit: int
) -> list[AddressNode]:
    """Active nodes with coordinates inside a latitude/longitude box (reverse geocoding)."""
    stmt = select(AddressNode).where(
        AddressNode.status == "active",
        AddressNode.latitude.between(*lat),
        AddressNode.longitude.between(*lon),
    )
    return list(session.scalars(stmt.limit(limit)))


def node_by_id(session: Session, node_id: int) -> AddressNode | None:
    return session.get(AddressNode, node_id)


def grids_in_box(
    session: Session, lat: tuple[float, float], lon: tuple[float, float], limit: int
) -> list[Any]:
    """code, name and geometry of the grids overlapping a latitude/longitude box."""
    stmt = select(Grid.code, Grid.name, Grid.geometry).where(
        Grid.max_lat >= lat[0], Grid.min_lat <= lat[1], Grid.max_lon >= lon[0], Grid.min_lon <= lon[1]
    )
    return list(session.execute(stmt.order_by(Grid.code).limit(limit)))
