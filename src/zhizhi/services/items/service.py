"""Use cases of the service item catalogue: what other packages call (``published_version``,
``version_by_id``, ``search``) and the stewardship of items (save a draft, publish, retire).

*Rules* (docs/services.md): a published version never changes — editing writes a draft
version, publishing it supersedes the previous one, applications keep the version id they were
made under; a retired item refuses new applications (409, field ``item``).  Stewards manage the
items of their own department's subtree.  Every write is audited; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.core.errors import Conflict, Forbidden, NotFound
from zhizhi.core.permissions import Permission, Role, has_permission
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.services.items import convert
from zhizhi.services.items import repository as repo
from zhizhi.services.items.check import Checked, Lookups, validate
from zhizhi.services.items.enums import ItemStatus, VersionStatus
from zhizhi.services.items.models import (
    ServiceItem,
    ServiceItemField,
    ServiceItemMaterial,
    ServiceItemVersion,
)
from zhizhi.services.items.schemas import DepartmentView, ItemIn, ItemVersionView

__all__ = [
    "ItemFilter",
    "Lookups",
    "discard_draft",
    "publish",
    "published_version",
    "retire",
    "save_draft",
    "search",
    "version_by_id",
]

ItemFilter = repo.ItemFilter


# ---- reads other packages call ------------------------------------------------------------


def _departments(session: Session, ids: Sequence[int]) -> dict[int, DepartmentView]:
    refs = org.departments_by_ids(session, list(set(ids)))
    return {i: DepartmentView(r.id, r.code, r.name) for i, r in refs.items()}


def _views(session: Session, versions: Sequence[ServiceItemVersion]) -> list[ItemVersionView]:
    ids = [v.id for v in versions]
    materials = repo.materials_of(session, ids)
    fields = repo.fields_of(session, ids)
    departments = _departments(session, [v.department_id for v in versions])
    return [
        convert.version_view(v, departments[v.department_id], materials.get(v.id, []), fields.get(v.id, []))
        for v in versions
    ]


def _not_found(code: str) -> NotFound:
    return NotFound(
        f"办事事项 {code[:40]} 不存在或尚未发布",
        f"service item {code[:40]} does not exist or is not published",
        field="item",
    )


def _retired(name: str) -> Conflict:
    return Conflict(
        f"事项“{name}”已停用，不再受理新的申请",
        f"the service item '{name}' is retired and takes no new applications",
        field="item",
    )


def published_version(session: Session, implementation_code: str) -> ItemVersionView:
    """The version in force of an item, for a new application or the guide.

    404 (field ``item``): no such item, or never published; 409 (field ``item``): retired."""
    code = implementation_code.strip().upper()
    item = repo.item_by_code(session, code) if len(code) <= 31 else None
    if item is None or (item.status == ItemStatus.DRAFT.value):
        raise _not_found(implementation_code)
    if item.status == ItemStatus.RETIRED.value:
        raise _retired(item.name)
    version = repo.version_by_id(session, item.published_version_id or 0)
    if version is None:  # pragma: no cover - a published item always has its version
        raise _not_found(implementation_code)
    return _views(session, [version])[0]


def version_by_id(session: Session, version_id: int, *, for_new_application: bool = False) -> ItemVersionView:
    """Any version by id (an application reads the version it was made under, whatever became
    of it since).  404 (field ``item``) when unknown.  ``for_new_application=True``: 409 (field
    ``item``) unless it is the version in force (retired or superseded versions, drafts)."""
    version = repo.version_by_id(session, version_id)
    if version is None:
        raise NotFound(
            f"事项版本 {version_id} 不存在", f"service item version {version_id} not found", field="item"
        )
    if for_new_application and version.status != VersionStatus.PUBLISHED.value:
        if version.status == VersionStatus.RETIRED.value:
            raise _retired(version.name)
        raise Conflict(
            f"事项“{version.name}”的第 {version.version} 版不是现行版本，请按现行版本申请",
            f"version {version.version} of '{version.name}' is not the version in force; "
            "apply under the current one",
            field="item",
        )
    return _views(session, [version])[0]


def versions_by_ids(session: Session, ids: Sequence[int]) -> dict[int, ItemVersionView]:
    """Several versions at once (lists of applications); unknown ids are left out."""
    rows = repo.versions_by_ids(session, ids)
    return {v.id: v for v in _views(session, list(rows.values()))}


def search(
    session: Session, f: ItemFilter, *, limit: int = 20, offset: int = 0
) -> tuple[list[ItemVersionView], int]:
    """Items matching ``f`` (published ones by default) as their current versions, and the total."""
    items, total = repo.search(session, f, limit=limit, offset=offset)
    ids = [i.published_version_id or i.draft_version_id or 0 for i in items]
    found = repo.versions_by_ids(session, ids)
    views = {v.id: v for v in _views(session, list(found.values()))}
    return [views[i] for i in ids if i in views], total


def editable_body(view: ItemVersionView) -> dict[str, Any]:
    """A version as a steward's ``ItemIn`` body (the edit form's values, the next draft's start)."""
    return convert.body_of(view)


