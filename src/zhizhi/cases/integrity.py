"""Case rows and timelines under the audit chain: digests sealed in each case write's audit entry.

Every write of a case — creation and each lifecycle action — already appends one audit entry in
its unit of work.  That entry's ``detail["integrity"]`` carries keyed digests (HMAC-SM3 with a
key derived from the audit key, truncated to 128 bits):

* ``case``  — of the case's covered fields (:data:`CASE_FIELDS`) as they stand after the write;
* ``event`` and ``seq`` — of the ``case_events`` row the write appended (:data:`EVENT_FIELDS`);
* ``units`` — of the co-units (协办单位, sorted department ids) when the action routed the case;
* ``k``     — the key id.

The entry is chained, so the digests cannot be changed without breaking the chain, and they are
keyed, so a phone number cannot be found from its digest.  :func:`verify` recomputes the digests
of the rows as they are now and compares them with the newest sealed ones: an edited case row,
an edited, inserted or deleted timeline event, changed co-units or a case row without any sealed
entry are each reported with the case number.  The fields are read through the columns' types
(what the application stores and reads back).  docs/audit.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.cases import eventtext
from zhizhi.cases.repository import integrity as repo
from zhizhi.core import auditkey, clock
from zhizhi.core.auditverify import Finding
from zhizhi.core.masking import redact_text

# The case fields that matter (status, units, outcome, contact): ONE list, column names.
CASE_FIELDS: tuple[str, ...] = (
    "status",
    "lead_department_id",
    "subject",
    "content",
    "personal_text",  # the appeal's own words where personal data was masked (SM4, docs/crypto.md)
    "contact_name",
    "contact_phone",
    "confidential",
    "reply",
    "rating",
    "resolved",
)
EVENT_FIELDS: tuple[str, ...] = (
    "seq",
    "action",
    "at",
    "actor_id",
    "actor_name",
    "actor_role",
    "from_status",
    "to_status",
    "reason",
    "payload",
)
DIGEST_HEX = 32  # 128 bits of the HMAC
_keys: dict[bytes, bytes] = {}  # chain key → digest key


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return clock.as_utc(value).isoformat(timespec="microseconds")
    return str(value)


def _canonical(kind: str, values: list[Any]) -> bytes:
    body = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_default)
    return f"{kind}|{body}".encode()


def _key(ring: auditkey.Keyring, key_id: str) -> bytes:
    chain_key = ring.get(key_id)
    cached = _keys.get(chain_key)
    if cached is None:
        if len(_keys) > 32:
            _keys.clear()
        cached = _keys[chain_key] = ring.digest_key(key_id)
    return cached


def _digest(key: bytes, kind: str, values: list[Any]) -> str:
    return auditkey.hmac_sm3(key, _canonical(kind, values))[:DIGEST_HEX]


def _get(row: Any, name: str) -> Any:
    return row.get(name) if isinstance(row, Mapping) else getattr(row, name)


def case_digest(key: bytes, row: Any) -> str:
    return _digest(key, "case", [_get(row, f) for f in CASE_FIELDS])


_REASON = EVENT_FIELDS.index("reason")


def _event_values(row: Any) -> list[Any]:
    """The sealed values of an event: the reason as given (``personal_text`` where masking changed
    it, so masking old rows in place keeps their seals), and a reply as given when one was kept."""
    values = [_get(row, f) for f in EVENT_FIELDS]
    words = eventtext.given(_get(row, "personal_text"))
    if "reason" in words:
        values[_REASON] = words["reason"]
    extra = {k: v for k, v in words.items() if k != "reason"}
    if extra:
        values.append(extra)
    return values


def event_digest(key: bytes, row: Any) -> str:
    return _digest(key, "event", _event_values(row))


def event_masking_consistent(row: Any) -> bool:
    """A masked reason is the masking of the sealed reason as given (an edit of the stored masked
    text is caught even though the seal covers the words as given)."""
    words = eventtext.given(_get(row, "personal_text"))
    return "reason" not in words or _get(row, "reason") == redact_text(str(words["reason"]))


def units_digest(key: bytes, department_ids: list[int]) -> str:
    return _digest(key, "units", sorted(department_ids))


def seal(case: Any, event: Mapping[str, Any], units: list[int] | None = None) -> dict[str, Any]:
    """The ``integrity`` detail of a case write's audit entry (``case``: the row after the write,
    an object or a mapping of column values; ``event``: the appended timeline row's values)."""
    ring = auditkey.load()
    key = _key(ring, ring.active_id)
    out: dict[str, Any] = {
        "k": ring.active_id,
        "case": case_digest(key, case),
        "seq": int(event["seq"]),
        "event": event_digest(key, event),
    }
    if units is not None:
        out["units"] = units_digest(key, units)
    return out


