"""Notifications' API: the SMS gateway's delivery reports (optional: enabled by
``ZHIZHI_SMS_CALLBACK_TOKEN``, which the gateway sends as a bearer token)."""

from __future__ import annotations

import hmac
from typing import Annotated, Literal

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field

from zhizhi.core.errors import NotFound, Unauthorized
from zhizhi.core.settings import get_settings
from zhizhi.http.deps import DbSession
from zhizhi.notifications import service

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