def current_versions(session: Session, statuses: Sequence[str]) -> list[tuple[str, ItemVersionView]]:
    """(item status, current version) of every item in ``statuses``: the version in force, or
    the draft of an item never published (the export)."""
    items = repo.all_items(session, statuses)
    out: list[tuple[str, ItemVersionView]] = []
    for i in range(0, len(items), 500):
        chunk = items[i : i + 500]
        ids = [it.published_version_id or it.draft_version_id or 0 for it in chunk]
        views = {v.id: v for v in _views(session, list(repo.versions_by_ids(session, ids).values()))}
        out += [(it.status, views[vid]) for it, vid in zip(chunk, ids, strict=True) if vid in views]
    return out


def department_ids_in_use(session: Session) -> list[int]:
    return repo.department_ids_in_use(session)


def topic_counts(session: Session) -> dict[str, int]:
    counts: dict[str, int] = {}
    for topics in repo.topic_counts(session):
        for topic in topics.strip("|").split("|"):
            if topic:
                counts[topic] = counts.get(topic, 0) + 1
    return counts


# ---- stewardship ----------------------------------------------------------------------------


def require_manage(principal: Principal) -> None:
    if not has_permission(principal.role, Permission.SERVICE_ITEMS_MANAGE):
        raise Forbidden("无权管理办事事项", "you may not manage service items", field="item")


def _in_scope(session: Session, principal: Principal, department_id: int) -> bool:
    if principal.role == Role.ADMIN:
        return True
    dept = org.department(session, department_id)
    return (
        dept is not None
        and bool(principal.department_path)
        and dept.path.startswith(principal.department_path or "")
    )


def check_scope(
    session: Session,
    principal: Principal,
    department_id: int,
    field: str = "department",
    cache: dict[int, bool] | None = None,
) -> None:
    """403 unless ``principal`` manages ``department_id``'s items (``cache``: answers already
    known, for an import's many rows)."""
    if cache is not None and department_id in cache:
        allowed = cache[department_id]
    else:
        allowed = _in_scope(session, principal, department_id)
        if cache is not None:
            cache[department_id] = allowed
    if not allowed:
        raise Forbidden(
            "只能管理本部门（及下级部门）的事项",
            "you may manage only your own department's (and below) items",
            field=field,
        )


@dataclass(frozen=True, slots=True)
class Saved:
    view: ItemVersionView
    created: bool  # a new item (not a new draft of an existing one)


def scope_ids(session: Session, principal: Principal) -> list[int] | None:
    """The departments whose items ``principal`` manages (``None``: all, the administrator)."""
    if principal.role == Role.ADMIN:
        return None
    if principal.department_id is None:
        return []
    return org.subtree_ids(session, principal.department_id)


def item_statuses(session: Session, item_ids: Sequence[int]) -> dict[int, tuple[str, bool]]:
    """item id → (item status, whether a draft waits)."""
    return {i.id: (i.status, i.draft_version_id is not None) for i in repo.items_by_ids(session, item_ids)}


def _get(session: Session, implementation_code: str) -> ServiceItem:
    code = implementation_code.strip().upper()
    item = repo.item_by_code(session, code) if len(code) <= 31 else None
    if item is None:
        raise NotFound(f"办事事项 {code[:40]} 不存在", f"service item {code[:40]} not found", field="item")
    return item


def _copy_to_item(item: ServiceItem, v: ServiceItemVersion) -> None:
    item.name = v.name
    item.type = v.type
    item.department_id = v.department_id
    item.online_depth = v.online_depth
    item.topics = "|" + "".join(f"{t}|" for t in [*v.audiences, *v.life_events])
    item.place = v.place
    item.search_text = " ".join([v.basic_code, v.implementation_code, v.name, v.result_name, v.place])


