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
    original = photos.jpeg((640, 320), orientation=6, gps=(28.18, 112.935))
    p = prep(original, "IMG_0001.JPG")
    assert p.content_type == "image/jpeg" and p.filename == "IMG_0001.jpg"
    assert (p.width, p.height) == (320, 640)  # shown turned by EXIF orientation 6: portrait
    assert p.latitude == pytest.approx(28.18, abs=1e-4) and p.longitude == pytest.approx(112.935, abs=1e-4)
    stored = Image.open(io.BytesIO(p.data))
    # camera, software and GPS gone; the orientation is the one tag kept (viewers turn the photo)
    assert dict(stored.getexif()) == {0x0112: 6}
    assert b"TestCam" not in p.data and b"secret-software" not in p.data
    assert p.data.endswith(original[original.index(b"\xff\xda") :])  # pixels untouched (lossless)
    stored.load()
    thumb = Image.open(io.BytesIO(p.thumbnail or b""))
    assert thumb.format == "JPEG" and thumb.size[1] > thumb.size[0] and max(thumb.size) <= 320
    assert not dict(thumb.getexif())


def test_upright_jpeg_keeps_no_exif_at_all() -> None:
    p = prep(photos.jpeg((64, 32), gps=(28.18, 112.935)))
    assert not dict(Image.open(io.BytesIO(p.data)).getexif()) and (p.width, p.height) == (64, 32)


def test_strip_jpeg_refuses_broken_streams() -> None:
    for bad in (b"\xff\xd8\xff\xe1\x00\xff", b"\xff\xd8\x00\x00\x00\x00", b"\xff\xd8\xff\xe0\x00\x10JFIF"):
        with pytest.raises(ValueError):
            imaging.strip_jpeg(bad)


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
