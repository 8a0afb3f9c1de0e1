"""The demo city's photos: small JPEGs drawn here with Pillow (nothing downloaded) with the
camera's EXIF (make, GPS) as a phone would write it, attached through the services like real
uploads: citizens' portal submissions with a photo and a map point, a grid worker's report from
the street, and a case replied with before/after photos (docs/attachments.md)."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from zhizhi.attachments.service import Upload
from zhizhi.cases import files, service
from zhizhi.cases import schemas as s
from zhizhi.core import clock
from zhizhi.org import service as org

W, H = 960, 720
Scene = Callable[[ImageDraw.ImageDraw, random.Random], None]


def _sky(d: ImageDraw.ImageDraw, top: tuple[int, int, int], bottom: tuple[int, int, int], h: int) -> None:
    for y in range(h):
        k = y / h
        d.line([(0, y), (W, y)], fill=tuple(int(a + (b - a) * k) for a, b in zip(top, bottom, strict=True)))


def _road(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    d.polygon([(0, H), (W, H), (W * 0.62, 330), (W * 0.38, 330)], fill=(92, 94, 98))
    for i in range(6):  # lane marks
        y0 = 350 + i * 65
        d.rectangle([W / 2 - 4 - i, y0, W / 2 + 4 + i, y0 + 30 + i * 4], fill=(235, 235, 220))
    for _ in range(1800):  # asphalt grain
        x, y = rng.randrange(W), rng.randrange(340, H)
        g = rng.randrange(70, 130)
        d.point((x, y), fill=(g, g, g + 3))


def _buildings(d: ImageDraw.ImageDraw, rng: random.Random, lit: bool) -> None:
    x = 0
    while x < W:
        w, h = rng.randrange(90, 170), rng.randrange(120, 260)
        shade = rng.randrange(150, 200)
        d.rectangle([x, 330 - h, x + w - 8, 330], fill=(shade, shade - 10, shade - 25))
        for wy in range(330 - h + 15, 320, 28):
            for wx in range(x + 10, x + w - 20, 24):
                on = lit and rng.random() < 0.5
                d.rectangle([wx, wy, wx + 12, wy + 14], fill=(250, 220, 120) if on else (90, 110, 130))
        x += w


def pothole(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _sky(d, (150, 190, 230), (220, 230, 240), 330)
    _buildings(d, rng, lit=False)
    _road(d, rng)
    d.ellipse([380, 520, 640, 620], fill=(45, 42, 40))
    d.ellipse([400, 535, 620, 600], fill=(70, 80, 90))  # rain water in it
    for _ in range(40):
        x, y = rng.randrange(360, 660), rng.randrange(505, 635)
        d.ellipse([x, y, x + 9, y + 6], fill=(120, 115, 105))


def road_repaired(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _sky(d, (150, 190, 230), (220, 230, 240), 330)
    _buildings(d, rng, lit=False)
    _road(d, rng)
    d.rectangle([370, 515, 650, 625], fill=(40, 40, 44))  # fresh asphalt patch


def street_lamp(d: ImageDraw.ImageDraw, rng: random.Random, lit: bool = False) -> None:
    _sky(d, (12, 18, 45), (40, 50, 80), 330)
    _buildings(d, rng, lit=True)
    _road(d, rng)
    d.rectangle([760, 140, 774, 600], fill=(60, 66, 70))
    d.rectangle([700, 130, 774, 142], fill=(60, 66, 70))
    d.ellipse([680, 136, 730, 160], fill=(255, 236, 150) if lit else (80, 84, 90))
    if lit:
        d.polygon([(690, 160), (720, 160), (820, 600), (560, 600)], fill=(120, 112, 80))


def garbage(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _sky(d, (170, 200, 230), (225, 232, 240), 330)
    _buildings(d, rng, lit=False)
    d.rectangle([0, 330, W, H], fill=(150, 145, 135))
    d.rectangle([600, 380, 700, 520], fill=(30, 120, 60))  # the bin
    d.rectangle([592, 370, 708, 392], fill=(25, 100, 50))
    for _ in range(14):  # bags around it
        x, y = rng.randrange(420, 860), rng.randrange(470, 640)
        color = rng.choice([(30, 30, 30), (200, 200, 205), (40, 90, 160), (180, 60, 50)])
        d.ellipse([x, y, x + rng.randrange(50, 110), y + rng.randrange(40, 80)], fill=color)


def manhole(d: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _sky(d, (160, 195, 230), (220, 230, 240), 330)
    _buildings(d, rng, lit=False)
    _road(d, rng)
    d.ellipse([420, 540, 600, 610], fill=(15, 15, 15))
    d.polygon([(660, 600), (700, 480), (740, 600)], fill=(240, 120, 20))  # a traffic cone
    d.rectangle([672, 540, 728, 552], fill=(245, 245, 245))


def photo(scene: Scene, seed: int, gps: tuple[float, float] | None) -> bytes:
    """A JPEG of ``scene`` with a phone camera's EXIF (make, model, time, GPS when given)."""
    rng = random.Random(seed)
    img = Image.new("RGB", (W, H))
    scene(ImageDraw.Draw(img), rng)
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"
    exif[0x0110] = "Demo Phone"
    exif[0x0112] = 1
    if gps is not None:
        ifd = exif.get_ifd(0x8825)
        ifd.update({1: "N", 2: _dms(gps[0]), 3: "E", 4: _dms(gps[1])})
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82, exif=exif)
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return (float(d), float(m), round((value - d - m / 60) * 3600, 3))


