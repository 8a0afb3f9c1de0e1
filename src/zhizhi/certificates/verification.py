"""Public verification of a certificate, by number (and the QR's check code) or by the document
a holder presents: valid / expired / not yet valid / revoked / signature invalid / unknown, with
the reasons why. Public answers carry masked holder data only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.certificates import repository as repo
from zhizhi.certificates import service, signing
from zhizhi.certificates import status as status_rules
from zhizhi.certificates.enums import OUTCOME_LABELS, TYPES, Outcome, TrustGrade
from zhizhi.certificates.models import Certificate
from zhizhi.core import clock

REASONS: dict[str, tuple[str, str]] = {
    "unknown_number": ("证照库中没有这个编号", "no certificate with this number is on record"),
    "record_altered": (
        "证照库中的记录与签发时的摘要不符（记录被改动）",
        "the record no longer matches the digest taken at issue (the record was altered)",
    ),
    "code_mismatch": (
        "二维码校验码与登记的证照不符（证照被伪造或改动）",
        "the QR code's check code does not match the registered certificate (forged or altered)",
    ),
    "unknown_key": ("签名密钥未登记", "the signing key is not registered"),
    "foreign_key": (
        "签名密钥不属于发证部门",
        "the signing key does not belong to the issuing department",
    ),
    "bad_signature": (
        "SM2 签名验证失败：内容被改动或签名不是发证部门所签",
        "the SM2 signature does not verify: the content was changed or the issuer did not sign it",
    ),
    "missing_signature": ("A 级证照缺少签名", "a grade-A certificate carries no signature"),
    "differs_from_registry": (
        "所出示证照与证照库登记不一致：{fields}",
        "the presented certificate differs from the register: {fields}",
    ),
    "signature_ok": (
        "SM2 签名有效，由发证部门密钥 {key} 签署",
        "SM2 signature valid, signed by issuer key {key}",
    ),
    "unsigned": (
        "{grade} 级证照无电子签章，已核对证照库登记信息",
        "grade {grade} carries no electronic seal; checked against the register",
    ),
    "revoked": ("已于 {at} 注销：{reason}", "revoked on {at}: {reason}"),
    "expired": ("有效期至 {to}，已过期", "valid until {to}: expired"),
    "not_yet_valid": ("自 {start} 起生效", "valid from {start}"),
    "in_validity": ("在有效期内", "within its validity"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    zh: str
    en: str


def _reason(code: str, **kw: Any) -> Reason:
    zh, en = REASONS[code]
    return Reason(code, zh.format(**kw), en.format(**kw))


_CONFIRMATIONS = frozenset({"signature_ok", "unsigned", "in_validity"})  # reasons that say "fine"


@dataclass(slots=True)
class Verification:
    number: str
    outcome: Outcome
    reasons: list[Reason] = field(default_factory=list)
    certificate: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        zh, en = OUTCOME_LABELS[self.outcome]
        return {
            "outcome": self.outcome.value,
            "outcome_label": {"zh": zh, "en": en},
            "reasons": [{"code": r.code, "zh": r.zh, "en": r.en} for r in self.reasons],
            "number": self.number,
            "certificate": self.certificate,
        }

    def as_contract(self) -> dict[str, Any]:
        """``{"valid": bool, "reason": …}`` (issue 14's contract) with the full answer beside."""
        main = next((r for r in self.reasons if r.code not in _CONFIRMATIONS), None)
        if main is None:
            main = self.reasons[0] if self.reasons else None
        reason = {"code": main.code, "zh": main.zh, "en": main.en} if main else None
        if reason is None:
            zh, en = OUTCOME_LABELS[self.outcome]
            reason = {"code": self.outcome.value, "zh": zh, "en": en}
        return {"valid": self.outcome is Outcome.VALID, "reason": reason} | self.as_dict()


def public_view(cert: Certificate) -> dict[str, Any]:
    """What anyone may see of a certificate: no unmasked personal data."""
    name, holder_id = service.masked_holder(cert)
    kind = TYPES[cert.type]
    return {
        "number": cert.number,
        "type": cert.type,
        "type_name": {"zh": kind.name, "en": kind.name_en},
        "holder": {"kind": cert.holder_kind, "name": name, "id": holder_id},
        "issuer": {"code": cert.issuer_code, "name": cert.issuer_name},
        "jurisdiction": cert.jurisdiction,
        "valid_from": cert.valid_from.isoformat(),
        "valid_to": cert.valid_to.isoformat() if cert.valid_to else None,
        "grade": cert.grade,
        "status": service.effective_status(cert).value,
        "key_id": cert.key_id,
    }


def _signature_reasons(
    session: Session,
    cert_payload: dict[str, Any],
    issuer_id: int | None,
    key_id: str | None,
    signature: str | None,
) -> list[Reason]:
    """Failures of an A-grade signature over ``cert_payload`` (empty: it verifies)."""
    if not signature or not key_id:
        return [_reason("missing_signature")]
    row = repo.key(session, key_id)
    if row is None:
        return [_reason("unknown_key")]
    if issuer_id is not None and row.department_id != issuer_id:
        return [_reason("foreign_key")]
    if not signing.verify_cached(row.public_key, signing.canonical(cert_payload), signature):
        return [_reason("bad_signature")]
    return []


def _record(session: Session, cert: Certificate, code: str | None) -> Verification:
    """Check the registered certificate itself, then its status and validity."""
    result = Verification(cert.number, Outcome.VALID, certificate=public_view(cert))
    current = service.payload(cert)
    failures: list[Reason] = []
    if signing.digest(current) != cert.digest:
        failures.append(_reason("record_altered"))
    if code is not None and code.lower() != signing.check_code(cert.digest):
        failures.append(_reason("code_mismatch"))
    if cert.grade == TrustGrade.A:
        failures += _signature_reasons(session, current, cert.issuer_id, cert.key_id, cert.signature)
    if failures:
        result.outcome, result.reasons = Outcome.SIGNATURE_INVALID, failures
        return result
    if cert.grade == TrustGrade.A:
        result.reasons.append(_reason("signature_ok", key=cert.key_id))
    else:
        result.reasons.append(_reason("unsigned", grade=cert.grade))
    outcome = status_rules.validity_outcome(cert.status, cert.valid_from, cert.valid_to, clock.today_local())
    if outcome is Outcome.REVOKED:
        at = clock.to_local(cert.revoked_at).strftime("%Y-%m-%d") if cert.revoked_at else ""
        result.outcome = Outcome.REVOKED
        result.reasons.append(_reason("revoked", at=at, reason=cert.revoke_reason or ""))
    elif outcome is Outcome.EXPIRED:
        result.outcome = Outcome.EXPIRED
        result.reasons.append(_reason("expired", to=cert.valid_to))
    elif outcome is Outcome.NOT_YET_VALID:
        result.outcome = Outcome.NOT_YET_VALID
        result.reasons.append(_reason("not_yet_valid", start=cert.valid_from))
    else:
        result.reasons.append(_reason("in_validity"))
    return result


def _storable(number: str) -> bool:
    """A number that could be in the library (no NUL, no lone surrogate): others are unknown
    without asking the database, which would refuse them."""
    try:
        number.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in number


def verify_number(session: Session, number: str, code: str | None = None) -> Verification:
    """By number, with the check code when it comes from the certificate's QR."""
    if not _storable(number):
        return Verification("", Outcome.UNKNOWN, [_reason("unknown_number")])
    cert = repo.by_number(session, number.strip())
    if cert is None:
        return Verification(number.strip(), Outcome.UNKNOWN, [_reason("unknown_number")])
    return _record(session, cert, code)


def _differences(presented: dict[str, Any], registered: dict[str, Any]) -> list[str]:
    names = []
    for key in sorted(set(presented) | set(registered)):
        a, b = presented.get(key), registered.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            names += [f"{key}.{k}" for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        elif a != b:
            names.append(key)
    return names


def verify_document(
    session: Session, payload: dict[str, Any], signature: str | None, key_id: str | None
) -> Verification:
    """A presented document: its own signature (grade A, by the issuer's registered key), then
    that it says what the register says, then the register's record as by number."""
    number = str(payload.get("number") or "")[:80]
    cert = repo.by_number(session, number) if number and _storable(number) else None
    if cert is None:
        return Verification(number if _storable(number) else "", Outcome.UNKNOWN, [_reason("unknown_number")])
    failures: list[Reason] = []
    if payload.get("grade") == TrustGrade.A or cert.grade == TrustGrade.A:
        failures += _signature_reasons(session, payload, cert.issuer_id, key_id, signature)
    differing = _differences(payload, service.payload(cert))
    if differing:
        failures.append(_reason("differs_from_registry", fields=", ".join(differing[:10])))
    if failures:
        return Verification(cert.number, Outcome.SIGNATURE_INVALID, failures, public_view(cert))
    return _record(session, cert, None)
