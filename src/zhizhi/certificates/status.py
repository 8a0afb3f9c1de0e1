"""Pure status rules of an electronic certificate: the stored status (valid or revoked) and the
validity dates give its effective status and what a verification says of it on a day (revoked
wins over expired, expired over not yet valid).  Days are local (Asia/Shanghai) dates; a
certificate is valid through its ``valid_to`` day and from its ``valid_from`` day."""

from __future__ import annotations

from datetime import date

from zhizhi.certificates.enums import Outcome, Status


def effective_status(stored: str, valid_to: date | None, today: date) -> Status:
    """``expired`` is never stored: it is the day after ``valid_to`` (no ``valid_to``: for good)."""
    if stored == Status.REVOKED:
        return Status.REVOKED
    if valid_to is not None and valid_to < today:
        return Status.EXPIRED
    return Status.VALID


def validity_outcome(stored: str, valid_from: date, valid_to: date | None, today: date) -> Outcome:
    """What a verification of a genuine certificate says on ``today``."""
    status = effective_status(stored, valid_to, today)
    if status is Status.REVOKED:
        return Outcome.REVOKED
    if status is Status.EXPIRED:
        return Outcome.EXPIRED
    if valid_from > today:
        return Outcome.NOT_YET_VALID
    return Outcome.VALID


def can_revoke(stored: str) -> bool:
    """A certificate is revoked once; a revocation is never undone."""
    return stored != Status.REVOKED
