"""Bundle screens (一件事一次办): the list of bundles (a guide to each), the merged form of one
bundle with the 免提交 preview, the status of a bundle application.  A member of the public
signs in on the form itself for this one submission or answer (no session is kept, as on
/my-data); window staff use their session.  Thin: parse, call the services, render."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from zhizhi.attachments.service import Upload
from zhizhi.core.errors import DomainError, PayloadTooLarge, Unauthorized
from zhizhi.core.masking import mask_phone
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.http.problems import validation_problems
from zhizhi.org import service as org
from zhizhi.services.bundles import service, submission
from zhizhi.services.bundles.enums import PART_OUTCOME_LABELS, BundleState
from zhizhi.services.bundles.schemas import BundleApplicationIn, BundleFormOut, PrefillIn
from zhizhi.services.items.enums import APPLICANT_TYPE_LABELS, LIMIT_UNIT_LABELS
from zhizhi.ui import citizen, csrf, i18n
from zhizhi.ui.forms import Posted
from zhizhi.ui.session import MaybeStaff, Staff
from zhizhi.ui.templating import error_page, render

router = APIRouter(include_in_schema=False)
STATE_BADGE = {
    BundleState.IN_PROGRESS: "sla-normal",
    BundleState.DONE: "sla-normal",
    BundleState.ATTENTION: "sla-warning",
    BundleState.DONE_PARTLY: "sla-warning",
    BundleState.REFUSED: "sla-overdue",
    BundleState.WITHDRAWN: "sla-warning",
}
OUTCOMES = {k.value: v for k, v in PART_OUTCOME_LABELS.items()}
APPLICANT_TYPES = {k.value: v for k, v in APPLICANT_TYPE_LABELS.items() if k.value != "6"}
UNITS = {k.value: v for k, v in LIMIT_UNIT_LABELS.items()}


class Problems:
    """Errors by full field name (``answers.child.name``, ``materials.x``) in the page language."""

    def __init__(self, lang: str) -> None:
        self.lang, self.by_field, self.general = lang, {}, []  # type: ignore[var-annotated]

    def __bool__(self) -> bool:
        return bool(self.by_field or self.general)

    def add(self, field: str | None, zh: str, en: str) -> None:
        text = en if self.lang == "en" else zh
        if field and field != "body":
            self.by_field.setdefault(field, text)
        self.general.append(text)


# a citizen signed in at /my with an SMS code: a verified phone, no account (no verified ID number)
BY_PHONE = Principal(0, "citizen", "群众（手机号登录）", Role.PUBLIC, None, None)


def _signed_in(
    request: Request, session: DbSession, staff: Principal | None, form: FormData | None = None
) -> Principal:
    """Staff with a session, or the citizen signed in on the portal (the /my account: with the
    account's password — their verified identity counts for 免提交 — or with an SMS code).  Only
    the status look-up still takes an account and password on the form (``form``)."""
    if staff is not None:
        return staff
    account = citizen.account_of(request, session)
    if account is not None:
        return account
    if citizen.phone_of(request, session):
        return BY_PHONE
    if form is None:
        raise Unauthorized(
            "请先登录（“我的”：手机验证码或群众账号），登录后回到本页办理",
            "sign in first (My account: SMS code or citizen account), then come back to this page",
            field="signin",
        )
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")[:200]
    if not username or not password or any(ord(c) < 32 for c in username + password):
        raise Unauthorized("请输入账号和密码", "enter your account and password", field="password")
    user = org.authenticate(session, username, password)
    if user is None or user.role != Role.PUBLIC.value:
        raise Unauthorized("账号或密码不正确", "wrong account or password", field="password")
    return org.principal_for(session, user)


def _citizen_ctx(request: Request, session: DbSession, staff: Principal | None) -> dict[str, Any]:
    """Who is applying, for the form's sign-in box."""
    if staff is not None:
        return {"citizen_in": True, "citizen_name": staff.display_name}
    account = citizen.account_of(request, session)
    phone = citizen.phone_of(request, session)
    name = account.display_name if account is not None else mask_phone(phone) if phone else None
    return {"citizen_in": name is not None, "citizen_name": name or "", "login_url": citizen.LOGIN_URL}


def _page(
    request: Request, name: str, principal: Principal | None, ctx: dict[str, Any], status: int = 200
) -> Response:
    return render(
        request,
        name,
        {"state_badge": STATE_BADGE, "outcomes": OUTCOMES, "units": UNITS, **ctx},
        status_code=status,
        principal=principal,
    )


@router.get("/bundles")
def bundles_page(request: Request, session: DbSession, principal: MaybeStaff) -> Response:
    return _page(request, "services/bundles/list.html", principal, {"bundles": service.list_bundles(session)})


def _form_context(
    form_out: BundleFormOut, posted: dict[str, Any], problems: Problems, *, previewed: bool
) -> dict[str, Any]:
    return {
        "f": form_out,
        "posted": posted,
        "errors": problems,
        "previewed": previewed,
        "applicant_types": APPLICANT_TYPES,
    }


def _posted(form: FormData) -> dict[str, Any]:
    return {
        "applicant_type": str(form.get("applicant_type") or "1"),
        "applicant_name": str(form.get("applicant_name") or "")[:120],
        "id_number": str(form.get("id_number") or "")[:18],
        "credit_code": str(form.get("credit_code") or "")[:18],
        "username": str(form.get("username") or "")[:64],
        "consent": form.get("consent") == "1",
        "answers": {k[2:]: str(v)[:2000] for k, v in form.items() if k.startswith("a.") and str(v).strip()},
        "materials": [str(v) for v in form.getlist("m")][:200],
        "parts": [str(v) for v in form.getlist("p")][:20],
    }


def _files(form: FormData) -> dict[str, list[Upload]]:
    """The uploaded material files (``f.<code>`` inputs; a member of the public online)."""
    files: dict[str, list[Upload]] = {}
    limit = get_settings().attachment_max_bytes
    for key, value in form.multi_items():
        if key.startswith("f.") and isinstance(value, UploadFile) and (value.filename or value.size):
            data = value.file.read(limit + 1)
            if len(data) > limit:
                raise PayloadTooLarge("文件过大", "the file is too large", field=f"materials.{key[2:42]}")
            files.setdefault(key[2:42], []).append(Upload(value.filename, data))
    return files


def _applicant(posted: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": posted["applicant_type"],
        "name": posted["applicant_name"],
        "id_number": posted["id_number"] or None,
        "credit_code": posted["credit_code"] or None,
    }


@router.get("/bundles/{code}")
def bundle_page(request: Request, session: DbSession, principal: MaybeStaff, code: str) -> Response:
    try:
        form_out = service.form(session, code[:40])
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    posted = {"applicant_type": "1", "answers": {}, "materials": [], "parts": [], "consent": False}
    problems = Problems(i18n.lang_of(request))
    ctx = _form_context(form_out, posted, problems, previewed=False) | _citizen_ctx(
        request, session, principal
    )
    return _page(request, "services/bundles/form.html", principal, ctx)


@router.post("/bundles/{code}", dependencies=[Depends(csrf.verify)])
def bundle_post(request: Request, session: DbSession, staff: MaybeStaff, form: Posted, code: str) -> Response:
    """``step=prefill``: read the applicant's data (with consent) and show the form filled in
    to confirm; ``step=submit``: the one submission, then its status."""
    lang = i18n.lang_of(request)
    problems = Problems(lang)
    posted = _posted(form)
    step = "prefill" if form.get("step") == "prefill" else "submit"
    try:
        form_out = service.form(session, code[:40])
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, staff)
    try:
        principal = _signed_in(request, session, staff)
        if step == "prefill":
            filled = submission.preview(
                session, principal, code, PrefillIn(applicant=_applicant(posted), consent=posted["consent"])
            )
            for f in filled.fields:
                if f.value and f.code not in posted["answers"]:
                    posted["answers"][f.code] = f.value
            ctx = _form_context(filled, posted, problems, previewed=True) | _citizen_ctx(
                request, session, staff
            )
            return _page(request, "services/bundles/form.html", staff, ctx)
        body = BundleApplicationIn(
            applicant=_applicant(posted),
            parts=posted["parts"],
            answers=posted["answers"],
            materials=posted["materials"],
            consent=posted["consent"],
        )
        out = submission.submit(session, principal, code, body, _files(form))
    except ValidationError as exc:
        for problem in validation_problems(list(exc.errors())):
            problems.add(problem.field, problem.zh, problem.en)
    except DomainError as exc:
        for p in exc.errors or []:
            problems.add(p.field, p.zh, p.en)
        if not exc.errors:
            problems.add(exc.field, exc.zh, exc.en)
    else:
        return _page(request, "services/bundles/status.html", staff, {"a": out, "just_submitted": True}, 201)
    ctx = _form_context(form_out, posted, problems, previewed=False) | _citizen_ctx(request, session, staff)
    status = 401 if problems.by_field.get("signin") else 422
    return _page(request, "services/bundles/form.html", staff, ctx, status)


