"""Case attachments: who may add and read a case's photos and files (the case engine decides;
the attachments capability stores them), downloads audited when the case holds personal data,
and signed links for the public photos on the citizen's tracking page."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from zhizhi.attachments import service as attachments
from zhizhi.attachments.imaging import Prepared
from zhizhi.attachments.schemas import AttachmentOut
from zhizhi.attachments.service import Upload
from zhizhi.cases import repository as repo
from zhizhi.cases import service
from zhizhi.cases.models import Case
from zhizhi.core import audit, clock
from zhizhi.core.errors import Forbidden, NotFound, ValidationFailed
from zhizhi.core.permissions import Permission, Role
from zhizhi.core.principal import Principal
from zhizhi.core.settings import get_settings

FIELD = "files"
PUBLIC_LINK_SECONDS = 3600  # a tracking page's photo links work for an hour
_MAY_ADD = (Permission.CASE_CREATE, Permission.CASE_HANDLE, Permission.CASE_REPLY)

prepare = attachments.prepare


def may_add(principal: Principal, case: Case) -> bool:
    if principal.role is Role.PUBLIC:
        return principal.user_id != 0 and case.reporter_id == principal.user_id
    return any(principal.can(p) for p in _MAY_ADD)


def attach_new(
    session: Session, case: Case, prepared: Sequence[Prepared], principal: Principal | None
) -> list[AttachmentOut]:
    """The photos of a case being created in this unit of work (portal, intake form, grid
    worker): checked by :func:`prepare` before the case was created."""
    actor = principal.actor if principal is not None else service.ANONYMOUS.actor
    return attachments.save(session, case.id, prepared, stage="intake", public=True, actor=actor, field=FIELD)


PHOTO_ACTIONS = ("reply", "answer_directly")  # the action forms that take "after" photos


def attach_after(
    session: Session, principal: Principal, number: str, prepared: Sequence[Prepared]
) -> list[AttachmentOut]:
    """The photos sent with a reply (checked by :func:`prepare` before the action was taken)."""
    case = service.get_case(session, principal, number)
    if not may_add(principal, case):
        raise Forbidden("当前角色不能为该工单添加附件", "your role cannot add attachments to this case")
    return attachments.save(
        session, case.id, prepared, stage="reply", public=True, actor=principal.actor, field=FIELD
    )


def add(
    session: Session,
    principal: Principal,
    number: str,
    uploads: Sequence[Upload],
    *,
    stage: str = "intake",
    public: bool = True,
) -> list[AttachmentOut]:
    """Add files to a visible case: intake staff, handlers (before/after photos of a reply) and
    the citizen who reported it."""
    case = service.get_case(session, principal, number)
    if not may_add(principal, case):
        raise Forbidden("当前角色不能为该工单添加附件", "your role cannot add attachments to this case")
    prepared = attachments.prepare(uploads, FIELD)
    return attachments.save(
        session, case.id, prepared, stage=stage, public=public, actor=principal.actor, field=FIELD
    )


def listing(session: Session, principal: Principal, number: str) -> list[AttachmentOut]:
    case = service.get_case(session, principal, number)
    return attachments.list_for_case(session, case.id)


def of_case(session: Session, case: Case) -> list[AttachmentOut]:
    """The attachments of a case the caller has already been shown (the case page)."""
    return attachments.list_for_case(session, case.id)


def _has_personal_data(case: Case) -> bool:
    return bool(case.contact_name or case.contact_phone or case.personal_text or case.confidential)


def download(
    session: Session, principal: Principal, number: str, attachment_id: int, *, thumbnail: bool = False
) -> tuple[AttachmentOut, bytes, str]:
    """A visible case's file; reading the full file of a case with personal data is audited."""
    case = service.get_case(session, principal, number)
    out, data, content_type = attachments.read(session, case.id, attachment_id, thumbnail=thumbnail)
    if not thumbnail and _has_personal_data(case):
        audit.record(
            session,
            "attachment.read",
            principal.actor,
            object_type="attachment",
            object_id=out.id,
            case=case.number,
        )
    return out, data, content_type


# ---- the tracking page's photos (no login: signed, expiring links) ------------------------------


def _signature(number: str, attachment_id: int, expires: int) -> str:
    key = get_settings().secret_key.encode()
    message = f"attachment:{number}:{attachment_id}:{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class PublicPhoto:
    attachment: AttachmentOut
    url: str
    thumb_url: str


def public_photos(session: Session, number: str) -> list[PublicPhoto]:
    """The public photos of a case the caller has just verified (number + phone) with links."""
    case = repo.find(session, number.strip())
    if case is None:
        return []
    expires = int(clock.now().timestamp()) + PUBLIC_LINK_SECONDS
    photos = []
    for att in attachments.list_for_case(session, case.id, public_only=True):
        sig = _signature(case.number, att.id, expires)
        base = f"/track/photos/{case.number}/{att.id}"
        query = f"?e={expires}&s={sig}"
        photos.append(PublicPhoto(att, base + query, f"{base}/thumb{query}"))
    return photos


def public_photo(
    session: Session, number: str, attachment_id: int, expires: int, signature: str, *, thumbnail: bool
) -> tuple[AttachmentOut, bytes, str]:
    good = hmac.compare_digest(signature, _signature(number, attachment_id, expires))
    case = repo.find(session, number) if good and expires >= clock.now().timestamp() else None
    if case is None:
        raise NotFound("链接无效或已过期，请重新查询", "link invalid or expired; track the case again")
    return attachments.read(session, case.id, attachment_id, thumbnail=thumbnail, public_only=True)


def point_of(
    latitude: str, longitude: str, prepared: Sequence[Prepared]
) -> tuple[float | None, float | None]:
    """The case's point from the form's map fields, else the first photo's EXIF GPS (offered as
    the case's location; docs/attachments.md). A malformed point is a 422 naming the field."""
    lat_text, lng_text = latitude.strip(), longitude.strip()
    if lat_text or lng_text:
        try:
            lat, lng = float(lat_text), float(lng_text)
        except ValueError:
            raise ValidationFailed("地图位置无效", "invalid map point", field="latitude") from None
        if not (math.isfinite(lat) and math.isfinite(lng) and -90 <= lat <= 90 and -180 <= lng <= 180):
            raise ValidationFailed("地图位置无效", "invalid map point", field="latitude")
        return lat, lng
    for p in prepared:
        if p.latitude is not None and p.longitude is not None:
            return p.latitude, p.longitude
    return None, None


def form_limits() -> dict[str, int | str]:
    """The photo limits the forms show and check before sending (the server checks again)."""
    limit = get_settings().attachment_max_bytes
    return {"attachment_max_bytes": limit, "attachment_max_mb": f"{limit / 1_000_000:g}"}
