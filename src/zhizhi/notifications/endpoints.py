"""Notifications' API: the SMS gateway's delivery reports (optional: enabled by
``ZHIZHI_SMS_CALLBACK_TOKEN``, which the gateway sends as a bearer token), and citizens'
accounts (SMS code, token, 我的诉求) through the same services as the pages."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, ConfigDict, Field

from zhizhi.cases import tracking
from zhizhi.core.errors import NotFound, Unauthorized
from zhizhi.core.masking import mask_phone
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession, client_address
from zhizhi.notifications import citizens, service

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications 短信通知"])


class DeliveryReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=80, description="our idempotency key or the gateway's id")
    status: Literal["delivered", "failed"]
    error: str | None = Field(default=None, max_length=300)


class DeliveryReportOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str
    status: str


@router.post("/delivery-reports", summary="A delivery report from the SMS gateway 短信状态回执")
def delivery_report(
    body: DeliveryReport,
    session: DbSession,
    authorization: Annotated[str | None, Header(max_length=300)] = None,
) -> DeliveryReportOut:
    expected = get_settings().sms_callback_token
    if not expected:
        raise NotFound("未启用短信状态回执", "delivery reports are not enabled")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("回执令牌不正确", "wrong delivery-report token", field="Authorization")
    status = service.record_delivery_report(session, body.reference, body.status, body.error)
    return DeliveryReportOut(reference=body.reference, status=status)


# ---- citizens' accounts (the same services as the pages) -------------------------------------------

citizen_router = APIRouter(prefix="/api/v1/citizen", tags=["citizen 群众账号"])


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Field(min_length=1, max_length=40)
    language: Literal["zh", "en"] = "zh"  # the text message's language


class CodeOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sent_to: str
    expires_in: int
    demo_code: str | None = Field(default=None, description="development only: the code, for the demo")


class SignInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: str = Field(min_length=1, max_length=40)
    code: str = Field(min_length=1, max_length=12)


class CitizenTokenOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str
    expires_in: int


class MyCaseOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str
    subject: str
    status: str
    status_label: dict[str, str]
    created_at: datetime
    due_at: datetime
    can_rate: bool


@citizen_router.post("/code", status_code=202, summary="Send a sign-in code by SMS 获取短信验证码")
def send_code(body: CodeIn, request: Request, session: DbSession) -> CodeOut:
    code = citizens.request_code(session, body.phone, client_address(request), body.language)
    demo = code if get_settings().env == "development" else None
    return CodeOut(sent_to=mask_phone(citizens.mobile(body.phone)) or "", expires_in=300, demo_code=demo)


@citizen_router.post("/token", summary="Sign in with the SMS code 验证码登录")
def sign_in(body: SignInIn, request: Request, session: DbSession) -> CitizenTokenOut:
    result = citizens.sign_in(session, body.phone, body.code, client_address(request))
    if result.token is None:
        session.commit()  # the failure is counted and audited although the request fails
        zh, en = result.refusal or citizens.REFUSALS["wrong"]
        raise Unauthorized(zh, en, field="code")
    return CitizenTokenOut(token=result.token, expires_in=result.ttl)


@citizen_router.get("/cases", summary="我的诉求: every case filed with the signed-in phone")
def my_cases(
    session: DbSession, authorization: Annotated[str | None, Header(max_length=300)] = None
) -> list[MyCaseOut]:
    token = (authorization or "").removeprefix("Bearer ").strip()
    phone = citizens.phone_of(session, token) if token else None
    if phone is None:
        raise Unauthorized("请先用短信验证码登录", "sign in with an SMS code first", field="Authorization")
    return [
        MyCaseOut(
            number=c.number,
            subject=c.subject,
            status=c.status,
            status_label={"zh": c.status_label[0], "en": c.status_label[1]},
            created_at=c.created_at,
            due_at=c.due_at,
            can_rate=c.can_rate,
        )
        for c in tracking.cases_of_phone(session, phone)
    ]
