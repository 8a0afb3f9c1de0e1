"""Attachments through the API and the pages: upload, list, download, permissions, limits, bad
files with nothing stored, the portal's photos and map point, the tracking page's signed links."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.attachments import photos
from zhizhi.attachments.models import Attachment
from zhizhi.cases.models import Case
from zhizhi.core.db import session_factory
from zhizhi.core.models import AuditEntry, AuditInbox
from zhizhi.core.settings import get_settings


def _rows() -> int:
    with session_factory()() as s:
        return s.scalar(select(func.count()).select_from(Attachment)) or 0


def _cases() -> int:
    with session_factory()() as s:
        return s.scalar(select(func.count()).select_from(Case)) or 0


def _audited(action: str) -> list[str | None]:
    """Object ids of the audit entries of ``action`` (chained, or in the inbox on PostgreSQL)."""
    with session_factory()() as s:
        sealed = s.scalars(select(AuditEntry.object_id).where(AuditEntry.action == action)).all()
        waiting = s.scalars(select(AuditInbox.object_id).where(AuditInbox.action == action)).all()
    return [*sealed, *waiting]


def _files() -> list[Path]:
    root = Path(get_settings().attachment_dir)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture(autouse=True)
def _empty_store() -> None:
    for p in _files():
        p.unlink()


def upload(world: Any, user: str, number: str, *files: tuple[str, bytes], **form: str) -> Any:
    parts = [("files", (name, data, "image/jpeg")) for name, data in files]
    return world.client.post(
        f"/api/v1/cases/{number}/attachments", files=parts, data=form, headers=world.h(user)
    )


def test_upload_list_download(world: Any) -> None:
    number = world.create()["number"]
    r = upload(
        world,
        "agent",
        number,
        ("现场.jpg", photos.jpeg((800, 600), gps=(28.18, 112.935))),
        ("scan.pdf", photos.PDF),
    )
    assert r.status_code == 201, r.text
    first, pdf = r.json()
    assert first["content_type"] == "image/jpeg" and first["has_thumbnail"] and first["public"]
    assert first["latitude"] == pytest.approx(28.18, abs=1e-4)
    assert pdf["content_type"] == "application/pdf" and not pdf["public"]  # PDFs are never public
    assert len(_files()) == 3  # photo, its thumbnail, the PDF
    listed = world.client.get(f"/api/v1/cases/{number}/attachments", headers=world.h("agent")).json()
    assert [a["id"] for a in listed] == [first["id"], pdf["id"]]
    d = world.client.get(f"/api/v1/cases/{number}/attachments/{first['id']}", headers=world.h("agent"))
    assert d.status_code == 200 and d.headers["content-type"] == "image/jpeg"
    assert d.headers["x-content-type-options"] == "nosniff"
    assert d.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA.jpg" in d.headers["content-disposition"]
    assert b"TestCam" not in d.content  # EXIF stripped from the stored copy
    t = world.client.get(
        f"/api/v1/cases/{number}/attachments/{first['id']}?thumbnail=true", headers=world.h("agent")
    )
    assert t.status_code == 200 and t.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(t.content)).size) <= 320


def test_download_audited_when_the_case_has_personal_data(world: Any) -> None:
    number = world.create()["number"]  # with contact name and phone
    att = upload(world, "agent", number, ("a.jpg", photos.jpeg())).json()[0]
    world.client.get(f"/api/v1/cases/{number}/attachments/{att['id']}", headers=world.h("agent"))
    assert _audited("attachment.read") == [str(att["id"])]
    assert _audited("attachment.create") == [str(att["id"])]


def test_readable_only_by_who_may_read_the_case(world: Any) -> None:
    number = world.create()["number"]
    att = upload(world, "agent", number, ("a.jpg", photos.jpeg())).json()[0]
    url = f"/api/v1/cases/{number}/attachments/{att['id']}"
    assert world.client.get(url, headers=world.h("h_d2")).status_code == 403  # another district's unit
    assert world.client.get(url, headers=world.h("citizen")).status_code == 404
    assert world.client.get(url).status_code == 401
    assert upload(world, "h_d2", number, ("b.jpg", photos.jpeg())).status_code == 403
    assert upload(world, "citizen", number, ("b.jpg", photos.jpeg())).status_code == 404
    other = world.create()["number"]  # the id of one case's file through another case: 404
    assert (
        world.client.get(
            f"/api/v1/cases/{other}/attachments/{att['id']}", headers=world.h("agent")
        ).status_code
        == 404
    )


def test_reporter_may_add_photos_to_own_case(world: Any) -> None:
    number = world.create("citizen", channel="web")["number"]
    assert upload(world, "citizen", number, ("mine.jpg", photos.jpeg())).status_code == 201
    assert upload(world, "citizen2", number, ("not.jpg", photos.jpeg())).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("photo.jpg", photos.exe(), 422),
        ("photo.jpg", photos.zip_bomb(), 422),
        ("map.svg", photos.SVG, 422),
        ("bomb.png", photos.png_bomb(), 422),
        ("huge.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 10_000_100, 413),
    ],
)
def test_bad_files_refused_bilingual_nothing_stored(world: Any, name: str, data: bytes, status: int) -> None:
    number = world.create()["number"]
    r = upload(world, "agent", number, ("good.jpg", photos.jpeg()), (name, data))  # one good, one bad
    assert r.status_code == status, r.text
    body = r.json()
    assert body["field"] == "files" and body["message"]["zh"] and body["message"]["en"]
    assert _rows() == 0 and _files() == []


def test_fifty_megabyte_photo_refused_before_it_is_read(world: Any) -> None:
    number = world.create()["number"]
    r = upload(world, "agent", number, ("big.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50_000_000))
    assert r.status_code == 413 and r.json()["field"] == "files"
    assert "MB" in r.json()["message"]["en"] and r.json()["message"]["zh"]
    assert _rows() == 0 and _files() == []


def test_case_budget(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHIZHI_ATTACHMENT_CASE_MAX_FILES", "2")
    get_settings.cache_clear()
    try:
        number = world.create()["number"]
        assert (
            upload(world, "agent", number, ("a.jpg", photos.jpeg()), ("b.jpg", photos.jpeg())).status_code
            == 201
        )
        r = upload(world, "agent", number, ("c.jpg", photos.jpeg()))
        assert r.status_code == 422 and r.json()["field"] == "files"
        assert _rows() == 2 and len(_files()) == 4
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_reverse_geocoding(world: Any, client: Any) -> None:
    from zhizhi.addresses.service import load_demo
    from zhizhi.core.db import unit_of_work

    with unit_of_work() as s:
        load_demo(s)
    r = client.get("/api/v1/addresses/reverse?lat=28.1806&lng=112.9361")
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["address"] and out["address"].endswith("2号") and out["distance_m"] < 50
    assert out["grid_code"]
    far = client.get("/api/v1/addresses/reverse?lat=40.0&lng=116.4").json()
    assert far["address"] is None and far["grid_code"] is None
    assert client.get("/api/v1/addresses/reverse?lat=91&lng=0").status_code == 422


# ---- the portal ------------------------------------------------------------------------------


def _csrf(client: Any, path: str) -> str:
    html = client.get(path).text
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no csrf token"
    return m.group(1)


def _submit(client: Any, files: list[tuple[str, bytes]], **fields: str) -> Any:
    token = _csrf(client, "/submit")
    data = {
        "csrf_token": token,
        "appeal_type": "complaint",
        "content": "小区门口路灯坏了一周",
        "contact_phone": "13912345678",
    } | fields
    parts = [("photos", (n, d, "image/jpeg")) for n, d in files]
    return client.post("/submit", data=data, files=parts or None, follow_redirects=False)


def test_portal_submit_with_photo_and_map_point_then_track(world: Any, client: Any) -> None:
    r = _submit(
        client, [("门口.jpg", photos.jpeg(gps=(28.18, 112.935)))], latitude="28.1801", longitude="112.9352"
    )
    assert r.status_code == 303, r.text
    number = r.headers["location"].rsplit("/", 1)[-1]
    with session_factory()() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        assert (case.latitude, case.longitude) == (pytest.approx(28.1801), pytest.approx(112.9352))
    assert _rows() == 1
    token = _csrf(client, "/track")
    page = client.post("/track", data={"csrf_token": token, "number": number, "phone": "13912345678"})
    assert page.status_code == 200 and 'id="track-photos"' in page.text
    thumb = re.search(r'<img src="(/track/photos/[^"]+/thumb\?[^"]+)"', page.text)
    assert thumb
    url = thumb.group(1).replace("&amp;", "&")
    got = client.get(url)
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert client.get(url.replace("s=", "s=0")).status_code == 404  # a tampered link


def test_portal_photo_gps_becomes_the_case_point(world: Any, client: Any) -> None:
    r = _submit(client, [("gps.jpg", photos.jpeg(gps=(28.18, 112.935)))])
    assert r.status_code == 303
    number = r.headers["location"].rsplit("/", 1)[-1]
    with session_factory()() as s:
        case = s.scalars(select(Case).where(Case.number == number)).one()
        assert case.latitude == pytest.approx(28.18, abs=1e-4)


def test_portal_refused_photo_leaves_no_case_and_no_file(world: Any, client: Any) -> None:
    before = _cases()
    r = _submit(client, [("photo.jpg", photos.exe())])
    assert r.status_code == 422 and 'id="f-photos-error"' in r.text
    assert _cases() == before and _rows() == 0 and _files() == []


def test_staff_case_page_lists_and_uploads(world: Any, client: Any) -> None:
    from tests.pages.helpers import login

    number = world.create()["number"]
    upload(world, "agent", number, ("before.jpg", photos.jpeg()))
    login(client, "agent")
    page = client.get(f"/work/cases/{number}")
    assert page.status_code == 200 and 'id="attachments"' in page.text and "before.jpg" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = client.post(
        f"/work/cases/{number}/attachments",
        data={"csrf_token": token, "stage": "reply", "public": "1"},
        files=[("photos", ("after.png", photos.png(), "image/png"))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert _rows() == 2
    thumb = client.get(f"/work/cases/{number}/attachments/2/thumb")
    assert thumb.status_code in (200, 404)


def test_grids_geojson_for_the_map(world: Any, client: Any) -> None:
    from zhizhi.addresses.service import load_demo
    from zhizhi.core.db import unit_of_work

    with unit_of_work() as s:
        load_demo(s)
    r = client.get("/api/v1/grids/geojson?bbox=112.90,28.15,112.97,28.21")
    assert r.status_code == 200 and r.json()["features"] and not r.json()["truncated"]
    assert r.json()["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert client.get("/api/v1/grids/geojson?bbox=1,2,3").status_code == 422
    assert client.get("/api/v1/grids/geojson?bbox=10,50,5,40").status_code == 422


def test_portal_multipart_text_with_nul_is_a_422_not_a_500(world: Any, client: Any) -> None:
    r = _submit(client, [("a.jpg", photos.jpeg())], content="路灯\x00坏了")
    assert r.status_code == 422 and 'id="f-content-error"' in r.text
    assert _rows() == 0


def _act_form(client: Any, number: str, action: str, files: list[tuple[str, bytes]], **fields: str) -> Any:
    page = client.get(f"/work/cases/{number}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    parts = [("photos", (n, d, "image/jpeg")) for n, d in files]
    data = {"csrf_token": token, "action": action} | fields
    return client.post(f"/work/cases/{number}/act", data=data, files=parts or None, follow_redirects=False)


def test_reply_with_after_photos(world: Any, client: Any) -> None:
    from tests.pages.helpers import login

    number = world.case_in("in_progress")
    login(client, "h_s1")
    page = client.get(f"/work/cases/{number}")
    assert 'id="reply-photos"' in page.text and 'enctype="multipart/form-data"' in page.text
    refused = _act_form(client, number, "reply", [("x.jpg", photos.exe())], reply="已修复。")
    assert refused.status_code == 422 and _rows() == 0  # refused photo: no reply either
    assert world.get("agent", number)["status"] == "in_progress"
    r = _act_form(client, number, "reply", [("after.jpg", photos.jpeg())], reply="已修复路灯。")
    assert r.status_code == 303, r.text
    listed = world.client.get(f"/api/v1/cases/{number}/attachments", headers=world.h("agent")).json()
    assert [(a["stage"], a["public"]) for a in listed] == [("reply", True)]
    assert world.get("agent", number)["status"] == "replied"


def test_photos_only_with_a_reply(world: Any, client: Any) -> None:
    from tests.pages.helpers import login

    number = world.case_in("in_progress")
    login(client, "h_s1")
    r = _act_form(client, number, "handle", [("a.jpg", photos.jpeg())], note="现场查看")
    assert r.status_code == 422 and _rows() == 0
