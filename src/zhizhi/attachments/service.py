"""Attachment rules: check every upload before anything is written, keep each case within its
budget, store the bytes only after the rows are flushed, and delete them again when the unit of
work rolls back (so a failure leaves neither an orphan row nor an orphan file). One function per
use case; flushes, never commits. Who may read or add a case's files is the case engine's
decision (cases.files): this capability knows case ids only."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from zhizhi.attachments import imaging
from zhizhi.attachments import repository as repo
from zhizhi.attachments.imaging import Prepared
from zhizhi.attachments.models import Attachment
from zhizhi.attachments.schemas import AttachmentOut
from zhizhi.attachments.storage import get_storage
from zhizhi.core import audit, clock
from zhizhi.core.errors import NotFound, PayloadTooLarge, ValidationFailed
from zhizhi.core.settings import get_settings

_PENDING = "attachments.pending_keys"
STAGES = ("intake", "reply")
MAX_FILES_PER_REQUEST = 12


@dataclass(frozen=True, slots=True)
class Upload:
    """One file as received: the name the client gave (display only) and its bytes."""

    name: str | None
    data: bytes


def prepare(uploads: Sequence[Upload], field: str = "files") -> list[Prepared]:
    """Check and prepare every upload (type by bytes, size, pixels, EXIF); writes nothing."""
    settings = get_settings()
    if len(uploads) > MAX_FILES_PER_REQUEST:
        raise ValidationFailed(
            f"一次最多上传 {MAX_FILES_PER_REQUEST} 个文件",
            f"at most {MAX_FILES_PER_REQUEST} files per upload",
            field=field,
        )
    return [
        imaging.prepare(
            u.name,
            u.data,
            allowed=settings.attachment_types,
            max_bytes=settings.attachment_max_bytes,
            max_pixels=settings.attachment_max_pixels,
            field=field,
        )
        for u in uploads
    ]


def _check_budget(session: Session, case_id: int, prepared: Sequence[Prepared], field: str) -> None:
    settings = get_settings()
    count, total = repo.usage(session, case_id)
    if count + len(prepared) > settings.attachment_case_max_files:
        raise ValidationFailed(
            f"每件工单最多 {settings.attachment_case_max_files} 个附件",
            f"a case holds at most {settings.attachment_case_max_files} attachments",
            field=field,
        )
    if total + sum(len(p.data) for p in prepared) > settings.attachment_case_max_bytes:
        mb = f"{settings.attachment_case_max_bytes / 1_000_000:g}"
        raise PayloadTooLarge(
            f"该工单的附件合计超过 {mb} MB 上限",
            f"the case's attachments exceed {mb} MB in total",
            field=field,
        )


def _key(case_id: int, now: datetime, ext: str, suffix: str = "") -> str:
    stamp = now.strftime("%Y%m%d%H%M%S")
    return f"case/{case_id}/{stamp}-{secrets.token_hex(8)}{suffix}.{ext}"


def save(
    session: Session,
    case_id: int,
    prepared: Sequence[Prepared],
    *,
    stage: str,
    public: bool,
    actor: audit.Actor,
    field: str = "files",
) -> list[AttachmentOut]:
    """Store checked uploads for a case: rows first (flushed), then the bytes; on rollback the
    bytes written are deleted again. PDFs are never public (their metadata is not stripped)."""
    if stage not in STAGES:
        raise ValidationFailed("附件阶段无效", "invalid attachment stage", field="stage")
    if not prepared:
        return []
    _check_budget(session, case_id, prepared, field)
    now = clock.now()
    rows = []
    for p in prepared:
        ext = imaging.EXTENSIONS[p.content_type]
        rows.append(
            Attachment(
                case_id=case_id,
                stage=stage,
                filename=p.filename,
                content_type=p.content_type,
                size_bytes=len(p.data),
                sha256=p.sha256,
                storage_key=_key(case_id, now, ext),
                thumb_key=_key(case_id, now, "jpg", "-thumb") if p.thumbnail else None,
                width=p.width,
                height=p.height,
                latitude=p.latitude,
                longitude=p.longitude,
                public=public and p.is_image,
                uploaded_by=actor.name[:80],
                uploaded_by_id=actor.id,
                created_at=now,
            )
        )
    repo.add(session, rows)
    storage = get_storage()
    pending: list[str] = session.info.setdefault(_PENDING, [])
    for row, p in zip(rows, prepared, strict=True):
        pending.append(row.storage_key)
        storage.put(row.storage_key, p.data, p.content_type)
        if row.thumb_key and p.thumbnail:
            pending.append(row.thumb_key)
            storage.put(row.thumb_key, p.thumbnail, "image/jpeg")
        audit.record(
            session,
            "attachment.create",
            actor,
            object_type="attachment",
            object_id=row.id,
            case_id=case_id,
            stage=stage,
            content_type=row.content_type,
            size=row.size_bytes,
            sha256=row.sha256,
            public=row.public,
        )
    return [to_out(r) for r in rows]


def to_out(row: Attachment, *, staff: bool = True) -> AttachmentOut:
    return AttachmentOut(
        id=row.id,
        stage=row.stage,
        filename=row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        width=row.width,
        height=row.height,
        latitude=row.latitude if staff else None,
        longitude=row.longitude if staff else None,
        public=row.public,
        has_thumbnail=row.thumb_key is not None,
        created_at=row.created_at,
        uploaded_by=row.uploaded_by if staff else None,
    )


def list_for_case(session: Session, case_id: int, *, public_only: bool = False) -> list[AttachmentOut]:
    return [to_out(r, staff=not public_only) for r in repo.of_case(session, case_id, public_only=public_only)]


def counts(session: Session, case_id: int) -> tuple[int, int]:
    """(files, bytes) a case holds."""
    return repo.usage(session, case_id)


def read(
    session: Session, case_id: int, attachment_id: int, *, thumbnail: bool = False, public_only: bool = False
) -> tuple[AttachmentOut, bytes, str]:
    """One attachment's bytes (or its thumbnail's) and their content type; 404 when the case has
    no such attachment (or, ``public_only``, no such public one)."""
    row = repo.one(session, case_id, attachment_id)
    if row is None or (public_only and not row.public) or (thumbnail and row.thumb_key is None):
        raise NotFound("附件不存在", "attachment not found", field="attachment")
    key = row.thumb_key if thumbnail and row.thumb_key else row.storage_key
    data = get_storage().get(key)
    return to_out(row, staff=not public_only), data, "image/jpeg" if thumbnail else row.content_type


def sweep_orphans(session: Session, *, older_than: timedelta = timedelta(hours=1)) -> int:
    """Delete stored files no row names (a process that died between writing a file and its
    commit); files younger than ``older_than`` may belong to a unit of work still running."""
    storage = get_storage()
    cutoff = (clock.now() - older_than).strftime("%Y%m%d%H%M%S")
    candidates = [
        k for k in storage.list_keys("case/") if _stamp(k) is not None and (_stamp(k) or "") < cutoff
    ]
    deleted = 0
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        known = repo.known_keys(session, chunk)
        for key in chunk:
            if key not in known:
                storage.delete(key)
                deleted += 1
    return deleted


def _stamp(key: str) -> str | None:
    name = key.rsplit("/", 1)[-1]
    stamp = name.split("-", 1)[0]
    return stamp if len(stamp) == 14 and stamp.isdigit() else None


# --------------------------------------------------------------------------- rollback clean-up


def _after_commit(session: Session) -> None:
    session.info.pop(_PENDING, None)  # committed: the files are the rows' now


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    keys: list[Any] = session.info.pop(_PENDING, None) or []
    if keys:
        storage = get_storage()
        for key in keys:
            try:
                storage.delete(key)
            except Exception:  # noqa: S112  # the sweep removes what cannot be deleted now
                continue


event.listen(Session, "after_commit", _after_commit)
event.listen(Session, "after_transaction_end", _after_transaction_end)
