"""Load the demo city into an empty database (idempotent: a loaded database is left alone).

The loader goes through the capabilities' services only, after running their install hooks
(``zhizhi.registry``), so the demo's cases get AI suggestions and recorded decisions as real
ones do."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from zhizhi import registry
from zhizhi.addresses.divisions import import_divisions
from zhizhi.addresses.service import load_demo as load_address_demo
from zhizhi.core import audit, clock
from zhizhi.core.calendar_store import seed_known_years
from zhizhi.core.errors import ValidationFailed
from zhizhi.demo.applications import load_applications
from zhizhi.demo.archive import ARCHIVE, load_archive
from zhizhi.demo.bundles import load_bundles
from zhizhi.demo.cases import load_cases
from zhizhi.demo.certificates import load_certificates
from zhizhi.demo.citizen import load_citizen
from zhizhi.demo.followups import load_grid_work, load_recurrences
from zhizhi.demo.knowledge import load_knowledge
from zhizhi.demo.open311 import load_open311
from zhizhi.demo.org import DEMO_PASSWORD, load_catalogue, load_org, load_users
from zhizhi.demo.photos import load_photos
from zhizhi.demo.services import load_services
from zhizhi.demo.sharing import load_sharing
from zhizhi.demo.window import load_window
from zhizhi.org import service as org
from zhizhi.routing import learning


def is_loaded(session: Session) -> bool:
    return org.has_departments(session)


def load_demo(session: Session, *, cases: int = 341, archive: int = ARCHIVE) -> dict[str, int]:
    if is_loaded(session):
        return {}
    registry.install()
    today = clock.today_local()
    seed_known_years(session, range(2019, max(today.year, date(2026, 1, 1).year) + 1))
    divisions = import_divisions(session)  # the gazetteer bundled with the address parser
    addresses = load_address_demo(session)
    demo = load_org(session)
    categories = load_catalogue(session, demo)
    users = load_users(session, demo)
    certificates = load_certificates(session, demo)
    archived = load_archive(session, demo, count=archive)  # the earlier months, closed
    closed: list[Any] = []
    made = load_cases(session, demo, count=cases, closed_log=closed)
    made += load_recurrences(session, closed) + load_grid_work(session) + load_citizen(session)
    with_photos = load_photos(session)
    made += with_photos
    open311 = load_open311(session)  # the city app's requests, posted through Open311
    made += open311
    trained = _train_classifier(session)
    queues = _saved_queues(session)
    sharing = load_sharing(session, DEMO_PASSWORD)
    knowledge = load_knowledge(session)
    services = load_services(session)  # the service item catalogue (its own departments, stewards)
    services |= load_applications(session)  # applications in every state, on the catalogue's items
    services |= load_bundles(session)  # 一件事一次办 on that catalogue, with 免提交 grants
    windows = load_window(session)  # halls, windows and clerks; receptions, ratings, an overdue one
    return {
        "divisions": divisions.rows,
        "grids": addresses.get("grids", 0),
        "departments": org.count_departments(session),
        "categories": len(categories),
        "users": len(users),
        "cases": made,
        "archived_cases": archived,
        "classifier_models": trained,
        "certificates": certificates,
        "saved_queues": queues,
        "cases_with_photos": with_photos,
        "open311_requests": open311,
        **sharing,
        **knowledge,
        **services,
        **windows,
    }


def _saved_queues(session: Session) -> int:
    """The dispatcher's own queues (我的队列): the city's 市容环境 subtree, and overdue 水电气热."""
    from zhizhi.cases import search

    dispatcher = org.principal_for_username(session, "dispatcher")
    search.save_queue(session, dispatcher, "市容环境", {"category": "SRHJ"})
    search.save_queue(session, dispatcher, "水电气热超期", {"category": "SDQR", "sla_state": "overdue"})
    return 2


def _train_classifier(session: Session) -> int:
    """The city's classifier from the demo's confirmed categories (and the base corpus when it is
    beside the project), so new cases get the city's own categories at once; 0 when the demo is
    too small to train one (暂无足够样本)."""
    try:
        learning.train(session, actor=audit.Actor.system())
    except ValidationFailed:
        return 0
    return 1
