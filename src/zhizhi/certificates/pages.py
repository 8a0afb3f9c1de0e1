"""Certificate pages: the issuing department's list, issue form and certificate page (QR,
revoke), and the public verification page. Handlers parse the form and call the service."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from starlette.responses import Response

from zhizhi.certificates import printing, qr, service, verification
from zhizhi.certificates.enums import GRADE_LABELS, STATUS_LABELS, TYPES, HolderKind, TrustGrade
from zhizhi.certificates.models import Certificate
from zhizhi.certificates.schemas import IssueIn
from zhizhi.certificates.signing import check_code
from zhizhi.core.errors import DomainError, Forbidden, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.ui import csrf, i18n
from zhizhi.ui.forms import FormErrors, Posted
from zhizhi.ui.session import MaybeStaff, Staff
from zhizhi.ui.templating import render

router = APIRouter(include_in_schema=False)
NumberQ = Annotated[str, Query(alias="n", max_length=80)]


def _issuer(principal: Principal) -> None:
    if not principal.can(Permission.CERT_ISSUE):
        raise Forbidden(
            "证照签发仅对发证部门工作人员开放", "certificate issuing is for issuing departments' staff"
        )


def _row(cert: Certificate, principal: Principal) -> dict[str, Any]:
    unmasked = principal.can(Permission.PERSONAL_READ)
    name, holder_id = (cert.holder_name, cert.holder_id) if unmasked else service.masked_holder(cert)
    status = service.effective_status(cert)
    return {
        "c": cert,
        "type": TYPES[cert.type],
        "holder_name": name,
        "holder_id": holder_id,
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "grade_label": GRADE_LABELS[TrustGrade(cert.grade)],
        "check_code": check_code(cert.digest),
        "href": "/certificates/view?" + urlencode({"n": cert.number}),
    }


@router.get("/certificates")
def list_page(request: Request, session: DbSession, principal: Staff) -> Response:
    _issuer(principal)
    rows = [_row(c, principal) for c in service.list_issued(session, principal, limit=500)]
    return render(request, "certificates/list.html", {"rows": rows}, principal=principal)


def _issue_context(type_code: str) -> dict[str, Any]:
    kind = TYPES.get(type_code) or next(iter(TYPES.values()))
    return {
        "types": [(t.code, (t.name, t.name_en)) for t in TYPES.values()],
        "kind": kind,
        "grades": [(g.value, lbl) for g, lbl in GRADE_LABELS.items()],
        "holder_kinds": [HolderKind.PERSON.value, HolderKind.ORGANISATION.value],
    }


@router.get("/certificates/new")
def issue_page(
    request: Request, principal: Staff, type: Annotated[str, Query(max_length=40)] = "business_licence"
) -> Response:
    _issuer(principal)
    ctx = _issue_context(type)
    ctx["form"] = {"type": ctx["kind"].code, "grade": "A", "valid_from": service.today().isoformat()}
    return render(request, "certificates/issue.html", ctx, principal=principal)


def _body(form: Any, kind_code: str) -> dict[str, Any]:
    kind = TYPES.get(kind_code)
    fields = {name: str(form.get(f"field-{i}", "")) for i, name in enumerate(kind.fields)} if kind else {}
    return {
        "type": kind_code,
        "number": str(form.get("number", "")),
        "holder": {
            "kind": str(form.get("holder_kind", "")) or None,
            "name": str(form.get("holder_name", "")),
            "id": str(form.get("holder_id", "")),
        },
        "valid_from": str(form.get("valid_from", "")) or None,
        "valid_to": str(form.get("valid_to", "")) or None,
        "jurisdiction": str(form.get("jurisdiction", "")) or None,
        "fields": {k: v for k, v in fields.items() if v.strip()},
        "grade": str(form.get("grade", "A")),
    }


@router.post("/certificates/new", dependencies=[Depends(csrf.verify)])
def issue_submit(request: Request, session: DbSession, principal: Staff, form: Posted) -> Response:
    _issuer(principal)
    type_code = str(form.get("type", ""))[:40]
    lang = i18n.lang_of(request)
    errors = FormErrors(lang)
    try:
        body = IssueIn.model_validate(_body(form, type_code))
        cert = service.issue(session, principal, body)
    except ValidationError as exc:
        errors.from_validation(exc)
    except DomainError as exc:
        session.rollback()  # nothing of a refused issue is kept (a lost race leaves a failed flush)
        errors.from_domain(exc)
    else:
        return RedirectResponse("/certificates/view?" + urlencode({"n": cert.number, "done": "issued"}), 303)
    ctx = _issue_context(type_code) | {"errors": errors, "form": dict(form)}
    return render(request, "certificates/issue.html", ctx, status_code=422, principal=principal)


@router.get("/certificates/view")
def view_page(
    request: Request, session: DbSession, principal: Staff, number: NumberQ, done: str = ""
) -> Response:
    cert = service.read(session, principal, number)
    own = principal.can(Permission.CERT_ISSUE) and (
        principal.role.value == "admin" or cert.issuer_id == principal.department_id
    )
    ctx = {
        "r": _row(cert, principal),
        "own": own,
        "done": done if done in ("issued", "revoked") else "",
        "verify_url": qr.verify_url(str(request.base_url), cert),
        "qr_src": "/certificates/qr.svg?" + urlencode({"n": cert.number}),
        "pdf_href": "/certificates/pdf?" + urlencode({"n": cert.number}) if own else "",
    }
    return render(request, "certificates/view.html", ctx, principal=principal)


@router.get("/certificates/qr.svg")
def qr_page(request: Request, session: DbSession, principal: Staff, number: NumberQ) -> Response:
    cert = service.read(session, principal, number)
    return Response(qr.image(qr.verify_url(str(request.base_url), cert)), media_type="image/svg+xml")


@router.get("/certificates/pdf")
def pdf_page(request: Request, session: DbSession, principal: Staff, number: NumberQ) -> Response:
    """The certificate as a PDF for staff of the issuing department (audited; docs/certificates.md)."""
    body = printing.download(
        session,
        number,
        base_url=str(request.base_url).rstrip("/"),
        lang=i18n.lang_of(request),
        principal=principal,
    )
    return Response(body, media_type="application/pdf", headers=printing.headers(number))


@router.post("/certificates/revoke", dependencies=[Depends(csrf.verify)])
def revoke_submit(request: Request, session: DbSession, principal: Staff, form: Posted) -> Response:
    number = str(form.get("number", ""))[:80]
    reason = str(form.get("reason", "")).strip()
    errors = FormErrors(i18n.lang_of(request))
    try:
        if len(reason) < 2 or len(reason) > 500:
            raise ValidationFailed(
                "请填写注销原因（2–500 字）", "give the reason (2–500 characters)", field="reason"
            )
        service.revoke(session, principal, number, reason)
    except DomainError as exc:
        session.rollback()
        errors.from_domain(exc)
        cert = service.read(session, principal, number)
        ctx = {
            "r": _row(cert, principal),
            "own": True,
            "done": "",
            "errors": errors,
            "form": {"reason": reason},
            "verify_url": qr.verify_url(str(request.base_url), cert),
            "qr_src": "/certificates/qr.svg?" + urlencode({"n": cert.number}),
        }
        return render(request, "certificates/view.html", ctx, status_code=422, principal=principal)
    return RedirectResponse("/certificates/view?" + urlencode({"n": number, "done": "revoked"}), 303)


@router.get("/verify")
def verify_page(
    request: Request,
    session: DbSession,
    principal: MaybeStaff,
    n: Annotated[str, Query(max_length=80)] = "",
    c: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """Public: verify by number (typed) or by the QR's link (number + check code)."""
    result = verification.verify_number(session, n, c or None).as_dict() if n.strip() else None
    return render(
        request,
        "certificates/verify.html",
        {"result": result, "form": {"n": n}, "by_qr": bool(c)},
        principal=principal,
    )