def _write_version(session: Session, version: ServiceItemVersion, c: Checked) -> None:
    body = c.body
    version.basic_code = c.basic_code
    version.implementation_code = c.implementation_code
    version.name = body.name
    version.type = body.type.value
    version.level = body.level
    version.department_id = c.department.id
    version.applicant_types = [a.value for a in body.applicant_types]
    version.audiences = [a.value for a in body.audiences]
    version.life_events = [e.value for e in body.life_events]
    version.acceptance_conditions = body.acceptance_conditions
    version.legal_basis = body.legal_basis
    version.case_type = body.case_type.value
    version.legal_limit_value = body.legal_limit.value
    version.legal_limit_unit = body.legal_limit.unit.value
    version.promised_limit_value = body.promised_limit.value
    version.promised_limit_unit = body.promised_limit.unit.value
    version.handling_forms = [h.value for h in body.handling_forms]
    version.visits = body.visits
    version.special_procedures = [p.model_dump(mode="json") for p in body.special_procedures]
    version.fees = [f.model_dump(mode="json") for f in body.fees]
    version.process = [s.model_dump(mode="json") for s in body.process]
    version.place = body.place
    version.hours = body.hours
    version.consultation = body.consultation
    version.complaint = body.complaint
    version.online_depth = body.online_depth
    version.result_type = body.result_type.value
    version.result_name = body.result_name
    version.result_certificate_type = body.result_certificate_type or None
    version.faq = [q.model_dump(mode="json") for q in body.faq]
    version.note = body.note


def _parts(version_id: int, c: Checked) -> list[object]:
    rows: list[object] = []
    for i, m in enumerate(c.body.materials):
        rows.append(
            ServiceItemMaterial(
                version_id=version_id,
                position=i,
                code=m.code,
                name=m.name,
                form=m.form.value,
                required=m.required,
                source=c.sources[i],
                original=m.original,
                copies=m.copies,
                blank_form=m.blank_form,
                sample=m.sample,
                acceptance_standard=m.acceptance_standard,
                basis=m.basis,
                note=m.note,
            )
        )
    for i, f in enumerate(c.body.fields):
        rows.append(
            ServiceItemField(
                version_id=version_id,
                position=i,
                code=f.code,
                label=f.label,
                label_en=f.label_en,
                type=f.type.value,
                required=f.required,
                options=list(f.options),
            )
        )
    return rows


def save_draft(
    session: Session, principal: Principal, body: ItemIn, *, lookups: Lookups | None = None
) -> Saved:
    """Create an item (version 1, a draft) or write the draft of an existing one: the open draft
    is rewritten, or a new draft version follows the published one (which stays untouched)."""
    require_manage(principal)
    version, created = _save(session, principal, validate(session, body, lookups or Lookups()), audited=True)
    return Saved(_views(session, [version])[0], created)


def save_checked(session: Session, principal: Principal, c: Checked) -> bool:
    """``save_draft`` of an item already validated (the Excel import validates every row first,
    and writes one audit entry for the file); True when the item is new."""
    return _save(session, principal, c, audited=False)[1]


