"""Certificate rules, one function per use case: signing keys, issue, revoke, staff reads and the
shared lookup (免提交). Verification is in ``certificates.verification``. Flushes, never commits."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.addresses.divisions import is_valid_code
from zhizhi.certificates import repository as repo
from zhizhi.certificates import signing
from zhizhi.certificates import status as status_rules
from zhizhi.certificates.enums import TYPES, CertificateType, HolderKind, Status, TrustGrade
from zhizhi.certificates.holders import check_holder_id, is_valid_id_number, is_valid_uscc
from zhizhi.certificates.models import Certificate, SigningKey
from zhizhi.certificates.schemas import IssueIn
from zhizhi.core import audit, clock
from zhizhi.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from zhizhi.core.masking import mask_id_number, mask_name
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.org import service as org
from zhizhi.org.schemas import DepartmentRef

PAYLOAD_VERSION = 1


def key_store() -> signing.KeyStore:
    return signing.key_store(get_settings().certificate_keys_dir)


def rewrap_signing_keys(keys: Any = None) -> list[str]:
    """Wrap plaintext signing key files and re-wrap the others under the active data key
    (``zhizhi certificates wrap-keys``; ``zhizhi keys rotate`` before retiring a data key)."""
    return key_store().rewrap(keys)


# ---- the signed payload ---------------------------------------------------------------------


def payload(cert: Certificate) -> dict[str, Any]:
    """What is hashed and (grade A) signed: everything the certificate says, not its status."""
    return {
        "v": PAYLOAD_VERSION,
        "number": cert.number,
        "type": cert.type,
        "holder": {"kind": cert.holder_kind, "name": cert.holder_name, "id": cert.holder_id},
        "issuer": {"code": cert.issuer_code, "name": cert.issuer_name},
        "jurisdiction": cert.jurisdiction,
        "valid_from": cert.valid_from.isoformat(),
        "valid_to": cert.valid_to.isoformat() if cert.valid_to else None,
        "issued_at": clock.as_utc(cert.issued_at).isoformat(timespec="seconds"),
        "fields": dict(cert.fields),
        "grade": cert.grade,
        "key_id": cert.key_id,
    }


def document(cert: Certificate) -> dict[str, Any]:
    """The certificate as a holder keeps it: the payload, the signature and its key id."""
    return {"payload": payload(cert), "signature": cert.signature, "key_id": cert.key_id}


def effective_status(cert: Certificate, today: date | None = None) -> Status:
    return status_rules.effective_status(cert.status, cert.valid_to, today or clock.today_local())


def certificate_type(code: str) -> CertificateType:
    kind = TYPES.get(code)
    if kind is None:
        raise ValidationFailed(
            f"未知的证照类型：{code[:40]}", f"unknown certificate type: {code[:40]}", field="type"
        )
    return kind


# ---- signing keys ---------------------------------------------------------------------------


def create_key(session: Session, department_code: str, actor: audit.Actor) -> SigningKey:
    """A new SM2 key pair for the department: the private key into the key store, the public key
    into the database; the department's earlier keys are retired (they still verify)."""
    dept = org.department_by_code(session, department_code)
    private_hex, public_hex = signing.generate_keypair()
    stamp = clock.now().strftime("%Y%m%d")
    prefix = re.sub(r"[^A-Za-z0-9_.-]", "_", dept.code[:20])  # a file name in the key store
    key_id = f"{prefix}-{stamp}-{secrets.token_hex(4)}"
    now = clock.now()
    for old in repo.active_keys(session, dept.id):
        old.retired_at = now
    row = SigningKey(key_id=key_id, department_id=dept.id, public_key=public_hex, created_at=now)
    if not repo.add(session, row):  # pragma: no cover - 8 random bytes in the id
        raise Conflict("密钥编号冲突，请重试", "key id collision, try again", field="department")
    try:
        key_store().write(key_id, dept.code, private_hex, public_hex)
    except OSError as exc:
        raise ServiceUnavailable(
            f"无法写入密钥库（{key_store().directory}）：{exc.strerror}",
            f"cannot write to the key store ({key_store().directory}): {exc.strerror}",
            field="department",
        ) from None
    audit.record(
        session,
        "certificates.key_created",
        actor,
        object_type="certificate_key",
        object_id=key_id,
        **{"department": dept.code, "public_key": public_hex},
    )
    return row


