"""Bundle use cases of the applicant: the 免提交 preview of the merged form, the one submission
that opens every part's application in one unit of work, the derived status, and what a refused
part means for the rest (``settle``, called on the parts' case events).

One function per use case; flushes, never commits; every write audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from zhizhi.attachments.service import Upload
from zhizhi.core import audit, clock, fieldcrypt
from zhizhi.core.errors import Forbidden, NotFound, ValidationFailed
from zhizhi.core.masking import mask_id_number, mask_name
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.org import service as org
from zhizhi.services.bundles import answers, parts, rules
from zhizhi.services.bundles import repository as repo
from zhizhi.services.bundles import service as catalogue
from zhizhi.services.bundles.enums import (
    BUNDLE_STATE_LABELS,
    PART_OUTCOME_LABELS,
    REFUSALS,
    PartOutcome,
)
from zhizhi.services.bundles.models import BundleApplication, BundleApplicationPart
from zhizhi.services.bundles.schemas import (
    BundleApplicationIn,
    BundleApplicationOut,
    BundleFormOut,
    PartStatusOut,
    PrefillIn,
)
from zhizhi.services.prefill import service as prefill

SOURCE_KINDS_BY_DATA = ("shared", "certificate")


def _require_applicant(principal: Principal) -> str:
    """The channel of a submission: online for the public, at a window for staff who may
    submit applications (a clerk checks the originals)."""
    if not principal.can(Permission.APPLICATION_SUBMIT):
        raise Forbidden("无权提交办件申请", "not allowed to submit applications")
    return "online" if principal.role == Role.PUBLIC else "window"


def _gather(
    session: Session,
    principal: Principal,
    chosen: Sequence[rules.Part],
    identity: prefill.Identity,
) -> tuple[dict[str, str], dict[str, dict[str, dict[str, str]]]]:
    """Read what data provides, part by part under each part's department: the field values
    (first read wins) and, per part, the materials provided with where from."""
    cache = prefill.ReadCache()
    values: dict[str, str] = {}
    per_part: dict[str, dict[str, dict[str, str]]] = {}
    for part in chosen:
        got = prefill.fetch(
            session,
            principal,
            department_id=part.department_id,
            identity=identity,
            field_codes=[f.code for f in part.fields],
            materials=[(m.code, m.source_kind, m.source_code) for m in part.materials],
            cache=cache,
        )
        for code, value in got.values.items():
            values.setdefault(code, value)
        per_part[part.part] = got.materials
    return values, per_part


def _provided_for_all(
    chosen: Sequence[rules.Part], per_part: dict[str, dict[str, dict[str, str]]]
) -> set[str]:
    """Material codes data provided for every part that asks for them (else they are asked)."""
    asked_by: dict[str, list[str]] = {}
    for part in chosen:
        for m in part.materials:
            asked_by.setdefault(m.code, []).append(part.part)
    return {code for code, owners in asked_by.items() if all(code in per_part.get(o, {}) for o in owners)}


def preview(session: Session, principal: Principal, code: str, body: PrefillIn) -> BundleFormOut:
    """The merged form pre-filled from shared data for the applicant to confirm (免提交): every
    read is made under the reading department's grant and logged, so only with consent."""
    _require_applicant(principal)
    if not body.consent:
        raise ValidationFailed(
            "须先同意通过数据共享获取您的信息", "consent is needed before data is read", field="consent"
        )
    loaded = catalogue.load(session, code, for_new_application=True)
    identity = answers.identity(body.applicant)
    chosen = [p for p in loaded.parts if rules.eligible(p, identity.applicant_type)]
    values, per_part = _gather(session, principal, chosen, identity)
    provided = _provided_for_all(chosen, per_part)
    out = catalogue.form(session, code)
    for f in out.fields:
        f.value = values.get(f.code)
    for m in out.materials:
        if m.code in provided:
            m.provided = next(per_part[p][m.code] for p in m.parts if p in per_part and m.code in per_part[p])
    return out


