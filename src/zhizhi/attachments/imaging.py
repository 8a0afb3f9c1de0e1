"""Pure upload inspection, no database: what a file is (by its first bytes, never by its name),
whether it may be kept, and for an image its oriented, EXIF-free copy, thumbnail and GPS point.

Refused: executables, archives (a zip bomb never gets unpacked: archives are not accepted),
SVG and other markup (script), anything whose bytes match no accepted type, images with more
pixels than ``attachment_max_pixels`` (checked from the header before decoding) and images
Pillow cannot decode."""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from collections.abc import Collection
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from zhizhi.core.errors import PayloadTooLarge, ValidationFailed

THUMB_SIZE = (320, 320)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "application/pdf": "pdf"}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
# what we name when refusing a file by its bytes (the name and the declared type are ignored)
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows executable"),
    (b"\x7fELF", "ELF executable"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"PK\x03\x04", "zip archive"),
    (b"PK\x05\x06", "zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"Rar!", "rar archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"#!", "script"),
)
_MARKUP = re.compile(rb"^\s*(<\?xml|<svg|<!doctype|<html|<script)", re.IGNORECASE)
_SAFE_NAME = re.compile(r"[^\w.\-（）() \u4e00-\u9fff]+")


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show, or ``None`` when they match no accepted type."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def refused_kind(head: bytes) -> str | None:
    for magic, kind in _REFUSED_MAGIC:
        if head.startswith(magic):
            return kind
    if _MARKUP.match(head[:512]):
        return "SVG or markup"
    return None


def safe_filename(name: str | None, content_type: str) -> str:
    """A display name: path dropped, odd characters replaced, the extension of the real type."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _SAFE_NAME.sub("_", stem).strip(" ._")[:80] or "file"
    return f"{stem}.{EXTENSIONS[content_type]}"


@dataclass(frozen=True, slots=True)
class Prepared:
    """One checked upload, ready to store: nothing is written yet."""

    filename: str
    content_type: str
    data: bytes  # what is stored: for images the re-encoded copy without EXIF
    sha256: str
    thumbnail: bytes | None = None  # JPEG
    width: int | None = None
    height: int | None = None
    latitude: float | None = None  # EXIF GPS, WGS-84
    longitude: float | None = None

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


def _too_large(field: str, limit: int) -> PayloadTooLarge:
    mb = f"{limit / 1_000_000:g}"
    return PayloadTooLarge(
        f"文件超过 {mb} MB 上限，请压缩后重新上传",
        f"the file exceeds the {mb} MB limit; shrink it and retry",
        field=field,
        limit=limit,
    )


def prepare(
    name: str | None,
    data: bytes,
    *,
    allowed: Collection[str],
    max_bytes: int,
    max_pixels: int,
    field: str = "files",
) -> Prepared:
    """Check one upload and prepare what is stored; raises a bilingual 413/422 naming ``field``."""
    if len(data) > max_bytes:
        raise _too_large(field, max_bytes)
    if not data:
        raise ValidationFailed("文件为空", "the file is empty", field=field)
    head = data[:512]
    kind = refused_kind(head)
    content_type = sniff(head)
    if kind is not None or content_type is None or content_type not in allowed:
        what = kind or content_type or "unknown"
        raise ValidationFailed(
            "不支持的文件类型（仅限照片 JPEG/PNG/WebP 和 PDF，按文件内容判断，与文件名无关）",
            "file type not accepted (photos in JPEG/PNG/WebP and PDF only, judged by the content, "
            "not the name)",
            field=field,
            detected=what,
        )
    filename = safe_filename(name, content_type)
    if content_type not in IMAGE_TYPES:
        return Prepared(filename, content_type, data, hashlib.sha256(data).hexdigest())
    return _prepare_image(filename, content_type, data, max_pixels, field)


def _bad_image(field: str) -> ValidationFailed:
    return ValidationFailed("图片已损坏或无法识别", "the image is damaged or cannot be read", field=field)


def _prepare_image(filename: str, content_type: str, data: bytes, max_pixels: int, field: str) -> Prepared:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                width, height = probe.size  # from the header: nothing decoded yet
                if width * height > max_pixels:
                    raise _pixels(field, max_pixels)
                latitude, longitude = gps_of(probe)
                orientation = _orientation(probe)
                if probe.format == "JPEG":
                    # decoded at 1/2–1/8 scale by the JPEG decoder itself: the thumbnail (and the
                    # check that the whole stream decodes) without the full-size pixels in memory
                    probe.draft("RGB", THUMB_SIZE)
                    probe.load()
                    probe.thumbnail(THUMB_SIZE)
                    thumb = ImageOps.exif_transpose(probe)  # turns the small picture only
                    stored = strip_jpeg(data, orientation)
                else:
                    oriented = ImageOps.exif_transpose(probe)  # decodes; applies the orientation
                    oriented.load()
                    stored = _encode(oriented, content_type)
                    oriented.thumbnail(THUMB_SIZE)
                    thumb = oriented
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _pixels(field, max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise _bad_image(field) from None
    if orientation in (5, 6, 7, 8):  # shown turned by a quarter
        width, height = height, width
    thumbnail = _encode(thumb, "image/jpeg")
    return Prepared(
        filename,
        content_type,
        stored,
        hashlib.sha256(stored).hexdigest(),
        thumbnail,
        width,
        height,
        latitude,
        longitude,
    )


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # a broken EXIF block: shown as stored
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


# JPEG segments kept in the stored copy: JFIF (APP0), the colour profile (APP2 "ICC_PROFILE") and
# Adobe's colour transform (APP14, needed to decode CMYK/YCCK). Everything else before the image
# data goes: EXIF and XMP (APP1: camera, GPS, time, thumbnails), APP3–APP13, APP15, comments.
_KEEP_APP = {0xE0: b"", 0xE2: b"ICC_PROFILE", 0xEE: b"Adobe"}


def _orientation_segment(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    payload = exif.tobytes()  # b"Exif\0\0" + a TIFF block with the one tag
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


def strip_jpeg(data: bytes, orientation: int = 1) -> bytes:
    """The JPEG without its metadata segments, losslessly (the compressed image is not touched);
    an orientation other than 1 is kept as the only EXIF tag, so viewers still turn the photo."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    out = [b"\xff\xd8"]
    if orientation != 1:
        out.append(_orientation_segment(orientation))
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise ValueError("JPEG segment expected")
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the image data and what follows are kept as they are
            out.append(data[i:])
            return b"".join(out)
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            i += 2
            continue
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2 or i + 2 + length > n:
            raise ValueError("truncated JPEG segment")
        segment = data[i : i + 2 + length]
        is_app = 0xE0 <= marker <= 0xEF or marker == 0xFE
        prefix = _KEEP_APP.get(marker)
        if not is_app or (prefix is not None and segment[4:].startswith(prefix)):
            out.append(segment)
        i += 2 + length
    raise ValueError("JPEG without image data")


