"""The applicant's pages: apply for an item (form from the version's fields and materials, file
uploads, one list of everything to fix), the receipt, tracking by number and ID number, and
我的办件 for a citizen signed in at /my. Thin: parse, call the services, render."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.responses import Response

from zhizhi.certificates import printing
from zhizhi.core.errors import DomainError, FieldProblem, NotFound, PayloadTooLarge, ValidationFailed
from zhizhi.core.settings import get_settings
from zhizhi.http import textguard
from zhizhi.http.deps import DbSession
from zhizhi.services.applications import schemas as s
from zhizhi.services.applications import service, views
from zhizhi.services.applications.enums import ApplicantType
from zhizhi.services.items import service as items
from zhizhi.ui import citizen, csrf, i18n
from zhizhi.ui.forms import Posted
from zhizhi.ui.session import MaybeStaff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
FILE_PREFIX = "material."


def problems_context(exc: DomainError, lang: str) -> dict[str, Any]:
    """Every problem of a refusal: the list at the top and the message by full field."""
    listed = exc.errors or [FieldProblem(exc.field or "", exc.zh, exc.en)]
    texts = [(p.field, p.en if lang == "en" else p.zh) for p in listed]
    return {
        "problems": texts,
        "by_field": {f: t for f, t in texts if f},
        "summary": exc.en if lang == "en" else exc.zh,
    }


def _apply_context(session: Any, code: str, form: dict[str, str], principal: Any) -> dict[str, Any]:
    version = items.published_version(session, code)
    return {
        "version": version,
        "form": form,
        "person_allowed": not version.applicant_types or "1" in version.applicant_types,
        "organisation_allowed": not version.applicant_types or bool(set(version.applicant_types) - {"1"}),
        "max_mb": f"{get_settings().attachment_max_bytes / 1_000_000:g}",
        "problems": [],
        "by_field": {},
        "summary": "",
        "provided": {},
        "prefilled": [],
        "prefill_done": False,
        "by_data_possible": any(m.source_kind in ("shared", "certificate") for m in version.materials),
    }


@router.get("/services/apply/{code}")
def apply_page(request: Request, session: DbSession, principal: MaybeStaff, code: str) -> Response:
    phone = citizen.phone_of(request, session) or ""
    try:
        ctx = _apply_context(session, code[:40], {"applicant.phone": phone}, principal)
    except DomainError as exc:
        lang = i18n.lang_of(request)
        ctx = {"error": exc.en if lang == "en" else exc.zh}
        return render(request, "services/apply_closed.html", ctx, status_code=exc.status, principal=principal)
    return render(request, "services/apply.html", ctx, principal=principal)


def _uploads(posted: Any) -> service.Files:
    files = service.Files()
    limit = get_settings().attachment_max_bytes
    for key, value in posted.multi_items():
        if key.startswith(FILE_PREFIX) and isinstance(value, UploadFile) and (value.filename or value.size):
            data = value.file.read(limit + 1)
            code = key[len(FILE_PREFIX) :][:60]
            if len(data) > limit:
                mb = f"{limit / 1_000_000:g}"
                raise PayloadTooLarge(
                    f"文件超过 {mb} MB 上限，请压缩后重新上传",
                    f"the file exceeds the {mb} MB limit",
                    field=f"materials.{code}",
                )
            files.by_code.setdefault(code, []).append(service.Upload(value.filename, data))
    return files


@router.post("/services/apply/{code}", dependencies=[Depends(csrf.verify)])
def apply(request: Request, session: DbSession, principal: MaybeStaff, code: str, posted: Posted) -> Response:
    lang = i18n.lang_of(request)
    form = {k: v for k, v in posted.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        textguard.check_fields(form)
        version = items.published_version(session, code[:40])
        values = {f.code: form.get(f"form.{f.code}", "") for f in version.fields}
        values = {k: v for k, v in values.items() if v}
        files = _uploads(posted)
        applicant, agent, problems = _people(form)
        if applicant is None or problems:
            problems += service.precheck(session, version, values, files)
            raise ValidationFailed(
                f"申请未提交：共 {len(problems)} 处需要补充或更正（已一次性列出）",
                f"not submitted: {len(problems)} problems to fix (all listed at once)",
                errors=problems,
            )
        consent = form.get("consent") == "1"
        account = citizen.account_of(request, session)  # a /my session opened with its password
        if form.get("step") == "prefill":
            return _prefilled(request, session, principal, account, version, form, applicant, consent)
        done = service.submit(
            session,
            account,
            version,
            applicant,
            values,
            (),
            agent=agent,
            files=files,
            consent=consent,
            language=lang,
        )
    except DomainError as exc:
        return _refused(request, session, principal, code, form, exc, lang)
    return RedirectResponse(f"/services/submitted/{done.case.number}", status_code=303)


def _prefilled(
    request: Request,
    session: Any,
    principal: Any,
    account: Any,
    version: Any,
    form: dict[str, str],
    applicant: s.ApplicantIn,
    consent: bool,
) -> Response:
    """免提交 step: with the applicant's consent, read what shared data and the certificate
    library hold (``service.preview``: each read logged), fill the blank form fields and show
    which materials need no upload; the applicant checks and submits (their confirmation).
    Online, a person's data is read only for the verified identity of the citizen's account
    (``services.prefill``)."""
    got = service.preview(
        session, account, s.PrefillIn(item=version.implementation_code, applicant=applicant, consent=consent)
    )
    filled = dict(form)
    for code, value in got.fields.items():
        if not filled.get(f"form.{code}"):
            filled[f"form.{code}"] = value
    ctx = _apply_context(session, version.implementation_code, filled, principal)
    ctx["provided"] = got.materials
    ctx["prefilled"] = sorted(got.fields)
    ctx["prefill_done"] = True
    return render(request, "services/apply.html", ctx, principal=principal)


_REQUIRED = {
    "applicant.name": ("请填写申请人名称（姓名）", "the applicant's name is required"),
    "applicant.id_number": ("请填写证件号码", "the ID number or credit code is required"),
    "applicant.phone": ("请填写正确的联系电话", "give a valid phone number"),
    "agent.name": ("请填写代理人姓名", "the agent's name is required"),
    "agent.id_number": ("请填写代理人公民身份号码", "the agent's ID number is required"),
}


def _people(form: dict[str, str]) -> tuple[s.ApplicantIn | None, s.AgentIn | None, list[FieldProblem]]:
    """The applicant and agent from the form, or the problems of their fields."""
    problems: list[FieldProblem] = []
    applicant = agent = None
    try:
        applicant = s.ApplicantIn(
            type=ApplicantType(form.get("applicant.type") or ApplicantType.PERSON.value),
            name=form.get("applicant.name", ""),
            id_number=form.get("applicant.id_number", ""),
            phone=form.get("applicant.phone") or None,
        )
    except (ValidationError, ValueError) as exc:
        problems += _named(exc, "applicant")
    if form.get("agent.name") or form.get("agent.id_number"):
        try:
            agent = s.AgentIn(name=form.get("agent.name", ""), id_number=form.get("agent.id_number", ""))
        except ValidationError as exc:
            problems += _named(exc, "agent")
    return applicant, agent, problems


def _named(exc: Exception, prefix: str) -> list[FieldProblem]:
    errors = exc.errors() if isinstance(exc, ValidationError) else [{"loc": ("type",)}]
    out = []
    for e in errors:
        field = f"{prefix}.{e['loc'][0]}" if e["loc"] else prefix
        zh, en = _REQUIRED.get(field, ("此项无效", f"{field} is invalid"))
        out.append(FieldProblem(field, zh, en))
    return out


def _refused(
    request: Request,
    session: Any,
    principal: Any,
    code: str,
    form: dict[str, str],
    exc: DomainError,
    lang: str,
) -> Response:
    session.rollback()  # nothing of a refused application is kept (its files are deleted too)
    try:
        ctx = _apply_context(session, code[:40], form, principal)
    except DomainError as closed:
        ctx = {"error": closed.en if lang == "en" else closed.zh}
        return render(
            request, "services/apply_closed.html", ctx, status_code=closed.status, principal=principal
        )
    ctx |= problems_context(exc, lang)
    status = 413 if exc.status == 413 else 409 if exc.status == 409 else 422
    return render(request, "services/apply.html", ctx, status_code=status, principal=principal)


@router.get("/services/submitted/{number}")
def submitted(request: Request, principal: MaybeStaff, number: str) -> Response:
    return render(request, "services/submitted.html", {"number": number[:20]}, principal=principal)


@router.get("/services/track")
def track_page(request: Request, principal: MaybeStaff) -> Response:
    return render(request, "services/track.html", {"form": {}, "tracked": None}, principal=principal)


@router.post("/services/track", dependencies=[Depends(csrf.verify)])
def track(request: Request, session: DbSession, principal: MaybeStaff, posted: Posted) -> Response:
    lang = i18n.lang_of(request)
    form = {k: str(posted.get(k) or "")[:40] for k in ("number", "id_number")}
    ctx: dict[str, Any] = {"form": form, "tracked": None}
    status = 200
    try:
        ctx["tracked"] = views.track(session, form["number"], form["id_number"])
    except DomainError as exc:
        ctx["error"] = exc.en if lang == "en" else exc.zh
        status = exc.status
    return render(request, "services/track.html", ctx, status_code=status, principal=principal)


@router.get("/services/my")
def mine(request: Request, session: DbSession, principal: MaybeStaff) -> Response:
    phone = citizen.phone_of(request, session)
    if phone is None:
        return RedirectResponse(citizen.LOGIN_URL, status_code=303)
    rows = views.mine(session, phone=phone)
    return render(request, "services/my.html", {"rows": rows}, principal=principal)


def _pdf(request: Request, session: Any, number: str, **who: Any) -> Response:
    body = printing.download(
        session, number, base_url=str(request.base_url).rstrip("/"), lang=i18n.lang_of(request), **who
    )
    return Response(body, media_type="application/pdf", headers=printing.headers(number))


@router.post("/services/track/certificate", dependencies=[Depends(csrf.verify)])
def track_certificate(
    request: Request, session: DbSession, principal: MaybeStaff, posted: Posted
) -> Response:
    """The applicant's certificate as a PDF from the tracking page: the number and ID number are
    checked again (a POST: the ID number never travels in a URL)."""
    lang = i18n.lang_of(request)
    form = {k: str(posted.get(k) or "")[:40] for k in ("number", "id_number")}
    try:
        tracked = views.track(session, form["number"], form["id_number"])
        if not tracked.certificate_number:
            raise NotFound("该办件尚无电子证照", "this application has no certificate yet", field="number")
        return _pdf(request, session, tracked.certificate_number, holder_proved=True)
    except DomainError as exc:
        ctx = {"form": form, "tracked": None, "error": exc.en if lang == "en" else exc.zh}
        return render(request, "services/track.html", ctx, status_code=exc.status, principal=principal)


@router.get("/services/my/certificate")
def my_certificate(request: Request, session: DbSession, n: str = "") -> Response:
    """我的办件: the signed-in applicant's certificate as a PDF (only one their application
    resulted in; anyone else: 404)."""
    phone = citizen.phone_of(request, session)
    if phone is None:
        return RedirectResponse(citizen.LOGIN_URL, status_code=303)
    return _pdf(request, session, n[:80], holder_phone=phone)