def has_usable_key(session: Session, department_id: int) -> bool:
    """The department has an active key whose private half is in the key store."""
    row = repo.active_key(session, department_id)
    if row is None:
        return False
    try:
        key_store().private_key(row.key_id, row.public_key)
    except DomainError:  # missing or mismatched file: not usable
        return False
    return True


def public_keys(session: Session) -> list[dict[str, Any]]:
    """Every department's public keys (retired ones too), for verifiers outside the platform."""
    depts = org.departments_by_ids(session, sorted({k.department_id for k in repo.keys(session)}))
    return [
        {
            "key_id": k.key_id,
            "department": depts[k.department_id].code,
            "algorithm": "SM2",
            "public_key": k.public_key,
            "pem": signing.public_pem(k.public_key),
            "created_at": k.created_at,
            "retired_at": k.retired_at,
        }
        for k in repo.keys(session)
    ]


def key(session: Session, key_id: str) -> SigningKey | None:
    return repo.key(session, key_id)


# ---- issue and revoke -----------------------------------------------------------------------


def _require(principal: Principal, permission: Permission, zh: str, en: str) -> None:
    if not principal.can(permission):
        raise Forbidden(zh, en, permission=permission.value)


def issuing_department(session: Session, principal: Principal, code: str | None) -> DepartmentRef:
    """The principal's own department; an administrator names one (``department``)."""
    if principal.role is Role.ADMIN and code:
        return org.department_by_code(session, code)
    if code and principal.department_id is not None:
        own = org.department(session, principal.department_id)
        if own is not None and own.code != code:
            raise Forbidden(
                "只能以本部门名义发证",
                "certificates are issued in the name of your own department",
                field="department",
            )
    if principal.department_id is None:
        raise ValidationFailed("请指定发证部门", "name the issuing department", field="department")
    dept = org.department(session, principal.department_id)
    if dept is None:  # pragma: no cover - a principal's department exists
        raise NotFound("部门不存在", "department not found", field="department")
    return dept


def _check_fields(kind: CertificateType, fields: dict[str, str]) -> None:
    missing = [name for name in kind.fields if not fields.get(name, "").strip()]
    if missing:
        raise ValidationFailed(
            f"{kind.name}缺少必填项：{'、'.join(missing)}",
            f"{kind.name_en} lacks required fields: {', '.join(missing)}",
            field=f"fields.{missing[0]}",
        )


def issue(session: Session, principal: Principal, body: IssueIn) -> Certificate:
    """Issue a certificate in the name of the principal's department (grade A: signed with the
    department's SM2 key). 409 for a number in use or an A grade without a key."""
    _require(principal, Permission.CERT_ISSUE, "无权签发证照", "you may not issue certificates")
    kind = certificate_type(body.type)
    holder_kind = body.holder.kind or kind.holder_kind
    if not kind.allows(holder_kind):
        wanted = "自然人" if kind.holder_kind is HolderKind.PERSON else "法人或其他组织"
        raise ValidationFailed(
            f"{kind.name}的持证主体应为{wanted}",
            f"a {kind.name_en} is held by a {kind.holder_kind.value}",
            field="holder.kind",
        )
    holder_id = check_holder_id(holder_kind, body.holder.id, "holder.id")
    if kind.code == "business_licence" and body.number.upper() != holder_id:
        raise ValidationFailed(
            "营业执照的证照编号即统一社会信用代码",
            "a business licence's number is its credit code",
            field="number",
        )
    _check_fields(kind, body.fields)
    if body.valid_to is not None and body.valid_to < body.valid_from:
        raise ValidationFailed("有效期止不能早于有效期起", "valid_to is before valid_from", field="valid_to")
    dept = issuing_department(session, principal, body.department)
    return _issue(session, principal.actor, principal.username, dept, kind, holder_kind, holder_id, body)


