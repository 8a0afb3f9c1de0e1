"""Windows of the service halls, their clerks, and each reception at a window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.services.items.enums import ApplicantType
from zhizhi.services.window.enums import Outcome, WindowKind


def _in(name: str, values: Any) -> CheckConstraint:
    return CheckConstraint(f"{name} IN ({', '.join(repr(v.value) for v in values)})", name=name)


class ServiceWindow(Base):
    """A window of a service hall (政务服务大厅); the hall is the department that runs it."""

    __tablename__ = "service_windows"
    __table_args__ = (_in("kind", WindowKind),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    hall_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    location: Mapped[str | None] = mapped_column(String(200))  # e.g. 一楼 A 区 3 号窗口
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class WindowClerk(Base):
    """A clerk's seat: one window per clerk at a time."""

    __tablename__ = "service_window_clerks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    window_id: Mapped[int] = mapped_column(ForeignKey("service_windows.id"), nullable=False, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, unique=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class WindowReception(Base):
    """One applicant served at a window: the application forwarded (its case number is the number
    on the receipt), or the one-time notice of missing materials (nothing else created). No
    personal data here: the applicant lives on the application, encrypted."""

    __tablename__ = "service_window_receptions"
    __table_args__ = (
        _in("outcome", Outcome),
        _in("applicant_type", ApplicantType),
        CheckConstraint("seconds >= 0", name="seconds"),
        CheckConstraint("(outcome = 'forwarded') = (case_id IS NOT NULL)", name="forwarded_case"),
        Index("ix_service_window_receptions_window_at", "window_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    window_id: Mapped[int] = mapped_column(ForeignKey("service_windows.id"), nullable=False)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False, index=True)
    outcome: Mapped[str] = mapped_column(String(10), nullable=False)
    item_code: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    item_name: Mapped[str] = mapped_column(String(200), nullable=False)
    item_version_id: Mapped[int] = mapped_column(Integer, nullable=False)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    applicant_type: Mapped[str] = mapped_column(String(2), nullable=False)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), unique=True)
    missing: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    seconds: Mapped[int] = mapped_column(Integer, nullable=False)
