"""The demo city's earlier months: appeals filed, categorised, handled and closed before the
recent stream of ``demo.cases`` (45 to 120 days ago), through the real lifecycle.

A city's classifier learns from what its people confirmed, and a real 12345 centre confirms
thousands of appeals a month; the recent stream alone (a few hundred cases) leaves it a few dozen
examples of each problem.  The archive keeps the demo's mix of problems (each appeal template as
likely as another, the street-vending ones composed by ``demo.vending`` in as many ways as callers
put them), so 占道经营 is about a fifth of it, as it is of the recent stream.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from zhizhi.cases import schemas as s
from zhizhi.cases import service
from zhizhi.cases.enums import AppealType, Rating
from zhizhi.core import clock
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.demo import vending
from zhizhi.demo.cases import ROADS, SURNAMES, TEMPLATES
from zhizhi.demo.org import DemoOrg, street_names
from zhizhi.org import service as org

ARCHIVE = 1000  # closed appeals of the earlier months
GOOD = (Rating.VERY_SATISFIED, Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY_SATISFIED)


def archive_appeals(
    rng: random.Random, places: list[str], count: int
) -> list[tuple[str, AppealType, str, str, int]]:
    """``count`` appeals as the archive files them: ``(category code, appeal type, subject,
    content, index of the place)``. Pure: the taxonomy bench draws the demo history from it."""
    out = []
    for _ in range(count):
        cat, atype, subject, template = rng.choice(TEMPLATES)
        i = rng.randrange(len(places))
        place = f"{places[i]}{rng.randint(1, 999)}号"
        if cat == vending.CODE:
            subject, content = vending.appeal(rng, place)
        else:
            content = template.format(place=place)
        out.append((cat, atype, subject, content, i))
    return out


def places_of(demo_streets: list[tuple[str, str]]) -> list[str]:
    """Each (district, street) × each Changsha road of the demo: where the archive's appeals are."""
    return [f"{district}{street}{road}" for district, street in demo_streets for road in ROADS]


def history(recent: int = 283, archive: int = ARCHIVE) -> list[tuple[str, str]]:
    """The demo history's confirmed appeals as ``(subject + content, category code)``, oldest
    first, without a database: the archive, then ``recent`` appeals of the recent stream drawn as
    ``demo.cases`` draws them (a template each, the street-vending ones composed). What the
    taxonomy bench trains on; the loaded demo's own confirmations are these in kind."""
    places = places_of(street_names())
    older = archive_appeals(random.Random(4242), places, archive)
    rng, wording = random.Random(2026), random.Random(2028)
    newer = []
    for _ in range(recent):
        cat, _atype, subject, template = rng.choice(TEMPLATES)
        place = f"{rng.choice(places)}{rng.randint(1, 999)}号"
        content = template.format(place=place)
        if cat == vending.CODE:
            subject, content = vending.appeal(wording, place)
        newer.append((f"{subject} {content}", cat))
    return [(f"{subject} {content}", cat) for cat, _a, subject, content, _i in older] + newer


def load_archive(
    session: Session, demo: DemoOrg, *, count: int = ARCHIVE, seed: int = 4242, end: datetime | None = None
) -> int:
    """File, handle and close ``count`` appeals of the earlier months; returns how many."""
    rng = random.Random(seed)
    end = end or clock.now()
    agent = org.principal_for_username(session, "agent")
    dispatcher = org.principal_for_username(session, "dispatcher")
    handlers: dict[int, Principal] = {}
    districts = {d.id: d for d in demo.districts}
    named = [
        (
            districts[street.parent_id or 0].name.removesuffix("人民政府"),
            street.name.removesuffix("办事处").removesuffix("人民政府"),
        )
        for street in demo.streets
    ]
    places = places_of(named)
    for cat, atype, subject, content, i in archive_appeals(rng, places, count):
        street = demo.streets[i // len(ROADS)]
        t = end - timedelta(days=rng.uniform(45, 120))
        clock.freeze(t)
        data = s.CaseCreate(
            appeal_type=atype,
            channel="hotline",
            subject=subject,
            content=content,
            address=f"湖南省长沙市{places[i]}",
            contact_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士"]),
            contact_phone=f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}",
            category=cat,
        )
        case, _ = service.create_case(session, data, agent)  # hotline intake: accepted at once
        top = cat.split(".")[0]
        lead = street if top in {"SRHJ", "QT"} else demo.functional[top]
        if lead.id not in handlers:
            handlers[lead.id] = org.principal_above(session, lead.id, Role.HANDLER) or dispatcher
        handler = handlers[lead.id]
        steps: list[tuple[Principal, object]] = [
            (
                dispatcher,
                s.Dispatch(
                    action="dispatch",
                    category=cat,
                    lead_department=lead.code,
                    co_departments=[demo.functional["SRHJ"].code] if top == "SRHJ" else [],
                ),
            ),
            (handler, s.Sign(action="sign")),
            (handler, s.Reply(action="reply", reply="经核实，已现场处理完毕，并纳入日常巡查。")),
            (agent, s.Rate(action="rate", rating=rng.choice(GOOD), resolved=True)),
            (dispatcher, s.Close(action="close")),
        ]
        for who, body in steps:
            t += timedelta(hours=rng.uniform(0.5, 20))
            clock.freeze(t)
            service.perform(session, who, case.number, body)
    clock.freeze(None)
    return count