class _Checker:
    def __init__(self) -> None:
        self.ring = auditkey.load()
        self.findings: list[Finding] = []
        self.cases = 0
        self.events = 0

    def key(self, key_id: str) -> bytes | None:
        return _key(self.ring, key_id) if key_id in self.ring.keys else None

    def add(self, kind: str, number: str, message: str, seq: int | None = None) -> None:
        self.findings.append(Finding(kind, seq, message, ref=number))

    def check(self, group: repo.CaseGroup) -> None:
        number = group.number
        seals = [(seq, d) for seq, d in group.entries if isinstance(d.get("integrity"), dict)]
        if group.case is None:
            if seals:
                self.add(
                    "case_deleted", number, f"case {number} has sealed audit entries but no row: deleted"
                )
            return
        self.cases += 1
        if not seals:
            self.add(
                "case_row_unsealed", number, f"case {number} has no sealed audit entry: inserted or legacy"
            )
            return
        last_seq, last = seals[-1][0], seals[-1][1]["integrity"]
        key = self.key(str(last.get("k")))
        if key is None:
            self.add(
                "unknown_key", number, f"case {number} was sealed with a key the key file lacks", last_seq
            )
            return
        if case_digest(key, group.case) != last.get("case"):
            self.add(
                "case_row_edited",
                number,
                f"case {number}: the row differs from its seal (entry {last_seq})",
                last_seq,
            )
        routed = [(s, d["integrity"]) for s, d in seals if "units" in d["integrity"]]
        if routed:
            s, sealed = routed[-1]
            units_key = self.key(str(sealed.get("k")))
            if units_key is not None and units_digest(units_key, group.units) != sealed["units"]:
                self.add("case_units_edited", number, f"case {number}: co-units differ from entry {s}", s)
        elif group.units:
            self.add("case_units_edited", number, f"case {number}: co-units never sealed")
        sealed_events: dict[int, tuple[int, dict[str, Any]]] = {}
        for s, d in seals:
            sealed_events[int(d["integrity"]["seq"])] = (s, d["integrity"])
        for event in group.events:
            self.events += 1
            found = sealed_events.pop(int(_get(event, "seq")), None)
            if found is None:
                self.add(
                    "case_event_inserted",
                    number,
                    f"case {number} event {_get(event, 'seq')} was never sealed: inserted",
                )
                continue
            s, sealed = found
            event_key = self.key(str(sealed.get("k")))
            if event_key is not None and (
                event_digest(event_key, event) != sealed["event"] or not event_masking_consistent(event)
            ):
                self.add(
                    "case_event_edited",
                    number,
                    f"case {number} event {_get(event, 'seq')} differs from entry {s}: edited",
                    s,
                )
        for event_seq, (s, _) in sorted(sealed_events.items()):
            self.add(
                "case_event_deleted",
                number,
                f"case {number} event {event_seq} (entry {s}) is gone: deleted",
                s,
            )


def verify(session: Session, actions: list[str]) -> tuple[list[Finding], int, int]:
    """Compare every case row, its co-units and its timeline with their newest seals
    (``actions``: the audit actions that seal a case). Returns (findings, cases, events)."""
    checker = _Checker()
    for group in repo.case_groups(session, actions, CASE_FIELDS, EVENT_FIELDS):
        checker.check(group)
    return checker.findings, checker.cases, checker.events
