"""The use case "download a certificate as a PDF" and who may: the holder (proved by the
capability that knows them: an applicant's own application, see ``add_holder_check``) or staff of
the issuing department (an administrator too). Every download is audited as a read of personal
data (``certificates.pdf``). Flushes, never commits.

Masking: the holder gets their own certificate whole (it is the document they will present);
staff get it as they see it on screen, a person's name and ID number masked unless they hold
``personal:read`` (docs/certificates.md, "The PDF")."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from zhizhi.certificates import pdf, qr, service, signing
from zhizhi.certificates import repository as repo
from zhizhi.certificates.enums import TYPES
from zhizhi.certificates.models import Certificate
from zhizhi.core import audit, clock
from zhizhi.core.errors import Forbidden, NotFound
from zhizhi.core.masking import mask_phone
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal

# (session, a signed-in citizen's phone, certificate number) -> is that citizen its holder?
HolderCheck = Callable[[Session, str, str], bool]
_holder_checks: list[HolderCheck] = []


def add_holder_check(check: HolderCheck) -> None:
    """Installed by a capability that knows holders (services: the applicant of the application
    the certificate resulted from); certificates itself knows no citizen accounts."""
    if check not in _holder_checks:
        _holder_checks.append(check)


def is_holder(session: Session, phone: str | None, number: str) -> bool:
    return bool(phone) and any(check(session, str(phone), number) for check in _holder_checks)


def _not_found(number: str) -> NotFound:
    return NotFound(f"证照 {number[:80]} 不存在", f"certificate {number[:80]} not found", field="number")


def staff_may(principal: Principal, cert: Certificate) -> bool:
    return principal.role is Role.ADMIN or (
        principal.department_id is not None and cert.issuer_id == principal.department_id
    )


def sheet(cert: Certificate, base_url: str, *, unmasked: bool) -> pdf.Sheet:
    name, holder_id = (cert.holder_name, cert.holder_id) if unmasked else service.masked_holder(cert)
    kind = TYPES.get(cert.type)
    return pdf.Sheet(
        number=cert.number,
        type_name=kind.name if kind else cert.type,
        type_name_en=kind.name_en if kind else cert.type,
        holder_kind=cert.holder_kind,
        holder_name=name,
        holder_id=holder_id,
        issuer_name=cert.issuer_name,
        jurisdiction=cert.jurisdiction,
        valid_from=cert.valid_from,
        valid_to=cert.valid_to,
        issued_at=service.issued_at_local(cert),
        fields=dict(cert.fields or {}),
        grade=cert.grade,
        key_id=cert.key_id,
        signature=cert.signature,
        check_code=signing.check_code(cert.digest),
        status=service.effective_status(cert).value,
        verify_url=qr.verify_url(base_url, cert),
        generated_at=clock.to_local(clock.now()),
    )


def download(
    session: Session,
    number: str,
    *,
    base_url: str,
    lang: str = "zh",
    principal: Principal | None = None,
    holder_phone: str | None = None,
    holder_proved: bool = False,
) -> bytes:
    """The PDF of certificate ``number`` for its holder (a signed-in citizen the holder checks
    recognise, or ``holder_proved``: the caller checked the holder's own ID number, as public
    tracking does) or staff of the issuing department; 404 to anyone else who is not staff (existence
    is not told), 403 to staff of another department."""
    number = number.strip()[:80]
    cert = repo.by_number(session, number)
    if cert is None:
        raise _not_found(number)
    if holder_proved:
        unmasked, via, actor = True, "tracking", audit.Actor(None, "citizen:tracking")
    elif is_holder(session, holder_phone, cert.number):
        unmasked, via, actor = True, "holder", audit.Actor(None, f"citizen:{mask_phone(holder_phone or '')}")
    elif principal is not None and staff_may(principal, cert):
        unmasked, via, actor = principal.can(Permission.PERSONAL_READ), "staff", principal.actor
    elif principal is not None:
        raise Forbidden(
            "仅持证人或发证部门可下载该证照", "only the holder or the issuing department may download it"
        )
    else:
        raise _not_found(number)
    body = pdf.render(sheet(cert, base_url, unmasked=unmasked), lang)
    audit.record(
        session,
        "certificates.pdf",
        actor,
        object_type="certificate",
        object_id=cert.number,
        **{"via": via, "unmasked": unmasked, "lang": lang},
    )
    return body


def headers(number: str) -> dict[str, str]:
    """HTTP headers of a download: an attachment named after the number (ASCII only), not cached."""
    safe = "".join(c for c in number if c.isascii() and (c.isalnum() or c in "-_"))[:80] or "certificate"
    return {
        "Content-Disposition": f'attachment; filename="certificate-{safe}.pdf"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
