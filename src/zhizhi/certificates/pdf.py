"""The certificate as an A4 PDF (a rendering for printing and keeping): the type, number, holder,
issuing department, validity, the type's fields, the verification QR, the signing key and a short
fingerprint of the signature. The SM2-signed document stays the authority; the PDF says so.

Drawn by ``fpdf2`` (pure Python) with a CJK font embedded as a subset. Nothing is downloaded at
run time: the font is a file on the machine (``FONT_CANDIDATES``, the set-up installs
``fonts-wqy-microhei``); none found → 503 naming what to install (docs/certificates.md)."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fpdf import FPDF

from zhizhi.certificates import qr
from zhizhi.core.crypto import sm3_hex
from zhizhi.core.errors import ServiceUnavailable
from zhizhi.ui.i18n import translate

FONT_ENV = "ZHIZHI_CERTIFICATE_FONT"  # a TTF/OTF/TTC file with CJK glyphs (optional)
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian fonts-noto-cjk
)
FONT = "cjk"
MAX_FIELD_CHARS = 500  # as at issue; the layout wraps long values


@dataclass(frozen=True)
class Sheet:
    """What the PDF shows, already decided by the service (masking, status, language)."""

    number: str
    type_name: str
    type_name_en: str
    holder_kind: str
    holder_name: str
    holder_id: str
    issuer_name: str
    jurisdiction: str
    valid_from: date
    valid_to: date | None
    issued_at: datetime
    fields: dict[str, str]
    grade: str
    key_id: str | None
    signature: str | None
    check_code: str
    status: str  # valid | revoked | expired
    verify_url: str
    generated_at: datetime


def font_path() -> Path:
    given = os.environ.get(FONT_ENV, "").strip()
    for candidate in ((given,) if given else ()) + FONT_CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    raise ServiceUnavailable(
        "无法生成证照PDF：服务器未安装中文字体（请安装 fonts-wqy-microhei，或设置 ZHIZHI_CERTIFICATE_FONT）",
        "cannot draw the certificate PDF: no CJK font on the server "
        "(install fonts-wqy-microhei or set ZHIZHI_CERTIFICATE_FONT)",
    )


def fingerprint(signature: str | None) -> str:
    """A short fingerprint of the signature to compare by eye: SM3 of it, 16 hex in 4 groups."""
    if not signature:
        return ""
    digest = sm3_hex(signature.encode("ascii")).upper()[:16]
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def _t(key: str, lang: str, **values: object) -> str:
    return translate(f"cert.pdf.{key}", lang, **values)


class _Doc(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-21)  # two lines at most, inside the inner frame (10 mm from the edge)
        self.set_font(FONT, size=7.5)
        self.set_text_color(110, 110, 110)
        self.multi_cell(0, 3.6, self.footer_text, align="C")


def render(sheet: Sheet, lang: str = "zh") -> bytes:
    """The PDF bytes of ``sheet`` in ``lang`` (zh | en): labels translated, data as issued."""
    lang = "en" if lang == "en" else "zh"
    pdf = _Doc(orientation="P", unit="mm", format="A4")
    pdf.add_font(FONT, fname=str(font_path()))
    pdf.set_title(f"{sheet.type_name} {sheet.number}")
    pdf.set_author(sheet.issuer_name)
    pdf.set_creator("Zhizhi")
    pdf.set_lang("en" if lang == "en" else "zh-CN")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=26)
    pdf.footer_text = _t("authority", lang)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    # frame and heading
    pdf.set_draw_color(170, 30, 30)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_y(18)
    pdf.set_text_color(170, 30, 30)
    pdf.set_font(FONT, size=11)
    pdf.cell(width, 6, _t("heading", lang), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=26)
    title = sheet.type_name_en if lang == "en" and sheet.type_name_en else sheet.type_name
    pdf.cell(width, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
    if lang == "en":
        pdf.set_font(FONT, size=11)
        pdf.cell(width, 6, sheet.type_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 30, 30)
    pdf.set_font(FONT, size=12)
    pdf.cell(width, 8, f"{_t('number', lang)}{_t('colon', lang)}{sheet.number}", align="C")
    pdf.ln(12)

    # the QR on the right, top of the body
    top = pdf.get_y()
    qr_size = 42.0
    qr_x = pdf.w - pdf.r_margin - qr_size
    png = qr.image(sheet.verify_url, "png", scale=8)
    pdf.image(io.BytesIO(png), x=qr_x, y=top, w=qr_size, h=qr_size)
    pdf.set_xy(qr_x - 4, top + qr_size + 1)
    pdf.set_font(FONT, size=10)
    pdf.cell(qr_size + 8, 5, _t("scan", lang), align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font(FONT, size=8)
    pdf.cell(qr_size + 8, 4, f"{_t('check_code', lang)}{_t('colon', lang)}{sheet.check_code}", align="C")

    # the main facts, left of the QR
    label_w = 34.0
    value_w = qr_x - pdf.l_margin - label_w - 6
    validity = (
        f"{sheet.valid_from.isoformat()} {_t('to', lang)} "
        f"{sheet.valid_to.isoformat() if sheet.valid_to else _t('long_term', lang)}"
    )
    holder_label = "holder_org" if sheet.holder_kind == "organisation" else "holder_person"
    id_label = "credit_code" if sheet.holder_kind == "organisation" else "id_number"
    rows = [
        (_t(holder_label, lang), sheet.holder_name),
        (_t(id_label, lang), sheet.holder_id),
        (_t("issuer", lang), sheet.issuer_name),
        (_t("jurisdiction", lang), sheet.jurisdiction),
        (_t("validity", lang), validity),
        (_t("issued_at", lang), sheet.issued_at.strftime("%Y-%m-%d")),
    ]
    pdf.set_xy(pdf.l_margin, top)
    for label, value in rows:
        _row(pdf, label, value, label_w, value_w, size=11)
    pdf.set_y(max(pdf.get_y(), top + qr_size + 12) + 4)

    # the type's own fields, full width
    pdf.set_draw_color(200, 200, 200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    pdf.set_font(FONT, size=12)
    pdf.set_text_color(170, 30, 30)
    pdf.cell(width, 7, _t("fields", lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(30, 30, 30)
    for name, value in sheet.fields.items():
        _row(pdf, str(name)[:40], str(value)[:MAX_FIELD_CHARS], label_w, width - label_w, size=10.5)
    pdf.ln(4)

    # the signature block
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    if sheet.signature:
        sign = [
            (_t("grade", lang), _t("grade_a", lang)),
            (_t("key_id", lang), sheet.key_id or ""),
            (_t("fingerprint", lang), fingerprint(sheet.signature)),
        ]
    else:
        sign = [(_t("grade", lang), _t("unsigned", lang, grade=sheet.grade))]
    sign.append((_t("generated", lang), sheet.generated_at.strftime("%Y-%m-%d %H:%M")))
    sign.append((_t("verify_at", lang), sheet.verify_url))
    for label, value in sign:
        _row(pdf, label, value, label_w, width - label_w, size=9)

    if sheet.status != "valid":
        _stamp(pdf, _t(f"status_{sheet.status}", lang))
    return bytes(pdf.output())


def _row(pdf: FPDF, label: str, value: str, label_w: float, value_w: float, *, size: float) -> None:
    line = size * 0.55
    y = pdf.get_y()
    if y + line > pdf.h - pdf.b_margin:
        pdf.add_page()
        y = pdf.get_y()
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(100, 100, 100)
    pdf.set_xy(pdf.l_margin, y)
    pdf.multi_cell(label_w, line, label, new_x="RIGHT", new_y="TOP")
    pdf.set_text_color(20, 20, 20)
    pdf.set_xy(pdf.l_margin + label_w + 2, y)
    pdf.multi_cell(value_w, line, value or "—", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(pdf.get_y(), y + line) + 1.2)


def _stamp(pdf: FPDF, text: str) -> None:
    """REVOKED / EXPIRED across the page: a printed copy cannot pass for one in force."""
    pdf.set_page_background(None)
    for page in range(1, pdf.pages_count + 1):
        pdf.page = page
        pdf.set_font(FONT, size=54)
        pdf.set_text_color(200, 40, 40)
        with pdf.rotation(30, x=pdf.w / 2, y=pdf.h / 2), pdf.local_context(fill_opacity=0.25):
            pdf.set_xy(0, pdf.h / 2 - 12)
            pdf.cell(pdf.w, 24, text, align="C")
