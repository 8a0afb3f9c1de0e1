"""The certificate API: issue, revoke, read, the shared lookup (免提交), public verification."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from zhizhi.certificates import printing, qr, service, verification
from zhizhi.certificates.enums import TYPES, HolderKind, TrustGrade
from zhizhi.certificates.models import Certificate
from zhizhi.certificates.schemas import (
    CertificateOut,
    DocumentIn,
    HolderOut,
    IssueIn,
    LookupIn,
    RevokeIn,
    VerificationOut,
)
from zhizhi.certificates.signing import check_code
from zhizhi.core.errors import Forbidden
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.http.deps import DbSession
from zhizhi.org.deps import CurrentPrincipal, OptionalPrincipal, require
from zhizhi.ui import citizen, i18n

router = APIRouter(prefix="/api/v1/certificates", tags=["certificates 电子证照"])
Number = Annotated[str, Path(min_length=1, max_length=80)]
Issuer = Annotated[Principal, Depends(require(Permission.CERT_ISSUE))]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def to_out(cert: Certificate, principal: Principal, base: str) -> CertificateOut:
    unmasked = principal.can(Permission.PERSONAL_READ)
    name, holder_id = (cert.holder_name, cert.holder_id) if unmasked else service.masked_holder(cert)
    return CertificateOut(
        number=cert.number,
        type=cert.type,
        type_name=TYPES[cert.type].name,
        holder=HolderOut(kind=HolderKind(cert.holder_kind), name=name, id=holder_id, masked=not unmasked),
        issuer={"code": cert.issuer_code, "name": cert.issuer_name},
        jurisdiction=cert.jurisdiction,
        valid_from=cert.valid_from,
        valid_to=cert.valid_to,
        issued_at=cert.issued_at,
        fields=cert.fields,
        grade=TrustGrade(cert.grade),
        status=service.effective_status(cert),
        check_code=check_code(cert.digest),
        key_id=cert.key_id,
        signature=cert.signature,
        revoked_at=cert.revoked_at,
        revoke_reason=cert.revoke_reason,
        verify_url=qr.verify_url(base, cert),
    )


@router.get("/types", summary="Certificate types 证照类型")
def types() -> list[dict[str, Any]]:
    return [
        {
            "code": t.code,
            "name": t.name,
            "name_en": t.name_en,
            "holder_kind": t.holder_kind.value,
            "any_holder": t.any_holder,
            "fields": list(t.fields),
        }
        for t in TYPES.values()
    ]


@router.get("/keys", summary="Issuers' SM2 public keys 发证部门公钥")
def public_keys(session: DbSession) -> list[dict[str, Any]]:
    return service.public_keys(session)


@router.post("/keys", status_code=201, summary="New signing key for a department 生成部门签名密钥")
def create_key(
    session: DbSession,
    principal: Annotated[Principal, Depends(require(Permission.ORG_MANAGE))],
    department: Annotated[str, Query(min_length=1, max_length=40)],
) -> dict[str, Any]:
    row = service.create_key(session, department, principal.actor)
    return {"key_id": row.key_id, "department": department, "public_key": row.public_key}


@router.get("/verify", response_model=VerificationOut, summary="Verify by number (and QR code) 证照核验")
def verify(
    session: DbSession,
    number: Annotated[str, Query(min_length=1, max_length=80)],
    code: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Public: valid / expired / not_yet_valid / revoked / signature_invalid / unknown, and why."""
    return verification.verify_number(session, number, code).as_dict()


@router.post("/verify", response_model=VerificationOut, summary="Verify a presented document 核验证照文件")
def verify_document(session: DbSession, body: DocumentIn) -> dict[str, Any]:
    return verification.verify_document(session, body.payload, body.signature, body.key_id).as_dict()


