"""What the attachments capability hands to others."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AttachmentOut(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    id: int
    stage: str  # intake (before) | reply (after)
    filename: str
    content_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    latitude: float | None = None  # EXIF GPS of the original photo (the stored copy has no EXIF)
    longitude: float | None = None
    public: bool
    has_thumbnail: bool
    created_at: datetime
    uploaded_by: str | None = None
