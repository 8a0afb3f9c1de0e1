"""Bundle tables (一件事一次办): the bundle and its parts (each an item, with the parts it depends
on and who may apply for it), and per submission the bundle application and one row per part
pointing at the application (a ``cases`` row of kind ``application``) it opened.

The applicant's identity lives, encrypted, in each part's application; the bundle application
keeps only its keyed blind index (to find a person's bundles) and a masked form to show."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.services.bundles.enums import BundleStatus, PartOutcome


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Bundle(Base):
    """One "thing" (一件事): a life event or business event served by several items at once."""

    __tablename__ = "bundles"
    __table_args__ = (CheckConstraint(_in("status", [s.value for s in BundleStatus]), name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    name_en: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    description_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    audience: Mapped[str] = mapped_column(String(12), nullable=False)  # items' Audience value
    life_event: Mapped[str | None] = mapped_column(String(40))  # items' LifeEvent value
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False)  # 牵头部门
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=BundleStatus.ACTIVE.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(120), nullable=False)


class BundleItem(Base):
    """One part of a bundle: an item, the parts it needs first (``depends_on``: a refusal of one
    of them withdraws this part), who may apply (``applicant_types``: items' ApplicantType
    values, empty for anyone the item serves) and whether the applicant may leave it out."""

    __tablename__ = "bundle_items"
    __table_args__ = (UniqueConstraint("bundle_id", "part", name="uq_bundle_items_part"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    part: Mapped[str] = mapped_column(String(40), nullable=False)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"), nullable=False, index=True)
    item_code: Mapped[str] = mapped_column(String(31), nullable=False)  # its implementation code
    optional: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    depends_on: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    applicant_types: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    condition: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    condition_en: Mapped[str] = mapped_column(String(400), nullable=False, default="")


class BundleApplication(Base):
    """One submission of a bundle's merged form.  Its status is never stored: it is derived from
    the parts (rules.derive_state).  The counts are the 数据多跑路 figure of this submission:
    ``*_total`` what separate applications would have asked, ``*_asked`` what the merged form
    with 免提交 actually asked."""

    __tablename__ = "bundle_applications"
    __table_args__ = (
        CheckConstraint("fields_asked <= fields_total AND materials_asked <= materials_total", name="counts"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True, nullable=False)
    bundle_id: Mapped[int] = mapped_column(ForeignKey("bundles.id"), nullable=False, index=True)
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    applicant_type: Mapped[str] = mapped_column(String(1), nullable=False)
    applicant_masked: Mapped[str] = mapped_column(String(40), nullable=False)  # 张*（4301**********1234）
    applicant_index: Mapped[str] = mapped_column(String(32), nullable=False, index=True)  # blind index
    channel: Mapped[str] = mapped_column(String(12), nullable=False)
    consent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 免提交 consent
    fields_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fields_asked: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    fields_prefilled: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    materials_total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    materials_asked: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    submitted_by: Mapped[str] = mapped_column(String(120), nullable=False)


class BundleApplicationPart(Base):
    """One part of a bundle application: the application it opened (a case of kind
    ``application``), on its own clock; ``outcome`` follows that application's decisions."""

    __tablename__ = "bundle_application_parts"
    __table_args__ = (
        UniqueConstraint("application_id", "part", name="uq_bundle_application_parts_part"),
        CheckConstraint(_in("outcome", [o.value for o in PartOutcome]), name="outcome"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("bundle_applications.id"), nullable=False, index=True
    )
    bundle_item_id: Mapped[int] = mapped_column(ForeignKey("bundle_items.id"), nullable=False)
    part: Mapped[str] = mapped_column(String(40), nullable=False)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), nullable=False, unique=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("service_item_versions.id"), nullable=False)
    item_name: Mapped[str] = mapped_column(String(200), nullable=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False)
    outcome: Mapped[str] = mapped_column(String(14), nullable=False, default=PartOutcome.OPEN.value)
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_reason: Mapped[str | None] = mapped_column(Text)  # why (a dependency's refusal: which one)