def issue_for_department(
    session: Session, department_id: int, actor: audit.Actor, issued_by: str, body: IssueIn
) -> Certificate:
    """Issue in the name of ``department_id`` as the result of a decision another capability made
    (an approved application, docs/services.md): the caller has checked the decider's
    permission; the certificate's own rules (holder, fields, number, signing key) are checked
    here. 409 for an A grade when the department has no signing key."""
    kind = certificate_type(body.type)
    holder_kind = body.holder.kind or kind.holder_kind
    if not kind.allows(holder_kind):
        raise ValidationFailed(
            f"{kind.name}的持证主体类型不符",
            f"a {kind.name_en} is held by a {kind.holder_kind.value}",
            field="holder.kind",
        )
    holder_id = check_holder_id(holder_kind, body.holder.id, "holder.id")
    _check_fields(kind, body.fields)
    if body.valid_to is not None and body.valid_to < body.valid_from:
        raise ValidationFailed("有效期止不能早于有效期起", "valid_to is before valid_from", field="valid_to")
    dept = org.department(session, department_id)
    if dept is None:
        raise NotFound("发证部门不存在", "issuing department not found", field="department")
    return _issue(session, actor, issued_by, dept, kind, holder_kind, holder_id, body)


def validate_holder_id(kind: HolderKind, value: str, field: str) -> str:
    """A resident ID number (自然人) or unified social credit code (法人) normalised, or a 422
    naming ``field`` (GB 11643 / GB 32100 check characters): for other capabilities' forms."""
    return check_holder_id(kind, value, field)


def holder_id_valid(value: str, kind: HolderKind) -> bool:
    return is_valid_id_number(value) if kind is HolderKind.PERSON else is_valid_uscc(value)


def _issue(
    session: Session,
    actor: audit.Actor,
    issued_by: str,
    dept: DepartmentRef,
    kind: CertificateType,
    holder_kind: HolderKind,
    holder_id: str,
    body: IssueIn,
) -> Certificate:
    jurisdiction = body.jurisdiction or dept.division_code
    if not jurisdiction or not is_valid_code(jurisdiction):
        raise ValidationFailed(
            "请填写管辖区划代码（12 位）",
            "give the jurisdiction's 12-digit division code",
            field="jurisdiction",
        )
    if repo.number_exists(session, body.number):
        raise Conflict(
            f"证照编号 {body.number} 已存在", f"certificate number {body.number} exists", field="number"
        )
    signing_key = None
    if body.grade is TrustGrade.A:
        signing_key = repo.active_key(session, dept.id)
        if signing_key is None:
            raise Conflict(
                f"{dept.name}尚无签名密钥，不能签发 A 级证照",
                f"{dept.name} has no signing key: grade A cannot be issued",
                field="grade",
            )
    cert = Certificate(
        number=body.number,
        type=kind.code,
        holder_kind=holder_kind.value,
        holder_name=body.holder.name,
        holder_id=holder_id,
        issuer_id=dept.id,
        issuer_code=dept.code,
        issuer_name=dept.name,
        jurisdiction=jurisdiction,
        valid_from=body.valid_from,
        valid_to=body.valid_to,
        issued_at=clock.now().astimezone(UTC).replace(microsecond=0),
        issued_by=issued_by,
        fields=dict(body.fields),
        grade=body.grade.value,
        key_id=signing_key.key_id if signing_key else None,
        status=Status.VALID.value,
    )
    data = signing.canonical(payload(cert))
    cert.digest = signing.digest(payload(cert))
    if signing_key is not None:
        private_hex = key_store().private_key(signing_key.key_id, signing_key.public_key)
        cert.signature = signing.sign(private_hex, signing_key.public_key, data)
    if not repo.add(session, cert):
        raise Conflict(
            f"证照编号 {body.number} 已存在", f"certificate number {body.number} exists", field="number"
        )
    audit.record(
        session,
        "certificates.issued",
        actor,
        object_type="certificate",
        object_id=cert.number,
        **{"type": cert.type, "grade": cert.grade, "issuer": dept.code, "key_id": cert.key_id},
    )
    return cert


def _own(session: Session, principal: Principal, number: str) -> Certificate:
    cert = repo.by_number(session, number, lock=True)
    if cert is None:
        raise NotFound(f"证照 {number[:80]} 不存在", f"certificate {number[:80]} not found", field="number")
    if principal.role is not Role.ADMIN and cert.issuer_id != principal.department_id:
        raise Forbidden("只能注销本部门签发的证照", "only the issuing department may revoke it")
    return cert


