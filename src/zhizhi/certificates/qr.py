"""The certificate's QR code: a verification URL with the number and the short check code,
drawn by ``segno`` (pure Python, no dependencies; SVG or PNG, nothing fetched from a CDN)."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno

from zhizhi.certificates import signing
from zhizhi.certificates.models import Certificate


def verify_url(base_url: str, cert: Certificate) -> str:
    """``{base}/verify?n=<number>&c=<check code>`` (the public verification page)."""
    query = urlencode({"n": cert.number, "c": signing.check_code(cert.digest)})
    return f"{base_url.rstrip('/')}/verify?{query}"


def image(url: str, kind: str = "svg", scale: int = 4) -> bytes:
    """The QR of ``url`` (error correction M) as SVG or PNG bytes."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    if kind == "png":
        code.save(out, kind="png", scale=scale, border=2)
    else:
        code.save(out, kind="svg", scale=scale, border=2, xmldecl=False, title="证照核验二维码")
    return out.getvalue()
