"""Service item tables: the item (its identity and current state), its versions (every element of
the implementation list, a published version never changes), and per version its materials and
its canonical form fields.

List-valued elements (handling forms, special procedures, fees, process steps, topics, FAQ) are
JSON arrays validated by ``schemas`` before they are written; the columns searched or joined on
(codes, name, type, department, status, online depth) are plain columns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime
from zhizhi.services.items.enums import (
    CaseType,
    FieldType,
    ItemStatus,
    ItemType,
    LimitUnit,
    MaterialForm,
    ResultType,
    VersionStatus,
)


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


_TYPES = [t.value for t in ItemType]
_UNITS = [u.value for u in LimitUnit]


class ServiceItem(Base):
    """One item of the implementation list (实施清单), identified by its implementation code.

    ``name``, ``type``, ``department_id``, ``online_depth``, ``topics`` (audiences and life events
    between bars) and ``place`` repeat the current version's (the published one, or the draft of
    an item never published) so that the guide searches one table.
    """

    __tablename__ = "service_items"
    __table_args__ = (
        CheckConstraint(_in("status", [s.value for s in ItemStatus]), name="status"),
        CheckConstraint(_in("type", _TYPES), name="type"),
        CheckConstraint("length(basic_code) = 12", name="basic_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    implementation_code: Mapped[str] = mapped_column(String(31), unique=True, nullable=False)
    basic_code: Mapped[str] = mapped_column(String(12), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    type: Mapped[str] = mapped_column(String(2), nullable=False, index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False, index=True)
    online_depth: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(
        String(10), nullable=False, default=ItemStatus.DRAFT.value, index=True
    )
    published_version_id: Mapped[int | None] = mapped_column(Integer)  # service_item_versions.id
    draft_version_id: Mapped[int | None] = mapped_column(Integer)
    topics: Mapped[str] = mapped_column(String(400), nullable=False, default="|")  # "|personal|newborn|"
    place: Mapped[str] = mapped_column(Text, nullable=False, default="")
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")  # codes, name, result
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(120), nullable=False)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ServiceItemVersion(Base):
    """Every element of one version of an item (GB/T 39554 / DOMAIN.md §3).

    *Rule:* once ``status`` leaves ``draft`` the row, its materials and fields are never changed
    again (the service refuses, 409); applications keep the id of the version they were made
    under."""

    __tablename__ = "service_item_versions"
    __table_args__ = (
        UniqueConstraint("item_id", "version", name="uq_service_item_version"),
        CheckConstraint(_in("status", [s.value for s in VersionStatus]), name="status"),
        CheckConstraint(_in("type", _TYPES), name="type"),
        CheckConstraint("level BETWEEN 1 AND 6", name="level"),
        CheckConstraint("online_depth BETWEEN 1 AND 7", name="online_depth"),
        CheckConstraint(_in("case_type", [c.value for c in CaseType]), name="case_type"),
        CheckConstraint(_in("legal_limit_unit", _UNITS), name="legal_limit_unit"),
        CheckConstraint(_in("promised_limit_unit", _UNITS), name="promised_limit_unit"),
        CheckConstraint("legal_limit_value >= 0 AND promised_limit_value >= 0", name="limits"),
        CheckConstraint("visits >= 0", name="visits"),
        CheckConstraint(_in("result_type", [r.value for r in ResultType]), name="result_type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("service_items.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default=VersionStatus.DRAFT.value)
    basic_code: Mapped[str] = mapped_column(String(12), nullable=False)
    implementation_code: Mapped[str] = mapped_column(String(31), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    type: Mapped[str] = mapped_column(String(2), nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), nullable=False)
    applicant_types: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    audiences: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    life_events: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    acceptance_conditions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    case_type: Mapped[str] = mapped_column(String(10), nullable=False)
    legal_limit_value: Mapped[int] = mapped_column(Integer, nullable=False)
    legal_limit_unit: Mapped[str] = mapped_column(String(12), nullable=False)
    promised_limit_value: Mapped[int] = mapped_column(Integer, nullable=False)
    promised_limit_unit: Mapped[str] = mapped_column(String(12), nullable=False)
    handling_forms: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    visits: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    special_procedures: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    fees: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    process: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    place: Mapped[str] = mapped_column(Text, nullable=False, default="")
    hours: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    consultation: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    complaint: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    online_depth: Mapped[int] = mapped_column(Integer, nullable=False)
    result_type: Mapped[str] = mapped_column(String(16), nullable=False)
    result_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    result_certificate_type: Mapped[str | None] = mapped_column(String(60))  # certificates' type code
    faq: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")  # the steward's change note
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(120))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ServiceItemMaterial(Base):
    """One material of a version.  ``code`` is canonical across items (the same document has the
    same code wherever it is asked: bundles deduplicate by it); ``source`` is ``applicant``,
    ``issued``, ``shared:<resource code>`` or ``certificate:<certificate type code>``."""

    __tablename__ = "service_item_materials"
    __table_args__ = (
        UniqueConstraint("version_id", "code", name="uq_service_item_material_code"),
        CheckConstraint(_in("form", [f.value for f in MaterialForm]), name="form"),
        CheckConstraint("copies >= 0", name="copies"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("service_item_versions.id"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    form: Mapped[str] = mapped_column(String(12), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    source: Mapped[str] = mapped_column(String(80), nullable=False)
    original: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 原件核验
    copies: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # 复印件份数
    blank_form: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    sample: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    acceptance_standard: Mapped[str] = mapped_column(Text, nullable=False, default="")
    basis: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")


class ServiceItemField(Base):
    """One canonical field of a version's application form; ``code`` is canonical across items
    (``applicant.name``, ``child.birth_date``…): a bundle asks each code once."""

    __tablename__ = "service_item_fields"
    __table_args__ = (
        UniqueConstraint("version_id", "code", name="uq_service_item_field_code"),
        CheckConstraint(_in("type", [t.value for t in FieldType]), name="type"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("service_item_versions.id"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(60), nullable=False)
    label: Mapped[str] = mapped_column(String(120), nullable=False)
    label_en: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    type: Mapped[str] = mapped_column(String(12), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    options: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