def _pixels(field: str, limit: int) -> ValidationFailed:
    return ValidationFailed(
        f"图片像素过多（上限 {limit // 1_000_000} 百万像素）",
        f"the image has too many pixels (limit {limit // 1_000_000} megapixels)",
        field=field,
    )


def _encode(image: Image.Image, content_type: str) -> bytes:
    """Re-encode without any metadata (EXIF, XMP, ICC comments): the stored copy is public-safe."""
    out = io.BytesIO()
    if content_type == "image/jpeg":
        rgb = image if image.mode in ("RGB", "L") else image.convert("RGB")
        rgb.save(out, "JPEG", quality=85, optimize=False)
    elif content_type == "image/png":
        image.save(out, "PNG")
    else:
        image.save(out, "WEBP", quality=85)
    return out.getvalue()


def _ratio(value: object) -> float:
    return float(value)  # type: ignore[arg-type]  # IFDRational or a number


def _dms(values: object, ref: object, negative: str) -> float | None:
    try:
        d, m, s = (_ratio(v) for v in values)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if not math.isfinite(result):
        return None
    ref_text = ref.decode() if isinstance(ref, bytes) else str(ref or "")
    return -result if ref_text.strip().upper() == negative else result


def gps_of(image: Image.Image) -> tuple[float | None, float | None]:
    """The EXIF GPS point (WGS-84 as cameras record it), or ``(None, None)``."""
    try:
        gps = image.getexif().get_ifd(0x8825)
    except Exception:  # a broken EXIF block is no reason to refuse the photo
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat = _dms(gps[2], gps.get(1), "S")
    lon = _dms(gps[4], gps.get(3), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None, None
    return round(lat, 7), round(lon, 7)
