"""Bundle use cases of the catalogue: define a bundle (the item steward), list the bundles with
their items (the contract ``GET /api/v1/bundles``), and the merged form of one bundle.

One function per use case; flushes, never commits; every write audited.  Submitting a bundle
and its status are in ``submission.py``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.services.bundles import repository as repo
from zhizhi.services.bundles import rules
from zhizhi.services.bundles.enums import BundleStatus
from zhizhi.services.bundles.models import Bundle, BundleItem
from zhizhi.services.bundles.schemas import (
    BundleFormOut,
    BundleIn,
    BundleOut,
    BundlePartOut,
    FormFieldOut,
    FormMaterialOut,
)
from zhizhi.services.items import service as items
from zhizhi.services.items.schemas import ItemVersionView
from zhizhi.services.prefill.rules import FIELD_SOURCES

BY_DATA = ("shared", "certificate")


def _no_controls(value: str, field: str) -> None:
    if any(ord(c) < 32 for c in value):
        raise ValidationFailed("含有不允许的控制字符", "contains control characters", field=field)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A bundle with its parts and, per part, the item version in force."""

    bundle: Bundle
    rows: tuple[BundleItem, ...]
    versions: dict[str, ItemVersionView]  # part -> version
    parts: tuple[rules.Part, ...]


def to_part(row: BundleItem, v: ItemVersionView) -> rules.Part:
    return rules.Part(
        part=row.part,
        item_code=v.implementation_code,
        item_name=v.name,
        department_id=v.department.id,
        version_id=v.id,
        optional=row.optional,
        depends_on=tuple(row.depends_on or ()),
        applicant_types=tuple(row.applicant_types or ()) or tuple(v.applicant_types),
        fields=tuple(
            rules.FormField(f.code, f.label, f.label_en, f.type, f.required, tuple(f.options))
            for f in v.fields
        ),
        materials=tuple(
            rules.FormMaterial(m.code, m.name, m.required, m.source, m.source_kind, m.source_code)
            for m in v.materials
        ),
    )


def load(session: Session, code: str, *, for_new_application: bool = False) -> Loaded:
    """A bundle and the versions in force of its items.  404 (field ``bundle``) when unknown;
    409 when retired and ``for_new_application``; an item retired since refuses too (409)."""
    _no_controls(code, "bundle")
    bundle = repo.bundle_by_code(session, code[:40]) if len(code) <= 40 else None
    if bundle is None:
        raise NotFound(f"一件事 {code[:40]} 不存在", f"bundle {code[:40]!r} not found", field="bundle")
    if for_new_application and bundle.status != BundleStatus.ACTIVE:
        raise Conflict(
            f"一件事「{bundle.name}」已停用，不再受理", f"bundle {bundle.name!r} is retired", field="bundle"
        )
    rows = tuple(repo.items_of(session, [bundle.id])[bundle.id])
    versions = {r.part: items.published_version(session, r.item_code) for r in rows}
    parts = tuple(to_part(r, versions[r.part]) for r in rows)
    return Loaded(bundle, rows, versions, parts)


