"""The exchange: consuming systems, their bearer tokens (OAuth2 client credentials), the call
itself (grant check, field check, masking, logging) and the logs the owner and the data subject
read.  X-Road style: every call, served or refused, leaves an exchange-log row and an entry in
the tamper-evident audit chain."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.core.crypto import SM3_BACKEND, sm3_hex
from zhizhi.core.errors import Forbidden, NotFound, ValidationFailed
from zhizhi.core.masking import mask_id_number
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.org import service as org
from zhizhi.sharing import adapters, cache, policy, views
from zhizhi.sharing import repository as repo
from zhizhi.sharing.enums import Outcome, Purpose
from zhizhi.sharing.models import AccessToken, Subject
from zhizhi.sharing.schemas import ReadOut
from zhizhi.sharing.service import reject_controls

KEY_PATTERN = re.compile(r"^[0-9A-Za-z\-()（）\u4e00-\u9fff]{1,64}$")  # codes, ID numbers, 不动产权证号


class OAuthError(Exception):
    """An RFC 6749 §5.2 error answer: ``{"error": …, "error_description": …}``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


class ExchangeRefused(Forbidden):
    """403 with the reason (both languages and a machine code); the refusal is already logged."""

    code = "exchange_refused"


@dataclass(frozen=True, slots=True)
class Consumer:
    client_id: str
    department_id: int


# ---- clients and tokens --------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, client_id: str, client_secret: str, cert_sha256: str | None = None
) -> tuple[str, int]:
    """RFC 6749 §4.4: a short-lived bearer for a client that proves its secret — and, when it is
    bound to a client certificate, presents that certificate to the mutual-TLS proxy in front
    (``cert_sha256``: the fingerprint the proxy passed; RFC 8705 §2 in spirit)."""
    if any(ord(c) < 32 for c in client_id + client_secret):
        raise OAuthError("invalid_client", "client authentication failed", 401)
    client = repo.client_by_client_id(session, client_id)
    if client is None or not client.active or not org.verify_password(client.secret_hash, client_secret):
        raise OAuthError("invalid_client", "client authentication failed", 401)
    if not policy.certificate_matches(client.cert_sha256, cert_sha256):
        audit.record(  # committed with the 401 (the endpoint answers, it does not raise)
            session,
            "sharing.token_refused",
            audit.Actor(None, f"client:{client_id}"),
            object_type="sharing_client",
            object_id=client_id,
            reason="certificate_missing" if cert_sha256 is None else "certificate_mismatch",
        )
        raise OAuthError("invalid_client", "the client certificate does not match the registered one", 401)
    ttl = get_settings().sharing_token_ttl_seconds
    token = secrets.token_urlsafe(32)
    repo.add(
        session,
        AccessToken(
            token_hash=_digest(token), client_pk=client.id, expires_at=clock.now() + timedelta(seconds=ttl)
        ),
    )
    audit.record(
        session,
        "sharing.token_issued",
        audit.Actor(None, f"client:{client_id}"),
        object_type="sharing_client",
        object_id=client_id,
    )
    return token, ttl


def consumer_from_token(session: Session, token: str) -> Consumer | None:
    """The consuming system holding this bearer (cached for a few seconds, ``sharing.cache``)."""
    digest, now = _digest(token), clock.now()
    hit = cache.consumer(digest, now)
    if hit is not None:
        return hit
    found = repo.token_client(session, digest, now)
    if found is None:
        return None
    client, expires_at = found
    value = Consumer(client.client_id, client.department_id)
    cache.put_consumer(digest, expires_at, value)
    return value


def _snapshot(session: Session, code: str) -> cache.ResourceSnapshot | None:
    hit = cache.resource(code)
    if hit is not None:
        return hit
    row = repo.resource_by_code(session, code)
    if row is None:
        return None
    views = {
        f.name: policy.FieldView(f.name, f.grade, f.personal, f.mask)
        for f in repo.fields_of(session, [row.id])[row.id]
    }
    snap = cache.ResourceSnapshot(
        row.id,
        row.code,
        row.owner_department_id,
        row.adapter,
        row.adapter_target,
        row.key_field,
        row.subject_field,
        views,
    )
    cache.put_resource(snap)
    return snap