# (subject, content, address, point, scene)
PORTAL = [
    (
        "路面坑洼",
        "麓山南路湖南大学门口路面有一个大坑，下雨积水，电动车经过很危险。",
        "麓山南路2号",
        (28.1806, 112.9361),
        pothole,
    ),
    (
        "路灯不亮",
        "湖南师范大学1栋旁边的路灯坏了一周，晚上很黑，老人出门不方便。",
        "湖南师范大学1栋",
        (28.1912, 112.9372),
        street_lamp,
    ),
    (
        "垃圾堆放",
        "麓山路36号附近垃圾桶旁堆了很多垃圾袋，两天没人清运，气味很大。",
        "麓山路36号",
        (28.1905, 112.9335),
        garbage,
    ),
]


def _upload(name: str, scene: Scene, seed: int, gps: tuple[float, float] | None) -> list[Upload]:
    return [Upload(name, photo(scene, seed, gps))]


def load_photos(session: Session, *, end: datetime | None = None) -> int:
    """Cases with photos; returns how many cases were made."""
    end = end or clock.now()
    agent = org.principal_for_username(session, "agent")
    made = 0
    for i, (subject, content, address, point, scene) in enumerate(PORTAL):  # the citizens' phones
        clock.freeze(end - timedelta(hours=20 - 3 * i))
        prepared = files.prepare(_upload(f"IMG_2026{i:04d}.jpg", scene, 100 + i, point), files.FIELD)
        data = s.CaseCreate(
            appeal_type="complaint",
            channel="web",
            subject=subject,
            content=content,
            address=f"湖南省长沙市岳麓区{address}",
            latitude=point[0],
            longitude=point[1],
            contact_phone=f"1390731{2000 + i:04d}",
        )
        case, _ = service.create_case(session, data, None)
        files.attach_new(session, case, prepared, None)
        made += 1
    grid = org.principal_for_username(session, "grid")
    unit = org.department(session, grid.department_id)
    if unit is None:
        clock.freeze(None)
        return made
    dispatcher = org.principal_for_username(session, "dispatcher")
    # a manhole cover reported by the grid worker from the street, photo attached at intake
    clock.freeze(end - timedelta(hours=8))
    point = (28.1822, 112.9382)
    prepared = files.prepare(_upload("井盖.jpg", manhole, 200, point), files.FIELD)
    data = s.CaseCreate(
        subject="井盖缺失",
        content="湖南大学1栋门前人行道井盖缺失，已放置锥桶临时提示，请尽快补装。",
        address="湖南省长沙市岳麓区湖南大学1栋",
        latitude=point[0],
        longitude=point[1],
        category="SRHJ",
    )
    case, _ = service.create_case(session, data, grid)
    files.attach_new(session, case, prepared, grid)
    made += 1
    # before and after: a pothole reported by phone, dispatched to the community, repaired, replied
    clock.freeze(end - timedelta(days=3))
    data = s.CaseCreate(
        subject="路面塌陷",
        content="枫林小区门口路面塌陷一个坑，车辆绕行。",
        address=f"湖南省长沙市岳麓区{unit.name}",
        contact_phone="13907313000",
        category="SRHJ",
    )
    case, _ = service.create_case(session, data, agent)
    clock.freeze(end - timedelta(days=3) + timedelta(hours=1))
    service.perform(
        session, dispatcher, case.number, s.Dispatch(action="dispatch", lead_department=unit.code)
    )
    clock.freeze(end - timedelta(days=3) + timedelta(hours=2))
    service.perform(session, grid, case.number, s.Sign(action="sign"))
    files.add(session, grid, case.number, _upload("现场-处置前.jpg", pothole, 300, None), stage="intake")
    clock.freeze(end - timedelta(days=1))
    files.add(session, grid, case.number, _upload("处置后.jpg", road_repaired, 300, None), stage="reply")
    reply = "已联系市政养护单位于昨日完成路面修补，现场照片已上传，请查看。"
    service.perform(session, grid, case.number, s.Reply(action="reply", reply=reply))
    made += 1
    clock.freeze(None)
    return made