def save_bundle(session: Session, principal: Principal, body: BundleIn) -> Bundle:
    """Create or replace a bundle (the item steward or an administrator).  Its items must be
    published; its parts' dependencies must stay inside it without a cycle; their fields must
    merge (one type per field code).  A bundle with applications keeps its parts' keys."""
    if not principal.can(Permission.SERVICE_ITEMS_MANAGE):
        raise Forbidden(
            "无权维护一件事",
            "not allowed to manage bundles",
            permission=Permission.SERVICE_ITEMS_MANAGE.value,
        )
    rules.check_definition([(i.part, i.depends_on) for i in body.items])
    lead = org.find_department(session, body.lead_department)
    if lead is None:
        raise NotFound(
            f"部门 {body.lead_department} 不存在",
            f"department {body.lead_department} not found",
            field="lead_department",
        )
    versions: list[ItemVersionView] = []
    for i, item in enumerate(body.items):
        try:
            versions.append(items.published_version(session, item.item))
        except (NotFound, Conflict) as error:
            raise type(error)(error.zh, error.en, field=f"items.{i}.item") from None
    now = clock.now()
    bundle = repo.bundle_by_code(session, body.code)
    created = bundle is None
    if bundle is None:
        bundle = Bundle(code=body.code, created_at=now, created_by=principal.username)
    keep = not created and repo.has_applications(session, bundle.id)
    if keep:
        before = {r.part for r in repo.items_of(session, [bundle.id])[bundle.id]}
        if not before <= {i.part for i in body.items}:
            raise Conflict(
                "已有申请的一件事不能删去事项（可停用后新建）",
                "a bundle with applications keeps its parts (retire it and make a new one)",
                field="items",
            )
    for attr in ("name", "name_en", "description", "description_en", "audience", "life_event"):
        setattr(bundle, attr, getattr(body, attr))
    bundle.lead_department_id = lead.id
    bundle.status = BundleStatus.ACTIVE.value
    bundle.updated_at, bundle.updated_by = now, principal.username
    repo.add(session, bundle)
    rows = [
        BundleItem(
            bundle_id=bundle.id,
            position=i,
            part=item.part,
            item_id=v.item_id,
            item_code=v.implementation_code,
            optional=item.optional,
            depends_on=list(dict.fromkeys(item.depends_on)),
            applicant_types=list(dict.fromkeys(item.applicant_types)),
            condition=item.condition,
            condition_en=item.condition_en,
        )
        for i, (item, v) in enumerate(zip(body.items, versions, strict=True))
    ]
    rules.merge([to_part(r, v) for r, v in zip(rows, versions, strict=True)])  # the form must merge
    if keep:  # applications point at the parts' rows: update them in place, add the new ones
        for part in repo.items_of(session, [bundle.id])[bundle.id]:
            known = {r.part: r for r in rows}
            if part.part in known:  # keep the row (applications point at it)
                new = known[part.part]
                for attr in (
                    "position",
                    "item_id",
                    "item_code",
                    "optional",
                    "depends_on",
                    "applicant_types",
                    "condition",
                    "condition_en",
                ):
                    setattr(part, attr, getattr(new, attr))
                rows.remove(new)
        repo.add_all(session, rows)
    else:
        repo.replace_items(session, bundle.id, rows)
    audit.record(
        session,
        "services.bundle_created" if created else "services.bundle_updated",
        principal.actor,
        object_type="bundle",
        object_id=bundle.code,
        items=[{"part": i.part, "item": i.item, "depends_on": i.depends_on} for i in body.items],
    )
    return bundle


def retire_bundle(session: Session, principal: Principal, code: str) -> Bundle:
    if not principal.can(Permission.SERVICE_ITEMS_MANAGE):
        raise Forbidden("无权维护一件事", "not allowed to manage bundles")
    loaded = load(session, code)
    loaded.bundle.status = BundleStatus.RETIRED.value
    loaded.bundle.updated_at, loaded.bundle.updated_by = clock.now(), principal.username
    session.flush()
    audit.record(session, "services.bundle_retired", principal.actor, object_type="bundle", object_id=code)
    return loaded.bundle


def _bundle_out(session: Session, loaded: Loaded) -> BundleOut:
    b = loaded.bundle
    lead = org.departments_by_ids(session, [b.lead_department_id])[b.lead_department_id]
    return BundleOut(
        code=b.code,
        name=b.name,
        name_en=b.name_en,
        description=b.description,
        description_en=b.description_en,
        audience=b.audience,
        life_event=b.life_event,
        lead_department=lead.code,
        lead_department_name=lead.name,
        status=b.status,
        items=[
            BundlePartOut(
                part=r.part,
                item=loaded.versions[r.part].implementation_code,
                item_name=loaded.versions[r.part].name,
                department=loaded.versions[r.part].department.code,
                department_name=loaded.versions[r.part].department.name,
                optional=r.optional,
                depends_on=list(r.depends_on or []),
                applicant_types=list(p.applicant_types),
                condition=r.condition,
                condition_en=r.condition_en,
                promised_limit=loaded.versions[r.part].promised_limit.as_dict(),
            )
            for r, p in zip(loaded.rows, loaded.parts, strict=True)
        ],
    )


def list_bundles(session: Session) -> list[BundleOut]:
    """The active bundles with their items (public: the guide)."""
    out = []
    for b in repo.active_bundles(session):
        try:
            out.append(_bundle_out(session, load(session, b.code)))
        except (NotFound, Conflict):  # an item retired or unpublished since: not offered
            continue
    return out


def bundle(session: Session, code: str) -> BundleOut:
    return _bundle_out(session, load(session, code))


def form(session: Session, code: str) -> BundleFormOut:
    """The merged form: each field code once, materials deduplicated by code."""
    loaded = load(session, code)
    merged = rules.merge(loaded.parts)
    return BundleFormOut(
        bundle=_bundle_out(session, loaded),
        fields=[
            FormFieldOut(
                code=m.field.code,
                label=m.field.label,
                label_en=m.field.label_en,
                type=m.field.type,
                required=m.field.required,
                options=list(m.field.options),
                parts=m.parts,
                prefillable=m.field.code in FIELD_SOURCES,
            )
            for m in merged.fields
        ],
        materials=[
            FormMaterialOut(
                code=m.material.code,
                name=m.material.name,
                required=m.material.required,
                source=m.material.source,
                parts=m.parts,
                by_data=m.material.source_kind in BY_DATA,
            )
            for m in merged.materials
        ],
        fields_total=merged.fields_total,
        materials_total=merged.materials_total,
    )