def existing_codes(session: Session, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` are items already (the import writes the others in bulk)."""
    return set(repo.items_by_codes(session, codes))


def save_new_many(
    session: Session, principal: Principal, checked: Sequence[Checked], *, chunk: int = 500
) -> None:
    """Create many new items at once (version 1, drafts), already validated and known not to
    exist (the Excel import): one flush per 500 items for the items, one for their versions, one
    for their materials and fields, instead of three per item.  Not audited here: the import
    writes one entry for the file."""
    require_manage(principal)
    scope: dict[int, bool] = {}
    now = clock.now()
    for start in range(0, len(checked), chunk):
        part = checked[start : start + chunk]
        pairs = []
        for c in part:
            check_scope(session, principal, c.department.id, cache=scope)
            item = _new_item(c, principal, now)
            version = ServiceItemVersion(
                item_id=0,
                version=1,
                status=VersionStatus.DRAFT.value,
                created_at=now,
                created_by=principal.username,
            )
            _write_version(session, version, c)
            _copy_to_item(item, version)
            pairs.append((item, version, c))
        repo.add(session, *(item for item, _v, _c in pairs))
        for item, version, _c in pairs:
            version.item_id = item.id
        repo.add(session, *(version for _i, version, _c in pairs))
        for item, version, c in pairs:
            item.draft_version_id = version.id
            repo.stage(session, *_parts(version.id, c))
        repo.add(session)


def _new_item(c: Checked, principal: Principal, now: datetime) -> ServiceItem:
    return ServiceItem(
        implementation_code=c.implementation_code,
        basic_code=c.basic_code,
        status=ItemStatus.DRAFT.value,
        created_at=now,
        created_by=principal.username,
        updated_at=now,
        updated_by=principal.username,
    )


def _save(
    session: Session, principal: Principal, c: Checked, *, audited: bool
) -> tuple[ServiceItemVersion, bool]:
    require_manage(principal)
    check_scope(session, principal, c.department.id)
    item = repo.item_by_code(session, c.implementation_code)
    now = clock.now()
    created = item is None
    if item is None:
        item = _new_item(c, principal, now)
        version = ServiceItemVersion(item_id=0, version=1, status=VersionStatus.DRAFT.value)
        _write_version(session, version, c)
        _copy_to_item(item, version)
        repo.add(session, item)
        version.item_id = item.id
    else:
        check_scope(session, principal, item.department_id, field="item")
        draft = repo.version_by_id(session, item.draft_version_id) if item.draft_version_id else None
        if draft is not None:
            repo.clear_draft_parts(session, draft.id)
            version = draft
        else:
            number = repo.last_version_number(session, item.id) + 1
            version = ServiceItemVersion(item_id=item.id, version=number, status=VersionStatus.DRAFT.value)
        _write_version(session, version, c)
        if item.status == ItemStatus.DRAFT.value:
            _copy_to_item(item, version)
        item.updated_at = now
        item.updated_by = principal.username
    version.created_at = now
    version.created_by = principal.username
    repo.add(session, version)
    item.draft_version_id = version.id
    repo.stage(session, *_parts(version.id, c))
    if audited:
        audit.record(
            session,
            "services.item_draft_saved",
            principal.actor,
            object_type="service_item",
            object_id=item.implementation_code,
            version=version.version,
            created=created,
        )
    return version, created


def publish(
    session: Session, principal: Principal, implementation_code: str, *, audited: bool = True
) -> ItemVersionView:
    """The draft becomes the version in force; the previous one is superseded (kept as it was)."""
    require_manage(principal)
    item = _get(session, implementation_code)
    check_scope(session, principal, item.department_id, field="item")
    draft = repo.version_by_id(session, item.draft_version_id) if item.draft_version_id else None
    if draft is None:
        raise Conflict(
            f"事项“{item.name}”没有待发布的草稿",
            f"the service item '{item.name}' has no draft to publish",
            field="item",
        )
    check_scope(session, principal, draft.department_id, field="department")
    now = clock.now()
    previous = repo.version_by_id(session, item.published_version_id) if item.published_version_id else None
    if previous is not None and previous.status == VersionStatus.PUBLISHED.value:
        previous.status = VersionStatus.SUPERSEDED.value
    draft.status = VersionStatus.PUBLISHED.value
    draft.published_at = now
    draft.published_by = principal.username
    item.published_version_id = draft.id
    item.draft_version_id = None
    item.status = ItemStatus.PUBLISHED.value
    item.retired_at = None
    item.updated_at = now
    item.updated_by = principal.username
    _copy_to_item(item, draft)
    repo.add(session, item, draft)
    if audited:
        audit.record(
            session,
            "services.item_published",
            principal.actor,
            object_type="service_item",
            object_id=item.implementation_code,
            version=draft.version,
            superseded=previous.version if previous is not None else None,
        )
    return _views(session, [draft])[0]


def retire(session: Session, principal: Principal, implementation_code: str, reason: str) -> ItemVersionView:
    """Stop new applications: the version in force is retired (applications under it go on)."""
    require_manage(principal)
    item = _get(session, implementation_code)
    check_scope(session, principal, item.department_id, field="item")
    if item.status != ItemStatus.PUBLISHED.value:
        raise Conflict(
            f"事项“{item.name}”未在发布状态，无法停用",
            f"the service item '{item.name}' is not published and cannot be retired",
            field="item",
        )
    version = repo.version_by_id(session, item.published_version_id or 0)
    assert version is not None
    now = clock.now()
    version.status = VersionStatus.RETIRED.value
    version.retired_at = now
    item.status = ItemStatus.RETIRED.value
    item.retired_at = now
    item.updated_at = now
    item.updated_by = principal.username
    repo.add(session, item, version)
    audit.record(
        session,
        "services.item_retired",
        principal.actor,
        object_type="service_item",
        object_id=item.implementation_code,
        version=version.version,
        reason=reason,
    )
    return _views(session, [version])[0]


def discard_draft(session: Session, principal: Principal, implementation_code: str) -> None:
    """Throw away the open draft of a published (or retired) item."""
    require_manage(principal)
    item = _get(session, implementation_code)
    check_scope(session, principal, item.department_id, field="item")
    draft = repo.version_by_id(session, item.draft_version_id) if item.draft_version_id else None
    if draft is None or item.status == ItemStatus.DRAFT.value:
        raise Conflict(
            "没有可丢弃的草稿（从未发布的事项请直接修改）",
            "there is no draft to discard (edit an item never published instead)",
            field="item",
        )
    item.draft_version_id = None
    repo.add(session, item)
    repo.delete_version(session, draft)
    audit.record(
        session,
        "services.item_draft_discarded",
        principal.actor,
        object_type="service_item",
        object_id=item.implementation_code,
        version=draft.version,
    )


def item_state(session: Session, implementation_code: str) -> tuple[ServiceItem, list[ItemVersionView]]:
    """An item with every version (newest first), for the stewardship page."""
    item = _get(session, implementation_code)
    return item, _views(session, repo.versions_of(session, item.id))