# ---- the data subject ------------------------------------------------------------------------


def subject_digest(id_number: str) -> str:
    """A keyed digest (HMAC-SM3 with the secret key) of an ID number: the exchange log finds a
    person's reads by it, and nobody can read the number back from it."""
    key = get_settings().secret_key.encode()
    message = id_number.strip().upper().encode()
    if SM3_BACKEND == "openssl":
        return hmac.new(key, message, lambda: hashlib.new("sm3")).hexdigest()
    return sm3_hex(key + b"\x00" + message)


def link_subject(session: Session, principal: Principal, username: str, id_number: str) -> Subject:
    """Record a member of the public's verified ID number (实名认证 happens outside Zhizhi)."""
    if not principal.can(Permission.USERS_MANAGE):
        raise Forbidden("无权登记实名信息", "not allowed to record verified identities")
    reject_controls(username, "username")
    user = org.principal_for_username(session, username)
    if user.role != Role.PUBLIC:
        raise ValidationFailed(
            "只能为群众账号登记", "only public accounts have a data-subject identity", field="username"
        )
    row = repo.subject_of_user(session, user.user_id) or Subject(user_id=user.user_id)
    row.subject_digest = subject_digest(id_number)
    row.id_number_masked = mask_id_number(id_number.upper()) or ""
    repo.add(session, row)
    audit.record(
        session,
        "sharing.subject_linked",
        principal.actor,
        object_type="user",
        object_id=user.user_id,
        id_number=row.id_number_masked,
    )
    return row


def is_verified_subject(session: Session, user_id: int, id_number: str) -> bool:
    """Whether ``id_number`` is the verified ID number linked to this member of the public
    (:func:`link_subject`): 免提交 reads a person's data only for that person."""
    row = repo.subject_of_user(session, user_id)
    return row is not None and hmac.compare_digest(row.subject_digest, subject_digest(id_number))


# ---- the call --------------------------------------------------------------------------------


def _masked_key(resource: cache.ResourceSnapshot, key: str) -> str:
    return (mask_id_number(key) or "") if resource.subject_field else key


def _log(
    session: Session,
    consumer: Consumer,
    resource: cache.ResourceSnapshot | None,
    code: str,
    *,
    purpose: str,
    key: str,
    fields: list[str],
    outcome: Outcome,
    grant_id: int | None = None,
    reason: str | None = None,
    subject: str | None = None,
) -> None:
    shown_key = _masked_key(resource, key) if resource is not None else (mask_id_number(key) or "")
    repo.insert_log(
        session,
        dict(
            at=clock.now(),
            client_id=consumer.client_id,
            consumer_department_id=consumer.department_id,
            owner_department_id=resource.owner_department_id if resource else None,
            resource_code=code[:40],
            grant_id=grant_id,
            purpose=purpose[:16],
            record_key=shown_key[:80],
            subject_digest=subject,
            fields=fields,
            outcome=outcome.value,
            reason=reason,
        ),
        audit.entry(
            "sharing.exchange",
            audit.Actor(None, f"client:{consumer.client_id}"),
            object_type="sharing_resource",
            object_id=code[:40],
            consumer_department_id=consumer.department_id,
            purpose=purpose[:16],
            grant=grant_id,
            record_key=shown_key,
            fields=fields,
            outcome=outcome.value,
            reason=reason,
        ),
    )


def _refuse(
    session: Session, consumer: Consumer, resource: cache.ResourceSnapshot, reason: policy.Refusal, **log: Any
) -> ExchangeRefused:
    _log(session, consumer, resource, resource.code, outcome=Outcome.REFUSED, reason=reason.value, **log)
    zh, en = policy.REFUSAL_MESSAGES[reason]
    return ExchangeRefused(zh, en, reason=reason.value)


