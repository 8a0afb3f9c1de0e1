"""Small test files made here: JPEGs with EXIF (orientation, GPS, camera), hostile files."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image


def jpeg(
    size: tuple[int, int] = (64, 32),
    *,
    orientation: int | None = None,
    gps: tuple[float, float] | None = None,
    color: tuple[int, int, int] = (200, 30, 30),
) -> bytes:
    img = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0131] = "secret-software"  # Software
    if orientation is not None:
        exif[0x0112] = orientation
    if gps is not None:
        lat, lng = gps
        ifd = exif.get_ifd(0x8825)
        ifd.update({1: "N", 2: _dms(lat), 3: "E", 4: _dms(lng)})
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    s = round((value - d - m / 60) * 3600, 4)
    return (float(d), float(m), s)


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 255)).save(buf, "PNG")
    return buf.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header claims width × height pixels (tiny file; decoding would need gigabytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def exe() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run"
    )


def zip_bomb() -> bytes:
    """A zip of 20 MB of zeros (compresses to ~20 KB): refused by its first bytes, never unpacked."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.bin", b"\x00" * 20_000_000)
    return buf.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
