"""The service's guarantees: a rolled-back unit of work takes its files with it; the sweep
deletes old files no row names and keeps young ones."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from tests.attachments import photos
from zhizhi.attachments import service
from zhizhi.attachments.storage import LocalStorage, get_storage, use
from zhizhi.core import audit, clock
from zhizhi.core.db import session_factory, unit_of_work

ACTOR = audit.Actor(None, "test")


def test_rollback_deletes_the_files_written(db: str, tmp_path: Path) -> None:
    use(LocalStorage(tmp_path))
    try:
        prepared = service.prepare(
            [service.Upload("a.jpg", photos.jpeg()), service.Upload("b.pdf", photos.PDF)]
        )
        s = session_factory()()
        service.save(s, 1, prepared, stage="intake", public=True, actor=ACTOR)
        assert len(get_storage().list_keys()) == 3
        s.rollback()
        s.close()
        assert get_storage().list_keys() == []
        with unit_of_work() as s2:
            service.save(s2, 1, prepared, stage="reply", public=False, actor=ACTOR)
        assert len(get_storage().list_keys()) == 3  # committed: kept
    finally:
        use(None)


def test_sweep_deletes_old_orphans_only(db: str, tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    use(store)
    try:
        with unit_of_work() as s:
            kept = service.save(
                s,
                7,
                service.prepare([service.Upload("a.jpg", photos.jpeg())]),
                stage="intake",
                public=True,
                actor=ACTOR,
            )
        old = (clock.now() - timedelta(hours=3)).strftime("%Y%m%d%H%M%S")
        young = clock.now().strftime("%Y%m%d%H%M%S")
        store.put(f"case/7/{old}-deadbeef.jpg", b"x", "image/jpeg")
        store.put(f"case/7/{young}-cafebabe.jpg", b"x", "image/jpeg")
        with unit_of_work() as s:
            assert service.sweep_orphans(s) == 1
        left = store.list_keys()
        assert f"case/7/{young}-cafebabe.jpg" in left and len(left) == 3 and kept
    finally:
        use(None)


def test_listing_for_the_public_hides_staff_details(db: str, tmp_path: Path) -> None:
    use(LocalStorage(tmp_path))
    try:
        with unit_of_work() as s:
            prepared = service.prepare([service.Upload("gps.jpg", photos.jpeg(gps=(28.18, 112.9)))])
            service.save(s, 3, prepared, stage="intake", public=True, actor=ACTOR)
            service.save(
                s,
                3,
                service.prepare([service.Upload("x.pdf", photos.PDF)]),
                stage="intake",
                public=True,
                actor=ACTOR,
            )
        with unit_of_work() as s:
            public: list[Any] = service.list_for_case(s, 3, public_only=True)
            staff = service.list_for_case(s, 3)
        assert len(public) == 1 and public[0].latitude is None and public[0].uploaded_by is None
        assert len(staff) == 2 and staff[0].latitude is not None
    finally:
        use(None)
