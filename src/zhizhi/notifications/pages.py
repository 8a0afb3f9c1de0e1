"""Notifications' screens: the citizen's sign-in by SMS code and 我的诉求 (their cases, tracking,
rating, the messages sent to them), and the administration hub's sections (message templates,
the outbox). Thin: parse, call the services, render."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from zhizhi.cases import schemas as cs
from zhizhi.cases import tracking
from zhizhi.cases.enums import LABELS, Rating
from zhizhi.core.errors import DomainError, TooManyRequests
from zhizhi.core.masking import mask_phone
from zhizhi.core.permissions import Permission
from zhizhi.core.settings import get_settings
from zhizhi.http.capability import AdminSection
from zhizhi.http.deps import DbSession, client_address
from zhizhi.notifications import citizens, service
from zhizhi.notifications.enums import STATUS_LABELS
from zhizhi.ui import admin, citizen, csrf, i18n
from zhizhi.ui.forms import FormErrors
from zhizhi.ui.session import MaybeStaff, Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
CITIZEN_COOKIE = citizen.CITIZEN_COOKIE


def _phone(request: Request, session: Session) -> str | None:
    token = request.cookies.get(CITIZEN_COOKIE)
    return citizens.phone_of(session, token) if token else None


def _show_code() -> bool:
    """The demo shows the code on screen, in development only (never in production)."""
    return get_settings().env == "development"


# ---- sign-in ----------------------------------------------------------------------------------


@router.get("/my/login")
def login_page(request: Request, principal: MaybeStaff) -> Response:
    return render(request, "notifications/login.html", {"form": {}, "step": "phone"}, principal=principal)


@router.post("/my/code", dependencies=[Depends(csrf.verify)])
def send_code(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    phone: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    ctx: dict[str, Any] = {"form": {"phone": phone}, "step": "code"}
    try:
        code = citizens.request_code(session, phone, client_address(request))
    except TooManyRequests as exc:
        errors.add(None, exc.zh, exc.en)  # shown above either form
        ctx |= {"errors": errors, "step": "code" if exc.extra.get("retry_after") == 60 else "phone"}
        if ctx["step"] == "code":
            ctx["masked"] = mask_phone(phone)
        response = render(request, "notifications/login.html", ctx, status_code=429, principal=principal)
        response.headers["Retry-After"] = str(exc.extra.get("retry_after", 60))
        return response
    except DomainError as exc:
        ctx |= {"errors": errors.from_domain(exc), "step": "phone"}
        return render(request, "notifications/login.html", ctx, status_code=exc.status, principal=principal)
    ctx["form"] = {"phone": citizens.mobile(phone)}
    ctx["masked"] = mask_phone(ctx["form"]["phone"])
    if _show_code():
        ctx["demo_code"] = code
    return render(request, "notifications/login.html", ctx, principal=principal)


@router.post("/my/login", dependencies=[Depends(csrf.verify)])
def sign_in(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    phone: Annotated[str, Form(max_length=40)] = "",
    code: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    ctx: dict[str, Any] = {"form": {"phone": phone}, "step": "code", "masked": mask_phone(phone)}
    try:
        result = citizens.sign_in(session, phone, code, client_address(request))
    except DomainError as exc:
        errors.add(None if exc.field != "code" else "code", exc.zh, exc.en)
        ctx |= {"errors": errors}
        response = render(
            request, "notifications/login.html", ctx, status_code=exc.status, principal=principal
        )
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.extra.get("retry_after", 60))
        return response
    if result.token is None:
        # returned, not raised: the unit of work commits the counted failure and its audit entry
        errors.add("code", *(result.refusal or citizens.REFUSALS["wrong"]))
        ctx["errors"] = errors
        return render(request, "notifications/login.html", ctx, status_code=401, principal=principal)
    return _signed_in(result.token, result.ttl)


@router.post("/my/password", dependencies=[Depends(csrf.verify)])
def sign_in_with_password(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    errors = FormErrors(i18n.lang_of(request))
    ctx: dict[str, Any] = {"form": {}, "account": {"username": username}, "step": "phone"}
    try:
        result = citizens.sign_in_with_password(session, username, password, client_address(request))
    except DomainError as exc:
        errors.add(None, exc.zh, exc.en)
        ctx["account_errors"] = errors
        return render(request, "notifications/login.html", ctx, status_code=exc.status, principal=principal)
    if result.token is None:
        errors.add(None, *(result.refusal or citizens.NOT_A_CITIZEN))
        ctx["account_errors"] = errors
        return render(request, "notifications/login.html", ctx, status_code=401, principal=principal)
    return _signed_in(result.token, result.ttl)


def _signed_in(token: str, ttl: int) -> Response:
    response = RedirectResponse("/my", status_code=303)
    response.set_cookie(
        CITIZEN_COOKIE,
        token,
        max_age=ttl,
        httponly=True,
        samesite="lax",
        path="/",
        secure=get_settings().secure_cookies,
    )
    return response


@router.post("/my/logout", dependencies=[Depends(csrf.verify)])
def sign_out(request: Request, session: DbSession) -> Response:
    token = request.cookies.get(CITIZEN_COOKIE)
    if token:
        citizens.sign_out(session, token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(CITIZEN_COOKIE, path="/")
    return response


# ---- 我的诉求 --------------------------------------------------------------------------------------


@router.get("/my")
def my_cases(request: Request, session: DbSession, principal: MaybeStaff) -> Response:
    phone = _phone(request, session)
    if phone is None:
        return RedirectResponse("/my/login", status_code=303)
    ctx = {
        "masked": mask_phone(phone),
        "cases": tracking.cases_of_phone(session, phone),
        "messages": service.messages_to(session, phone),
    }
    return render(request, "notifications/my.html", ctx, principal=principal)


def _rating_options(lang: str) -> list[tuple[str, str]]:
    return [(r.value, i18n.pick(LABELS[r], lang)) for r in Rating]


def _case_page(
    request: Request, session: Session, principal: Any, phone: str, number: str, **extra: Any
) -> Response:
    lang = i18n.lang_of(request)
    ctx: dict[str, Any] = {
        "form": {"number": number},
        "ratings": _rating_options(lang),
        "rate_key": secrets.token_urlsafe(16),
        "rate_action": f"/my/cases/{number}/rate",
        "errors": FormErrors(lang),
        **extra,
    }
    status = int(ctx.pop("status", 200))
    try:
        ctx["tracked"] = tracking.track(session, number, phone)
    except DomainError as exc:
        ctx["errors"] = FormErrors(lang).from_domain(exc)
        status = exc.status
    return render(request, "notifications/my_case.html", ctx, status_code=status, principal=principal)


@router.get("/my/cases/{number}")
def my_case(request: Request, session: DbSession, principal: MaybeStaff, number: str) -> Response:
    phone = _phone(request, session)
    if phone is None:
        return RedirectResponse("/my/login", status_code=303)
    return _case_page(request, session, principal, phone, number[:40])


@router.post("/my/cases/{number}/rate", dependencies=[Depends(csrf.verify)])
def rate(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    number: str,
    rating: Annotated[str, Form()] = "",
    resolved: Annotated[str, Form()] = "",
    comment: Annotated[str, Form(max_length=2000)] = "",
    rate_key: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    phone = _phone(request, session)
    if phone is None:
        return RedirectResponse("/my/login", status_code=303)
    errors = FormErrors(i18n.lang_of(request))
    try:
        body = cs.Rate(action="rate", rating=rating, resolved=resolved, comment=comment or None)
        tracking.rate(session, number[:40], phone, body.rating, body.resolved, body.comment, rate_key or None)
    except ValidationError as exc:
        errors.from_validation(exc)
        return _case_page(
            request,
            session,
            principal,
            phone,
            number[:40],
            rate_errors=errors,
            status=422,
            rate_form={"rating": rating, "resolved": resolved, "comment": comment},
        )
    except DomainError as exc:
        session.rollback()
        errors.from_domain(exc)
        return _case_page(
            request,
            session,
            principal,
            phone,
            number[:40],
            rate_errors=errors,
            status=exc.status,
            rate_form={"rating": rating, "resolved": resolved, "comment": comment},
        )
    return _case_page(request, session, principal, phone, number[:40], rated_now=True)


# ---- administration: message templates and the outbox ---------------------------------------------


def templates_section(session: Session, lang: str) -> Mapping[str, Any]:
    return {"templates": service.templates(session)}


def outbox_section(session: Session, lang: str) -> Mapping[str, Any]:
    messages, counts = service.outbox(session)
    labelled = [(label, counts.get(status, 0)) for status, label in STATUS_LABELS.items()]
    return {"messages": messages, "counts": labelled}


ADMIN_SECTIONS = (
    AdminSection(
        "message_template",
        "message-templates",
        "admin.templates",
        "notifications/admin_templates.html",
        templates_section,
        60,
    ),
    AdminSection("outbox", "outbox", "admin.outbox", "notifications/admin_outbox.html", outbox_section, 61),
)


@router.post("/admin/message-templates", dependencies=[Depends(csrf.verify)])
def save_template(
    request: Request,
    session: DbSession,
    principal: Staff,
    kind: Annotated[str, Form(max_length=20)] = "",
    zh: Annotated[str, Form(max_length=1000)] = "",
    en: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    admin.require(principal, Permission.ORG_MANAGE)
    try:
        service.save_template(session, principal, kind, zh, en)
    except DomainError as exc:
        return admin.refused(
            request, session, principal, "message_template", exc, {"kind": kind, "zh": zh, "en": en}
        )
    return RedirectResponse("/admin?done=message_template", status_code=303)
