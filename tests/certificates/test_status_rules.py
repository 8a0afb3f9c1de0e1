"""A certificate's status rules (certificates.status) with hand-written expectations; fast: run
against mutants (docs/mutation.md)."""

from __future__ import annotations

from datetime import date

from zhizhi.certificates import status
from zhizhi.certificates.enums import Outcome, Status

FROM, TO = date(2026, 1, 1), date(2026, 12, 31)


def test_effective_status() -> None:
    assert status.effective_status("valid", TO, date(2026, 6, 1)) is Status.VALID
    assert status.effective_status("valid", TO, TO) is Status.VALID  # valid through its last day
    assert status.effective_status("valid", TO, date(2027, 1, 1)) is Status.EXPIRED
    assert status.effective_status("valid", None, date(2099, 1, 1)) is Status.VALID  # no end
    assert status.effective_status("revoked", TO, date(2026, 6, 1)) is Status.REVOKED
    assert status.effective_status("revoked", TO, date(2027, 1, 1)) is Status.REVOKED
    assert status.effective_status("revoked", None, date(2026, 6, 1)) is Status.REVOKED


def test_validity_outcome() -> None:
    assert status.validity_outcome("valid", FROM, TO, date(2026, 6, 1)) is Outcome.VALID
    assert status.validity_outcome("valid", FROM, TO, FROM) is Outcome.VALID  # from its first day
    assert status.validity_outcome("valid", FROM, TO, TO) is Outcome.VALID
    assert status.validity_outcome("valid", FROM, TO, date(2025, 12, 31)) is Outcome.NOT_YET_VALID
    assert status.validity_outcome("valid", FROM, TO, date(2027, 1, 1)) is Outcome.EXPIRED
    assert status.validity_outcome("valid", FROM, None, date(2099, 1, 1)) is Outcome.VALID
    assert status.validity_outcome("revoked", FROM, TO, date(2026, 6, 1)) is Outcome.REVOKED
    assert status.validity_outcome("revoked", FROM, TO, date(2027, 1, 1)) is Outcome.REVOKED
    assert status.validity_outcome("revoked", FROM, TO, date(2025, 1, 1)) is Outcome.REVOKED


def test_revoked_once() -> None:
    assert status.can_revoke("valid") is True
    assert status.can_revoke("revoked") is False