def call(
    session: Session, consumer: Consumer, code: str, key: str, purpose: str, fields: list[str] | None
) -> dict[str, Any]:
    """One exchange call: the record ``key`` of resource ``code`` for ``purpose``; only granted
    fields, each plain or masked by grade and purpose; logged whatever the outcome.  Raises
    :class:`ExchangeRefused` (403, logged: the caller commits) or NotFound."""
    if not KEY_PATTERN.match(key):
        raise ValidationFailed("记录标识格式无效", "invalid record key", field="key")
    try:
        purpose = Purpose(purpose).value
    except ValueError:
        raise ValidationFailed(
            f"未知用途：{purpose[:20]}", f"unknown purpose {purpose[:20]!r}", field="purpose"
        ) from None
    reject_controls(code, "resource")
    resource = _snapshot(session, code)
    if resource is None:
        raise NotFound(
            f"数据资源 {code[:40]} 不存在", f"data resource {code[:40]} not found", field="resource"
        )
    log: dict[str, Any] = {"purpose": purpose, "key": key, "fields": list(fields or [])}
    views = {
        g.id: policy.GrantView(
            g.id,
            g.purpose,
            frozenset(g.fields),
            frozenset(g.plain_fields),
            g.valid_from,
            g.expires_at,
            g.revoked_at is not None,
        )
        for g in repo.grants_for(session, resource.id, consumer.department_id)
    }
    now = clock.now()
    grant, refusal = policy.choose_grant(views.values(), purpose, now)
    own = None
    if grant is None:  # a department reading its own resource for its own service (policy.own_grant)
        own = policy.own_grant(
            consumer.department_id, resource.owner_department_id, purpose, resource.fields, now
        )
    if grant is None and own is None:
        raise _refuse(session, consumer, resource, refusal or policy.Refusal.NO_GRANT, **log)
    if own is not None:
        grant, log["reason"] = own, policy.OWN_RESOURCE
    assert grant is not None
    grant_id = grant.id if own is None else None
    field_views = resource.fields
    names, refusal = policy.check_fields(grant, fields, field_views)
    log["fields"] = names
    if refusal is not None:
        log.pop("reason", None)
        raise _refuse(session, consumer, resource, refusal, grant_id=grant_id, **log)
    record = adapters.fetch(session, resource, key)
    if record is None:
        _log(session, consumer, resource, resource.code, outcome=Outcome.NOT_FOUND, grant_id=grant_id, **log)
        return {"found": False}
    subject_value = record.get(resource.subject_field) if resource.subject_field else None
    subject = subject_digest(str(subject_value)) if subject_value else None
    _log(
        session,
        consumer,
        resource,
        resource.code,
        outcome=Outcome.SERVED,
        grant_id=grant_id,
        subject=subject,
        **log,
    )
    return {
        "found": True,
        "resource": resource.code,
        "key": key,
        "purpose": purpose,
        "grant": grant_id,
        "record": policy.shape(record, names, field_views, grant),
    }


# ---- who read what -------------------------------------------------------------------------


def reads_of_my_data(session: Session, principal: Principal) -> list[ReadOut]:
    """Who read the caller's department's data (the owner's view; every read for an admin)."""
    if not principal.can(Permission.SHARING_APPROVE):
        raise Forbidden("无权查看本部门数据的调用记录", "not allowed to see who read your department's data")
    if principal.role == Role.ADMIN:
        return views.read_outs(session, repo.reads_of_owner(session, None), with_client=True)
    if principal.department_id is None:
        return []
    return views.read_outs(session, repo.reads_of_owner(session, principal.department_id), with_client=True)


def reads_about_me(session: Session, principal: Principal) -> tuple[str | None, list[ReadOut]]:
    """Which departments read data about the caller (a member of the public with a verified ID
    number): the masked number, and the served reads, newest first."""
    subject = repo.subject_of_user(session, principal.user_id)
    if subject is None:
        return None, []
    rows = repo.reads_of_subject(session, subject.subject_digest)
    audit.record(
        session,
        "sharing.subject_viewed_reads",
        principal.actor,
        object_type="user",
        object_id=principal.user_id,
        rows=len(rows),
    )
    return subject.id_number_masked, views.read_outs(session, rows, with_client=False)