def _masked_applicant(body: BundleApplicationIn, identity: prefill.Identity) -> str:
    name = (
        mask_name(body.applicant.name)
        if identity.applicant_type == answers.NATURAL_PERSON
        else body.applicant.name
    )
    key = identity.id_number if identity.applicant_type == answers.NATURAL_PERSON else identity.credit_code
    shown = mask_id_number(key) if identity.applicant_type == answers.NATURAL_PERSON else key
    return f"{name}（{shown}）"[:40]


def submit(
    session: Session,
    principal: Principal,
    code: str,
    body: BundleApplicationIn,
    files: dict[str, list[Upload]] | None = None,
) -> BundleApplicationOut:
    """One submission of the merged form: the bundle application and one application per part,
    all in this unit of work (any refusal raises and nothing is written).  With consent, the
    materials data provides are read and not asked for, and blank fields data can fill are
    filled (what the applicant saw in :func:`preview` and confirmed).  ``files``: uploaded files
    per material code (online); every part needing a material gets them (one document, given
    once for the whole bundle)."""
    channel = _require_applicant(principal)
    files = files or {}
    loaded = catalogue.load(session, code, for_new_application=True)
    identity = answers.identity(body.applicant)
    chosen = rules.choose_parts(loaded.parts, body.parts, identity.applicant_type)
    merged = rules.merge(chosen)
    values: dict[str, str] = {}
    per_part: dict[str, dict[str, dict[str, str]]] = {}
    if body.consent:
        values, per_part = _gather(session, principal, chosen, identity)
    by_data = _provided_for_all(chosen, per_part)
    given = sorted(set(body.materials) | set(files))
    final = answers.check(merged.fields, merged.materials, body.answers, given, values, sorted(by_data))
    prefilled = set(prefill.confirmed(values, final))
    now = clock.now()
    key = identity.id_number if identity.applicant_type == answers.NATURAL_PERSON else identity.credit_code
    row = BundleApplication(
        number=uuid.uuid4().hex[:24],
        bundle_id=loaded.bundle.id,
        applicant_user_id=(principal.user_id or None) if principal.role == Role.PUBLIC else None,
        applicant_type=identity.applicant_type,
        applicant_masked=_masked_applicant(body, identity),
        applicant_index=fieldcrypt.id_number_index(key) or "",
        channel=channel,
        consent=body.consent,
        fields_total=merged.fields_total,
        fields_asked=len(merged.fields) - len(prefilled),
        fields_prefilled=len(prefilled),
        materials_total=merged.materials_total,
        materials_asked=len(merged.materials) - len(by_data),
        submitted_at=now,
        submitted_by=principal.username,
    )
    repo.add(session, row)
    row.number = f"YJS{clock.today_local():%Y%m%d}{row.id:06d}"
    rows_by_part = {r.part: r for r in loaded.rows}
    for part in chosen:
        codes = {f.code for f in part.fields}
        from_data = {c: per_part[part.part][c] for c in (m.code for m in part.materials) if c in by_data}
        mine = {m.code for m in part.materials} - set(from_data)
        opened = parts.open_application(
            session,
            principal,
            part=part.part,
            version_id=part.version_id,
            applicant=body.applicant,
            phone=final.get("person.phone"),
            answers={c: v for c, v in final.items() if c in codes},
            materials=sorted(mine & set(body.materials)),
            files={c: f for c, f in files.items() if c in mine},
            by_data=sorted(from_data),
            window=channel == "window",
        )
        repo.add(
            session,
            BundleApplicationPart(
                application_id=row.id,
                bundle_item_id=rows_by_part[part.part].id,
                part=part.part,
                case_id=opened.case_id,
                version_id=part.version_id,
                item_name=part.item_name,
                department_id=part.department_id,
                outcome=PartOutcome.OPEN.value,
            ),
        )
        prefill.record(
            session,
            principal,
            opened.case_id,
            consent=body.consent,
            fields_total=len(part.fields),
            materials_total=len(part.materials),
            fields=sorted(prefilled & codes),
            materials=[{"code": c, **v} for c, v in from_data.items()],
        )
    session.flush()
    audit.record(
        session,
        "services.bundle_submitted",
        principal.actor,
        object_type="bundle_application",
        object_id=row.number,
        bundle=loaded.bundle.code,
        parts=[p.part for p in chosen],
        consent=body.consent,
        fields_total=row.fields_total,
        fields_asked=row.fields_asked,
        materials_total=row.materials_total,
        materials_asked=row.materials_asked,
    )
    return application_out(session, row)


