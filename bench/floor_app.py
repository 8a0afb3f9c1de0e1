"""The framework floor: a minimal FastAPI endpoint that validates a body and inserts one row.

Same engine set-up as Zhizhi (``zhizhi.core.db.make_engine``), so the ratio between this and
case creation is our overhead (validation, rules, timeline, audit chain, deadline, numbering).
"""

from __future__ import annotations

import os

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from zhizhi.core.db import make_engine

metadata = MetaData()
rows = Table("floor_rows", metadata, Column("id", Integer, primary_key=True), Column("content", String(2000)))
engine = make_engine(os.environ["ZHIZHI_DATABASE_URL"])
metadata.create_all(engine)


class Body(BaseModel):
    content: str


app = FastAPI()


@app.post("/floor", status_code=201)
def floor(body: Body) -> dict[str, int]:
    with engine.begin() as conn:
        new_id = conn.execute(insert(rows).values(content=body.content).returning(rows.c.id)).scalar_one()
    return {"id": new_id}