@router.post("/lookup", response_model=list[CertificateOut], summary="A holder's certificates (免提交)")
def lookup(
    request: Request,
    session: DbSession,
    body: LookupIn,
    principal: Annotated[Principal, Depends(require(Permission.CERT_READ))],
) -> list[CertificateOut]:
    rows = service.lookup_for_holder(
        session, body.holder_id, body.types, reader=principal, purpose=body.purpose
    )
    return [to_out(c, principal, base_url(request)) for c in rows]


@router.get("", response_model=list[CertificateOut], summary="Certificates my department issued 本部门发证")
def list_issued(
    request: Request,
    session: DbSession,
    principal: Issuer,
    type: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[CertificateOut]:
    rows = service.list_issued(session, principal, type_code=type, limit=limit)
    return [to_out(c, principal, base_url(request)) for c in rows]


@router.post("", response_model=CertificateOut, status_code=201, summary="Issue a certificate 签发证照")
def issue(request: Request, session: DbSession, body: IssueIn, principal: Issuer) -> CertificateOut:
    return to_out(service.issue(session, principal, body), principal, base_url(request))


@router.get("/{number}", response_model=CertificateOut, summary="One certificate (staff) 证照详情")
def read(request: Request, session: DbSession, number: Number, principal: CurrentPrincipal) -> CertificateOut:
    return to_out(service.read(session, principal, number), principal, base_url(request))


@router.get("/{number}/verify", summary="Is this certificate valid? 证照是否有效 (no login)")
def verify_short(
    session: DbSession, number: Number, code: Annotated[str | None, Query(max_length=64)] = None
) -> dict[str, Any]:
    """Public, no login: ``{"valid": bool, "reason": {"code", "zh", "en"}, "outcome", "reasons",
    "certificate"}`` — the verification by number of ``GET /verify`` with its answer folded into
    ``valid`` and the first reason (the reasons say why: revoked, expired, signature…)."""
    return verification.verify_number(session, number, code).as_contract()


@router.get("/{number}/document", summary="The signed document 证照文件（含签名）")
def document(session: DbSession, number: Number, principal: CurrentPrincipal) -> dict[str, Any]:
    """The payload with its signature, as a holder's electronic copy (full holder data: only for
    readers with personal:read)."""
    cert = service.read(session, principal, number)
    if not principal.can(Permission.PERSONAL_READ):
        raise Forbidden("导出证照文件需要个人信息查看权限", "exporting the document needs personal:read")
    return service.document(cert)


@router.get("/{number}/qr", summary="The verification QR code 核验二维码")
def qr_code(
    request: Request,
    session: DbSession,
    number: Number,
    principal: CurrentPrincipal,
    format: Annotated[Literal["svg", "png"], Query()] = "svg",
) -> Response:
    cert = service.read(session, principal, number)
    media = "image/svg+xml" if format == "svg" else "image/png"
    return Response(qr.image(qr.verify_url(base_url(request), cert), format), media_type=media)


@router.get(
    "/{number}/pdf",
    summary="The certificate as a PDF with the verification QR 证照PDF（含核验二维码）",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def pdf_file(
    request: Request,
    session: DbSession,
    number: Number,
    principal: OptionalPrincipal,
    lang: Annotated[Literal["zh", "en"] | None, Query()] = None,
) -> Response:
    """For the holder (a citizen signed in at /my whose application resulted in it) or staff of
    the issuing department; audited. The signed document (``/document``) stays the authority."""
    body = printing.download(
        session,
        number,
        base_url=base_url(request),
        lang=lang or i18n.lang_of(request),
        principal=principal,
        holder_phone=citizen.phone_of(request, session),
    )
    return Response(body, media_type="application/pdf", headers=printing.headers(number))


@router.post("/{number}/revoke", response_model=CertificateOut, summary="Revoke with a reason 注销证照")
def revoke(
    request: Request, session: DbSession, number: Number, body: RevokeIn, principal: Issuer
) -> CertificateOut:
    return to_out(service.revoke(session, principal, number, body.reason), principal, base_url(request))