# ---- status ------------------------------------------------------------------------------


def _departments_of(session: Session, row: BundleApplication) -> set[int]:
    bundle = repo.bundles_by_ids(session, [row.bundle_id])[row.bundle_id]
    out = {bundle.lead_department_id}
    out.update(p.department_id for p in repo.parts_of(session, [row.id])[row.id])
    return out


def _visible(session: Session, principal: Principal, row: BundleApplication) -> bool:
    if principal.role == Role.PUBLIC:
        return row.applicant_user_id is not None and row.applicant_user_id == principal.user_id
    if principal.role in (Role.ADMIN, Role.LEADER, Role.SUPERVISOR):
        return True
    if not principal.can(Permission.CASE_READ) or principal.department_id is None:
        return False
    return principal.department_id in _departments_of(session, row)


def get_application(session: Session, principal: Principal, number: str) -> BundleApplicationOut:
    """A bundle application's status (its applicant, the departments of its parts, leaders)."""
    if any(ord(c) < 32 for c in number) or len(number) > 24:
        raise NotFound("一件事申请不存在", "bundle application not found", field="number")
    row = repo.application_by_number(session, number)
    if row is None or not _visible(session, principal, row):
        raise NotFound(
            f"一件事申请 {number} 不存在", f"bundle application {number} not found", field="number"
        )
    return application_out(session, row)


def my_applications(session: Session, principal: Principal) -> list[BundleApplicationOut]:
    if principal.role == Role.PUBLIC:
        rows = repo.applications_of_user(session, principal.user_id)
    elif principal.role in (Role.ADMIN, Role.LEADER, Role.SUPERVISOR):
        rows = repo.recent_applications(session)
    else:
        rows = [r for r in repo.recent_applications(session) if _visible(session, principal, r)]
    return [application_out(session, r) for r in rows]


def _message(names: dict[str, str], part_rows: Sequence[BundleApplicationPart]) -> dict[str, str]:
    refused = [p for p in part_rows if PartOutcome(p.outcome) in REFUSALS]
    if not refused:
        return {"zh": "", "en": ""}
    zh, en = [], []
    for p in refused:
        label = PART_OUTCOME_LABELS[PartOutcome(p.outcome)]
        zh.append(f"「{names[p.part]}」{label[0]}")
        en.append(f"{names[p.part]}: {label[1].lower()}")
    withdrawn = [p for p in part_rows if p.outcome == PartOutcome.WITHDRAWN and p.outcome_reason]
    if withdrawn:
        zh.append("依赖它的" + "、".join(f"「{names[p.part]}」" for p in withdrawn) + "已撤回")
        en.append("parts depending on it withdrawn: " + ", ".join(names[p.part] for p in withdrawn))
    if any(p.outcome == PartOutcome.OPEN for p in part_rows):
        zh.append("其余事项继续办理")
        en.append("the other parts go on")
    return {"zh": "；".join(zh) + "。", "en": "; ".join(en) + "."}


