"""Open311 tables: the posting clients (API keys, only their SHA-256 digests) and the tokens
handed back for posted requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from zhizhi.core.db import Base, JSONType, UTCDateTime


class Open311Client(Base):
    """A system allowed to post requests. Its key is shown once at creation; the table keeps a
    public prefix (to find the row) and the SHA-256 digest of the whole key. Cases it posts are
    filed under its own account (``user_id``, role 群众) so they are traced to the client."""

    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    key_prefix: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    key_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(120), nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 0018: the area it may file requests in (a division code prefix; None: the whole city) and
    # the services it may post to (category codes, each with its subtree; None or empty: all)
    division_prefix: Mapped[str | None] = mapped_column(String(12))
    service_codes: Mapped[list[str] | None] = mapped_column(JSONType)


class Open311Token(Base):
    """The token returned for a posted request; ``tokens/{token}.json`` gives its case number."""

    __tablename__ = "open311_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    client_id: Mapped[int] = mapped_column(ForeignKey("open311_clients.id"), nullable=False, index=True)
    case_number: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
