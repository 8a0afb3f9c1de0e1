"""Upload inspection without a database: type by bytes, hostile files, EXIF, thumbnails."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.attachments import photos
from zhizhi.attachments import imaging
from zhizhi.core.errors import DomainError

ALLOWED = ["image/jpeg", "image/png", "image/webp", "application/pdf"]


def prep(data: bytes, name: str = "a.jpg", **kw: int) -> imaging.Prepared:
    limits = {"max_bytes": 10_000_000, "max_pixels": 40_000_000} | kw
    return imaging.prepare(name, data, allowed=ALLOWED, **limits)


def refused(data: bytes, name: str = "photo.jpg", **kw: int) -> DomainError:
    with pytest.raises(DomainError) as info:
        prep(data, name, **kw)
    assert info.value.field == "files" and info.value.zh and info.value.en
    return info.value


def test_jpeg_is_oriented_stripped_and_located() -> None:
    p = prep(photos.jpeg((64, 32), orientation=6, gps=(28.18, 112.935)), "IMG_0001.JPG")
    assert p.content_type == "image/jpeg" and p.filename == "IMG_0001.jpg"
    assert (p.width, p.height) == (32, 64)  # EXIF orientation 6 applied: portrait now
    assert p.latitude == pytest.approx(28.18, abs=1e-4) and p.longitude == pytest.approx(112.935, abs=1e-4)
    stored = Image.open(io.BytesIO(p.data))
    assert not dict(stored.getexif()) and b"TestCam" not in p.data and b"secret-software" not in p.data
    thumb = Image.open(io.BytesIO(p.thumbnail or b""))
    assert thumb.format == "JPEG" and max(thumb.size) <= 320


def test_png_and_pdf_accepted_by_bytes_not_name() -> None:
    assert prep(photos.png(), "picture.pdf").content_type == "image/png"
    pdf = prep(photos.PDF, "scan.jpg")
    assert pdf.content_type == "application/pdf" and pdf.filename == "scan.pdf" and pdf.thumbnail is None


@pytest.mark.parametrize(
    ("data", "name", "detected"),
    [
        (photos.exe(), "photo.jpg", "Windows executable"),
        (photos.zip_bomb(), "photo.jpg", "zip archive"),
        (photos.SVG, "map.svg", "SVG or markup"),
        (b"just some text", "notes.jpg", "unknown"),
    ],
)
def test_disguised_and_hostile_files_are_refused(data: bytes, name: str, detected: str) -> None:
    err = refused(data, name)
    assert err.status == 422 and err.extra["detected"] == detected


def test_decompression_bomb_refused_before_decoding() -> None:
    err = refused(photos.png_bomb(), "bomb.png")
    assert err.status == 422 and "pixels" in err.en


def test_pixel_limit_setting() -> None:
    refused(photos.jpeg((200, 200)), max_pixels=10_000)
    assert prep(photos.jpeg((100, 100)), max_pixels=10_000).width == 100


def test_too_large_is_413() -> None:
    err = refused(photos.jpeg(), max_bytes=100)
    assert err.status == 413


def test_damaged_image_refused() -> None:
    err = refused(photos.jpeg()[:60] + b"\x00" * 50)
    assert err.status == 422


def test_safe_filename_drops_paths_and_odd_characters() -> None:
    assert imaging.safe_filename("../../etc/passwd.jpg", "image/jpeg") == "passwd.jpg"
    assert imaging.safe_filename('C:\\x\\现场 "照片".png', "image/png") == "现场 _照片.png"
    assert imaging.safe_filename(None, "application/pdf") == "file.pdf"