def application_out(session: Session, row: BundleApplication) -> BundleApplicationOut:
    bundle = repo.bundles_by_ids(session, [row.bundle_id])[row.bundle_id]
    part_rows = repo.parts_of(session, [row.id])[row.id]
    items = repo.bundle_items_by_ids(session, [p.bundle_item_id for p in part_rows])
    infos = parts.states(session, [p.case_id for p in part_rows])
    figures = prefill.figures(session, [p.case_id for p in part_rows])
    depts = org.departments_by_ids(session, list({p.department_id for p in part_rows}))
    names = {p.part: p.item_name for p in part_rows}
    state = rules.derive_state(p.outcome for p in part_rows)
    zh, en = BUNDLE_STATE_LABELS[state]
    return BundleApplicationOut(
        number=row.number,
        bundle=bundle.code,
        bundle_name=bundle.name,
        applicant=row.applicant_masked,
        applicant_type=row.applicant_type,
        state=state.value,
        state_label={"zh": zh, "en": en},
        message=_message(names, part_rows),
        consent=row.consent,
        fields_total=row.fields_total,
        fields_asked=row.fields_asked,
        fields_prefilled=row.fields_prefilled,
        materials_total=row.materials_total,
        materials_asked=row.materials_asked,
        submitted_at=row.submitted_at,
        parts=[
            PartStatusOut(
                part=p.part,
                item_name=p.item_name,
                department_name=depts[p.department_id].name,
                application=infos[p.case_id][0],
                status=infos[p.case_id][1],
                outcome=p.outcome,
                outcome_reason=p.outcome_reason,
                depends_on=list(items[p.bundle_item_id].depends_on or []),
                fields_saved=figures[p.case_id].fields_saved if p.case_id in figures else 0,
                materials_saved=figures[p.case_id].materials_saved if p.case_id in figures else 0,
            )
            for p in part_rows
        ],
    )


# ---- what a decision on a part means for the rest ---------------------------------------

OUTCOME_OF_ACTION: dict[str, PartOutcome] = {
    "approve": PartOutcome.APPROVED,
    "decide_at_acceptance": PartOutcome.APPROVED,
    "deny": PartOutcome.DENIED,
    "refuse_acceptance": PartOutcome.NOT_ACCEPTED,
    "withdraw": PartOutcome.WITHDRAWN,
}


def settle(session: Session, case_id: int, action: str) -> None:
    """A part's application was decided (``action``): record the outcome; a refusal withdraws
    every open part that depends on it, with the reason (in the same unit of work)."""
    outcome = OUTCOME_OF_ACTION.get(action)
    if outcome is None:
        return
    part = repo.part_by_case(session, case_id, lock=True)
    if part is None or part.outcome != PartOutcome.OPEN:
        return
    now = clock.now()
    part.outcome, part.outcome_at = outcome.value, now
    session.flush()
    if outcome not in REFUSALS:
        return
    siblings = repo.parts_of(session, [part.application_id])[part.application_id]
    items = repo.bundle_items_by_ids(session, [p.bundle_item_id for p in siblings])
    depends = {p.part: list(items[p.bundle_item_id].depends_on or []) for p in siblings}
    by_key = {p.part: p for p in siblings}
    name = part.item_name
    label = PART_OUTCOME_LABELS[outcome]
    withdrawn = []
    for key in rules.dependants(depends, part.part):
        other = by_key[key]
        if other.outcome != PartOutcome.OPEN:
            continue
        zh = f"所依赖的事项「{name}」{label[0]}，本事项无法继续办理，已自动撤回"
        en = f"withdrawn: the part it depends on ({name}) was {label[1].lower()}"
        other.outcome, other.outcome_at, other.outcome_reason = (
            PartOutcome.WITHDRAWN.value,
            now,
            f"{zh} / {en}",
        )
        session.flush()
        parts.withdraw(session, other.case_id, zh, en)
        withdrawn.append(key)
    audit.record(
        session,
        "services.bundle_part_refused",
        audit.Actor.system(),
        object_type="bundle_application_part",
        object_id=part.id,
        part=part.part,
        outcome=outcome.value,
        withdrawn=withdrawn,
    )
