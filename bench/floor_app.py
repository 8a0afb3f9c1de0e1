"""The framework floor: minimal FastAPI endpoints doing the bare database work of ours.

* ``POST /floor``: validate a body, insert one row — the floor of case creation;
* ``POST /floor/actions/{id}``: validate a body, lock a row (``SELECT … FOR UPDATE``), update it
  (version, status, time) and append an event row — the floor of a lifecycle action
  (``bench/bench_actions.py``); ``seed(n)`` makes the rows.

Same engine set-up as Zhizhi (``zhizhi.core.db.make_engine``), so the ratio between these and
our endpoints is our overhead (validation, principal, visibility, permission, transition table,
policy, guards, timeline, audit, deadline, numbering, the answer's JSON).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, ProgrammingError

from zhizhi.core.db import make_engine

metadata = MetaData()
rows = Table("floor_rows", metadata, Column("id", Integer, primary_key=True), Column("content", String(2000)))
cases = Table(
    "floor_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(12), nullable=False),
    Column("version", Integer, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
events = Table(
    "floor_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("floor_cases.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("action", String(30), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", String(2000)),
    Column("payload", JSON, nullable=False),
)
engine = make_engine(os.environ["ZHIZHI_DATABASE_URL"])
try:
    metadata.create_all(engine)
except (IntegrityError, ProgrammingError):  # the other worker process created them meanwhile
    metadata.create_all(engine)


def seed(n: int) -> list[int]:
    """``n`` fresh rows to act on (ids returned)."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        rows = [{"status": "in_progress", "version": 1, "event_count": 0, "updated_at": now}] * n
        return list(conn.execute(insert(cases).returning(cases.c.id), rows).scalars())


class Body(BaseModel):
    content: str


class ActionBody(BaseModel):
    action: str
    note: str | None = None


app = FastAPI()


@app.post("/floor", status_code=201)
def floor(body: Body) -> dict[str, int]:
    with engine.begin() as conn:
        new_id = conn.execute(insert(rows).values(content=body.content).returning(rows.c.id)).scalar_one()
    return {"id": new_id}


@app.post("/floor/actions/{case_id}")
def act(case_id: int, body: ActionBody) -> dict[str, int]:
    now = datetime.now(UTC)
    with engine.begin() as conn:
        row = conn.execute(
            select(cases.c.version, cases.c.event_count, cases.c.status)
            .where(cases.c.id == case_id)
            .with_for_update()
        ).one()
        conn.execute(
            update(cases)
            .where(cases.c.id == case_id)
            .values(version=row.version + 1, event_count=row.event_count + 1, updated_at=now)
        )
        conn.execute(
            insert(events).values(
                case_id=case_id,
                seq=row.event_count + 1,
                action=body.action,
                at=now,
                reason=body.note,
                payload={"from": row.status},
            )
        )
    return {"id": case_id, "version": row.version + 1}
