"""Citizens' accounts: sign in with a phone number and a one-time code sent by SMS (through the
outbox), then see every case filed with that phone (我的诉求).

Codes: 6 digits, only a keyed hash stored (HMAC-SM3 of the phone's blind index and the code),
valid 5 minutes, single use; a new code retires the earlier ones; 5 wrong tries retire a code.
At most one code a minute and 5 an hour per phone. A wrong, expired or replayed code is refused,
audited and counted by ``core.throttle`` like a failed password (per phone and per address:
lockout after the limits of ``ZHIZHI_LOGIN_*``). A signed-in citizen holds a cookie with a
random token (its SHA-256 stored, the phone encrypted), valid ``ZHIZHI_TOKEN_TTL_MINUTES``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from zhizhi.cases.schemas import MOBILE, normalise_phone
from zhizhi.core import audit, clock, fieldcrypt, throttle
from zhizhi.core.errors import TooManyRequests, ValidationFailed
from zhizhi.core.masking import mask_phone
from zhizhi.core.permissions import Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings
from zhizhi.notifications import repository as repo
from zhizhi.notifications import service
from zhizhi.notifications.enums import MessageKind
from zhizhi.notifications.models import CitizenSession, LoginCode
from zhizhi.org import service as org

CODE_MINUTES = 5
CODE_DIGITS = 6
MAX_WRONG = 5
CODES_PER_HOUR = 5
RESEND_SECONDS = 60
ACTOR = "citizen (SMS code)"

REFUSALS: dict[str, tuple[str, str]] = {
    "wrong": ("验证码不正确", "the code is wrong"),
    "expired": ("验证码已过期，请重新获取", "the code has expired; ask for a new one"),
    "used": ("验证码已使用过，请重新获取", "the code was already used; ask for a new one"),
    "none": ("请先获取验证码", "ask for a code first"),
}


def mobile(phone: str) -> str:
    """The normalised mobile number, or a 422 on ``phone`` in both languages."""
    try:
        digits = normalise_phone(phone)
    except ValueError:
        digits = ""
    if not MOBILE.match(digits):
        raise ValidationFailed("请输入 11 位手机号码", "enter an 11-digit mobile number", field="phone")
    return digits


def _throttle_key(index: str) -> str:
    return f"sms:{index}"


def _code_hash(index: str, code: str) -> str:
    return fieldcrypt.blind_index("sms_code", f"{index}:{code}", length=64)


def request_code(session: Session, phone: str, address: str, language: str = "zh") -> str:
    """Queue a sign-in code to ``phone`` (through the outbox) in ``language`` (the sign-in page's);
    returns the code (shown on screen by the demo in development only). 429 when asked too often
    or while locked out."""
    phone = mobile(phone)
    index = fieldcrypt.phone_index(phone) or ""
    throttle.check_login(session, _throttle_key(index), address)
    now = clock.now()
    if repo.codes_since(session, index, now - timedelta(seconds=RESEND_SECONDS)):
        raise TooManyRequests(
            f"验证码已发送，请 {RESEND_SECONDS} 秒后再试",
            f"a code was just sent; try again in {RESEND_SECONDS} seconds",
            field="phone",
            retry_after=RESEND_SECONDS,
        )
    if repo.codes_since(session, index, now - timedelta(hours=1)) >= CODES_PER_HOUR:
        raise TooManyRequests(
            "该号码一小时内获取验证码次数过多，请稍后再试",
            "too many codes for this number in the last hour; try again later",
            field="phone",
            retry_after=3600,
        )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    repo.retire_codes(session, index, now)
    repo.add(
        session,
        LoginCode(
            phone_index=index,
            code_hash=_code_hash(index, code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
            failures=0,
        ),
    )
    service.queue_message(session, MessageKind.LOGIN_CODE, phone, {"code": code}, language=language)
    audit.record(
        session, "citizen.code_sent", audit.Actor(None, ACTOR), object_type="phone", to=mask_phone(phone)
    )
    return code


@dataclass(frozen=True, slots=True)
class SignIn:
    token: str | None  # the session cookie's value; None when refused
    ttl: int = 0
    refusal: tuple[str, str] | None = None


def sign_in(session: Session, phone: str, code: str, address: str) -> SignIn:
    """Check the code; a refusal is returned (not raised) so that the unit of work commits the
    counted failure and its audit entry. 429 (raised) while the phone or address is locked out."""
    phone = mobile(phone)
    index = fieldcrypt.phone_index(phone) or ""
    key = _throttle_key(index)
    throttle.check_login(session, key, address)
    now = clock.now()
    row = repo.latest_code(session, index)
    reason = (
        "none" if row is None else "used" if row.used_at else "expired" if row.expires_at <= now else None
    )
    if row is not None and reason is None:
        given = code.strip()
        if not (given.isdigit() and hmac.compare_digest(row.code_hash, _code_hash(index, given))):
            reason = "wrong"
            row.failures += 1
            if row.failures >= MAX_WRONG:
                row.used_at = now  # no more guesses on this code
    if reason is not None or row is None:
        locked = throttle.login_failed(session, key, address)
        audit.record(
            session,
            "citizen.login_failed",
            audit.Actor(None, ACTOR),
            object_type="phone",
            to=mask_phone(phone),
            reason=reason,
            address=address,
            locked=[k for k, _ in locked],
        )
        session.flush()
        return SignIn(None, refusal=REFUSALS[reason or "none"])
    row.used_at = now
    throttle.login_succeeded(session, key)
    audit.record(
        session, "citizen.login", audit.Actor(None, ACTOR), object_type="phone", to=mask_phone(phone)
    )
    return _open_session(session, phone, index)


def _open_session(session: Session, phone: str, index: str, user_id: int | None = None) -> SignIn:
    now = clock.now()
    token = secrets.token_urlsafe(32)
    ttl = get_settings().token_ttl_minutes * 60
    repo.add(
        session,
        CitizenSession(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            phone=phone,
            phone_index=index,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl),
            user_id=user_id,
        ),
    )
    return SignIn(token, ttl)


NOT_A_CITIZEN = (
    "该账号不是群众账号或未登记手机号；工作人员请使用“工作人员登录”",
    "this account is not a citizen's account with a phone; staff sign in on the Staff login page",
)


def sign_in_with_password(session: Session, username: str, password: str, address: str) -> SignIn:
    """A registered citizen's account (the demo's ``citizen``, 张伟) signs in with its password and
    opens 我的诉求 for the phone on the account; throttled and audited like every password login
    (``org.service.log_in``). A refusal is returned, not raised (the count commits)."""
    name = username.strip()
    issued = org.log_in(session, name, password, address=address) if name and password else None
    if issued is None:
        return SignIn(None, refusal=("用户名或密码错误", "wrong username or password"))
    org.revoke_token(session, issued[0])  # only the citizen session below is kept
    user = org.principal_for_username(session, name)
    phone = org.user_phone(session, user.user_id) if user.role is Role.PUBLIC else None
    if not phone:
        return SignIn(None, refusal=NOT_A_CITIZEN)
    actor = audit.Actor(user.user_id, user.username)
    audit.record(session, "citizen.login", actor, object_type="phone", to=mask_phone(phone))
    return _open_session(session, phone, fieldcrypt.phone_index(phone) or "", user.user_id)


def account_of(session: Session, token: str) -> Principal | None:
    """The public account of a valid citizen session opened with the account's password (its
    principal: pages use it as the applicant's, e.g. for 免提交 of their verified identity), or
    None (an SMS-code session, or none at all)."""
    row = repo.citizen_session(session, hashlib.sha256(token.encode()).hexdigest())
    if row is None or row.revoked_at is not None or row.expires_at <= clock.now() or not row.user_id:
        return None
    principal = org.principal_for_user_id(session, row.user_id)
    return principal if principal is not None and principal.role is Role.PUBLIC else None


def phone_of(session: Session, token: str) -> str | None:
    """The phone of a valid citizen session token, or None."""
    row = repo.citizen_session(session, hashlib.sha256(token.encode()).hexdigest())
    if row is None or row.revoked_at is not None or row.expires_at <= clock.now():
        return None
    return row.phone


def sign_out(session: Session, token: str) -> None:
    row = repo.citizen_session(session, hashlib.sha256(token.encode()).hexdigest())
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()
        session.flush()
        audit.record(session, "citizen.logout", audit.Actor(None, ACTOR), object_type="phone")
