"""Public portal (no login): submit an appeal, track it by number + phone, rate it, FAQ."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.cases import files, service, tracking
from zhizhi.cases import schemas as s
from zhizhi.cases.enums import LABELS, AppealType, Channel, Rating
from zhizhi.cases.file_endpoints import read_uploads
from zhizhi.core.errors import DomainError
from zhizhi.http import textguard
from zhizhi.http.deps import DbSession
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors
from zhizhi.ui.session import MaybeStaff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)

PUBLIC_TYPES = [
    AppealType.COMPLAINT,
    AppealType.HELP,
    AppealType.CONSULT,
    AppealType.REPORT,
    AppealType.SUGGESTION,
    AppealType.PRAISE,
]

FAQ: list[tuple[tuple[str, str], tuple[str, str]]] = [
    (
        ("提交后多久答复？", "How soon will I get an answer?"),
        (
            "一般诉求在 10 个工作日内答复，紧急诉求更快；节假日不计入工作日。",
            "Ordinary appeals are answered within 10 working days, urgent ones sooner; "
            "public holidays do not count.",
        ),
    ),
    (
        ("如何查询办理进度？", "How do I follow my case?"),
        (
            "在“办理进度查询”输入工单编号和提交时留的电话即可，无需注册。",
            "Enter the case number and the phone you gave on the Track page; no account is needed.",
        ),
    ),
    (
        ("我的个人信息会被公开吗？", "Will my personal details be shown?"),
        (
            "不会。联系方式仅受理人员可见；勾选“保密”后办理单位也看不到。",
            "No. Only intake staff see your contact details; "
            "with Confidential ticked, units do not see them either.",
        ),
    ),
    (
        ("对办理结果不满意怎么办？", "What if I am not satisfied?"),
        (
            "答复后请给出评价；“不满意”或“未解决”的工单会被督办并可重新办理。",
            "Rate the reply; a dissatisfied or unresolved rating puts the case under supervision "
            "and it can be reopened.",
        ),
    ),
]


def _type_options(lang: str) -> list[tuple[str, str]]:
    return [(t.value, i18n.pick(LABELS[t], lang)) for t in PUBLIC_TYPES]


def _rating_options(lang: str) -> list[tuple[str, str]]:
    return [(r.value, i18n.pick(LABELS[r], lang)) for r in Rating]


@router.get("/")
def home(request: Request, principal: MaybeStaff) -> Response:
    return render(request, "cases/portal/home.html", principal=principal)


@router.get("/faq")
def faq(request: Request, principal: MaybeStaff) -> Response:
    return render(request, "cases/portal/faq.html", {"faq": FAQ}, principal=principal)


@router.get("/submit")
def submit_page(request: Request, principal: MaybeStaff) -> Response:
    lang = i18n.lang_of(request)
    ctx = {"types": _type_options(lang), "form": {"appeal_type": "complaint"}, **files.form_limits()}
    return render(request, "cases/portal/submit.html", ctx, principal=principal)


@router.post("/submit", dependencies=[Depends(csrf.verify)])
def submit(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    appeal_type: Annotated[str, Form()] = "complaint",
    content: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    contact_name: Annotated[str, Form()] = "",
    contact_phone: Annotated[str, Form()] = "",
    confidential: Annotated[str | None, Form()] = None,
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    lang = i18n.lang_of(request)
    form = {
        "appeal_type": appeal_type,
        "content": content,
        "address": address,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "confidential": bool(confidential),
        "latitude": latitude,
        "longitude": longitude,
    }
    errors = FormErrors(lang)
    status = 422
    try:
        textguard.check_fields(form)  # a multipart form: the text guard middleware leaves it to us
        # the photos are checked first: a refused photo leaves no case behind
        prepared = files.prepare(read_uploads(photos), files.FIELD)
        lat, lng = files.point_of(latitude, longitude, prepared)
        data = s.CaseCreate(
            appeal_type=appeal_type,
            channel=Channel.WEB,
            content=content,
            address=address or None,
            latitude=lat,
            longitude=lng,
            contact_name=contact_name or None,
            contact_phone=contact_phone or None,
            confidential=bool(confidential),
            language=lang,  # the page's language: the person's text messages follow it
        )
        # the portal always submits as the public (staff use the intake form)
        case, _ = service.create_case(session, data, None)
        files.attach_new(session, case, prepared, None)
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        errors.from_domain(exc)
        status = 413 if exc.status == 413 else 422
    if errors:
        session.rollback()  # nothing of a refused submission is kept (its files are deleted too)
        ctx = {"types": _type_options(lang), "form": form, "errors": errors, **files.form_limits()}
        return render(request, "cases/portal/submit.html", ctx, status_code=status, principal=principal)
    return RedirectResponse(f"/submitted/{case.number}", status_code=303)


@router.get("/submitted/{number}")
def submitted(request: Request, number: str, principal: MaybeStaff) -> Response:
    return render(request, "cases/portal/submitted.html", {"number": number[:20]}, principal=principal)


def _track_context(request: Request, session: DbSession, number: str, phone: str) -> dict[str, object]:
    lang = i18n.lang_of(request)
    errors = FormErrors(lang)
    ctx: dict[str, object] = {
        "form": {"number": number, "phone": phone},
        "ratings": _rating_options(lang),
        "rate_key": secrets.token_urlsafe(16),  # one per rating form: a resubmission rates once
    }
    try:
        ctx["tracked"] = tracking.track(session, number, phone)
        ctx["photos"] = files.public_photos(session, number)
    except DomainError as exc:
        ctx["errors"] = errors.from_domain(exc)
    return ctx


@router.get("/track")
def track_page(request: Request, principal: MaybeStaff) -> Response:
    return render(request, "cases/portal/track.html", {"form": {}}, principal=principal)


@router.post("/track", dependencies=[Depends(csrf.verify)])
def track(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    number: Annotated[str, Form(max_length=40)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    ctx = _track_context(request, session, number, phone)
    return render(
        request,
        "cases/portal/track.html",
        ctx,
        status_code=404 if "errors" in ctx else 200,
        principal=principal,
    )


@router.post("/track/rate", dependencies=[Depends(csrf.verify)])
def rate(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    number: Annotated[str, Form(max_length=40)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    rating: Annotated[str, Form()] = "",
    resolved: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    rate_key: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    lang = i18n.lang_of(request)
    errors = FormErrors(lang)
    status = 200
    try:
        body = s.Rate(action="rate", rating=rating, resolved=resolved, comment=comment or None)
        tracking.rate(session, number, phone, body.rating, body.resolved, body.comment, rate_key or None)
    except ValidationError as exc:
        errors.from_validation(exc)
        status = 422
    except DomainError as exc:
        errors.from_domain(exc)
        status = exc.status
    ctx = _track_context(request, session, number, phone)
    if errors:
        ctx["rate_errors"] = errors
        ctx["rate_form"] = {"rating": rating, "resolved": resolved, "comment": comment}
    else:
        ctx["rated_now"] = True
    return render(request, "cases/portal/track.html", ctx, status_code=status, principal=principal)