@router.get("/bundle-status")
def status_lookup(request: Request, principal: MaybeStaff) -> Response:
    return _page(request, "services/bundles/lookup.html", principal, {"posted": {}, "failed": False})


@router.post("/bundle-status", dependencies=[Depends(csrf.verify)])
def status_answer(request: Request, session: DbSession, staff: MaybeStaff, form: Posted) -> Response:
    """A member of the public signs in for this one answer: the status of their bundle."""
    number = str(form.get("number") or "").strip()[:24]
    try:
        principal = _signed_in(request, session, staff, form)
        out = submission.get_application(session, principal, number)
    except DomainError:
        posted = {"number": number, "username": str(form.get("username") or "")[:64]}
        return _page(request, "services/bundles/lookup.html", staff, {"posted": posted, "failed": True}, 404)
    return _page(request, "services/bundles/status.html", staff, {"a": out, "just_submitted": False})


@router.get("/bundle-applications/{number}")
def status_page(request: Request, session: DbSession, principal: Staff, number: str) -> Response:
    try:
        out = submission.get_application(session, principal, number[:24])
    except DomainError as exc:
        return error_page(request, (exc.zh, exc.en), exc.status, principal)
    return _page(request, "services/bundles/status.html", principal, {"a": out, "just_submitted": False})