def revoke(session: Session, principal: Principal, number: str, reason: str) -> Certificate:
    _require(principal, Permission.CERT_ISSUE, "无权注销证照", "you may not revoke certificates")
    cert = _own(session, principal, number)
    if not status_rules.can_revoke(cert.status):
        raise Conflict("证照已注销", "the certificate is already revoked", field="number")
    cert.status = Status.REVOKED.value
    cert.revoked_at = clock.now()
    cert.revoked_by = principal.username
    cert.revoke_reason = reason
    session.flush()
    audit.record(
        session,
        "certificates.revoked",
        principal.actor,
        object_type="certificate",
        object_id=cert.number,
        **{"reason": reason},
    )
    return cert


# ---- staff reads ----------------------------------------------------------------------------


def masked_holder(cert: Certificate) -> tuple[str, str]:
    """Holder name and id as people without personal:read see them: a person's name and ID
    number masked; an organisation's name and credit code shown whole (they are public register
    data, 国家企业信用信息公示, and a business licence's number is its credit code)."""
    if cert.holder_kind == HolderKind.ORGANISATION:
        return cert.holder_name, cert.holder_id
    return str(mask_name(cert.holder_name)), str(mask_id_number(cert.holder_id))


def list_issued(
    session: Session, principal: Principal, *, type_code: str | None = None, limit: int = 200
) -> list[Certificate]:
    """The certificates the principal's department issued (an administrator: every one)."""
    _require(principal, Permission.CERT_ISSUE, "无权查看发证记录", "you may not list issued certificates")
    dept_id = None if principal.role is Role.ADMIN else principal.department_id
    if dept_id is None and principal.role is not Role.ADMIN:
        return []
    rows = repo.issued_by(session, dept_id, type_code=type_code, limit=limit)
    if rows and principal.can(Permission.PERSONAL_READ):
        audit.record(
            session,
            "certificates.listed",
            principal.actor,
            object_type="certificate",
            object_id="*",
            **{"count": len(rows)},
        )
    return rows


def read(session: Session, principal: Principal, number: str) -> Certificate:
    """One certificate for staff: the issuing department (cert:issue) or any reader (cert:read);
    every read is audited (it shows the holder)."""
    cert = repo.by_number(session, number)
    if cert is None:
        raise NotFound(f"证照 {number[:80]} 不存在", f"certificate {number[:80]} not found", field="number")
    own = principal.can(Permission.CERT_ISSUE) and (
        principal.role is Role.ADMIN or cert.issuer_id == principal.department_id
    )
    if not own and not principal.can(Permission.CERT_READ):
        raise Forbidden("无权查看该证照", "you may not read this certificate")
    audit.record(
        session,
        "certificates.read",
        principal.actor,
        object_type="certificate",
        object_id=cert.number,
        **{"own_department": own, "unmasked": principal.can(Permission.PERSONAL_READ)},
    )
    return cert


def lookup_for_holder(
    session: Session, holder_id: str, types: list[str], *, reader: Principal, purpose: str
) -> list[Certificate]:
    """The holder's certificates of ``types`` (all types if empty) for a service application
    (免提交): any department's, for a reader with cert:read; every lookup is audited with the
    purpose and the certificates read (the holder's ID number masked in the trail)."""
    _require(reader, Permission.CERT_READ, "无权调用证照共享", "you may not look up certificates")
    for code in types:
        certificate_type(code)
    holder = holder_id.strip().upper()
    if not (is_valid_uscc(holder) or is_valid_id_number(holder)):
        raise ValidationFailed(
            "既不是有效的公民身份号码，也不是有效的统一社会信用代码（校验码不符）",
            "neither a valid resident ID number nor a valid unified social credit code (check character)",
            field="holder_id",
        )
    rows = repo.for_holder(session, holder, sorted(set(types)))
    audit.record(
        session,
        "certificates.lookup",
        reader.actor,
        object_type="certificate_holder",
        object_id=mask_id_number(holder),
        **{
            "purpose": purpose,
            "types": sorted(set(types)),
            "numbers": [c.number for c in rows],
            "issuers": sorted({c.issuer_code for c in rows}),
            "reader_department": reader.department_id,
        },
    )
    return rows


def today() -> date:
    return clock.today_local()


def issued_at_local(cert: Certificate) -> datetime:
    return clock.to_local(cert.issued_at)
