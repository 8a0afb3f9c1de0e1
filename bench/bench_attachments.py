"""Photo intake: a case created with a phone photo (upload read, type check by bytes, decoding,
EXIF orientation and GPS, the EXIF-free copy, the thumbnail, storing both, the rows and audit)
against the floor of the same case created without a photo, in the same run.

    .venv/bin/python bench/bench_attachments.py [--runs 3] [--seconds 5] [--sizes 1600x1200,4000x3000]

In-process through the services (the HTTP layer is measured by bench_cases.py), on a fresh
SQLite file migrated to head and a local storage directory, both in a temporary folder. Per run
and variant: as many intakes as fit in ``--seconds``, each its own unit of work; the median of
``--runs``. Memory: the process's peak resident set before and after the photo variants (Pillow's
buffers are outside Python's allocator, so RSS rather than tracemalloc), beside what a full-size
decode of each photo would take (width × height × 3; JPEGs are stripped losslessly and decoded at
reduced scale for the thumbnail, docs/attachments.md).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="zhizhi-bench-attach-"))
os.environ.update(
    ZHIZHI_DATABASE_URL=f"sqlite:///{TMP / 'bench.db'}",
    ZHIZHI_ATTACHMENT_DIR=str(TMP / "files"),
    ZHIZHI_ATTACHMENT_STORAGE="local",
    ZHIZHI_DATA_KEYS_FILE=str(TMP / "data-keys.json"),
    ZHIZHI_AUDIT_KEY_FILE=str(TMP / "audit.key"),
    ZHIZHI_AUDIT_ANCHOR_KEY_FILE=str(TMP / "audit-anchor.key"),
    ZHIZHI_AUDIT_ANCHOR_FILE=str(TMP / "anchors.jsonl"),
    ZHIZHI_AI_MODE="off",
    ZHIZHI_JOBS_INLINE="false",
    ZHIZHI_JOBS_RUNNER_IN_WEB="false",
    ZHIZHI_ATTACHMENT_CASE_MAX_FILES="200",
)

from PIL import Image, ImageDraw  # noqa: E402

from zhizhi.attachments.service import Upload  # noqa: E402
from zhizhi.cases import files, service  # noqa: E402
from zhizhi.cases import schemas as s  # noqa: E402
from zhizhi.core import auditkey, migrate  # noqa: E402
from zhizhi.core.db import unit_of_work  # noqa: E402
from zhizhi.keys import service as keys  # noqa: E402


def _phone_photo(width: int, height: int) -> bytes:
    """A JPEG like a phone's: a busy picture (so it does not compress to nothing), EXIF with the
    orientation and a GPS point."""
    img = Image.new("RGB", (width, height), (120, 140, 160))
    d = ImageDraw.Draw(img)
    step = max(width // 60, 8)
    for x in range(0, width, step):
        for y in range(0, height, step):
            d.rectangle(
                [x, y, x + step - 2, y + step - 2], fill=((x * 7) % 255, (y * 5) % 255, (x + y) % 255)
            )
    exif = Image.Exif()
    exif[0x010F] = "HUAWEI"
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (28.0, 10.0, 50.0), 3: "E", 4: (112.0, 56.0, 10.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def _case() -> s.CaseCreate:
    return s.CaseCreate(
        appeal_type="complaint",
        channel="web",
        content="麓山南路湖南大学门口路面有一个大坑，下雨积水，电动车经过很危险。",
        address="湖南省长沙市岳麓区麓山南路2号",
        contact_phone="13907312000",
    )


def plain() -> None:
    with unit_of_work() as session:
        service.create_case(session, _case(), None)


def with_photo(photo: bytes) -> Callable[[], None]:
    def intake() -> None:
        prepared = files.prepare([Upload("IMG_0001.jpg", photo)], files.FIELD)
        point = files.point_of("", "", prepared)
        data = _case().model_copy(update={"latitude": point[0], "longitude": point[1]})
        with unit_of_work() as session:
            case, _ = service.create_case(session, data, None)
            files.attach_new(session, case, prepared, None)

    return intake


def _rate(op: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        op()
        n += 1
    return n / elapsed


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--sizes", default="1600x1200,4000x3000")
    args = ap.parse_args()
    keys.init_key_file(TMP / "data-keys.json")
    auditkey.create(TMP / "audit.key")
    migrate.upgrade()
    sizes = [tuple(int(v) for v in size.split("x")) for size in args.sizes.split(",")]
    photos = {f"{w}x{h}": _phone_photo(w, h) for w, h in sizes}
    plain()  # warm up: connections, caches, the calendar
    base_peak = _peak_mb()
    variants: dict[str, Callable[[], None]] = {"floor: the same case without a photo": plain}
    for name, data in photos.items():
        variants[f"with a {name} photo ({len(data) / 1e6:.1f} MB JPEG)"] = with_photo(data)
    results: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.runs):
        for name, op in variants.items():
            results[name].append(_rate(op, args.seconds))
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.runs} runs × {args.seconds:g} s")
    print("| intake | per second (median) | runs |")
    print("|---|---:|---|")
    for name, rates in results.items():
        print(f"| {name} | {statistics.median(rates):.1f} | {', '.join(f'{r:.1f}' for r in rates)} |")
    print()
    print(f"peak RSS: {base_peak:.0f} MB after the floor, {_peak_mb():.0f} MB after the photo variants")
    for w, h in sizes:
        print(f"{w}x{h} decoded at full size would take {w * h * 3 / 1e6:.0f} MB (JPEGs never are)")
    stored = sum(p.stat().st_size for p in (TMP / "files").rglob("*") if p.is_file())
    print(f"stored: {stored / 1e6:.1f} MB in {sum(1 for _ in (TMP / 'files').rglob('*.jpg'))} files")


if __name__ == "__main__":
    main()
