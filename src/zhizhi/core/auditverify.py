"""Verifying the audit chain: every kind of tampering, named with its sequence number.

One streamed pass over ``audit_log`` (keyset pages, memory flat) recomputes each entry's
HMAC-SM3 over its own ``prev_hash`` and ``seq``.  An entry whose MAC fails is tried at the
neighbouring positions (``seq ± 1..3``): an authentic entry at the wrong place was *moved*.
The anomalies are then classified:

* ``entry_deleted``    — a gap in the numbering, or later entries renumbered down to close it;
* ``entry_inserted``   — an entry whose MAC fails, followed by entries renumbered up to make
  room (or lying beyond the head);
* ``entries_reordered``— authentic entries that swapped places;
* ``entry_edited``     — an entry whose MAC fails at its place and every neighbouring place;
* ``chain_truncated``  — the head names entries that are gone, or an anchor lies beyond the end;
* ``chain_rewritten``  — an anchor's hash differs from the entry it named (rewritten with the key);
* ``unknown_key`` / ``unkeyed`` — a key id the key file lacks / legacy SM3 entries
  (``zhizhi audit rekey``); ``anchor_invalid`` — a checkpoint whose SM2 signature fails.

Case events and case rows are checked by ``cases.integrity`` (the CLI runs both).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from zhizhi.core import anchor, auditkey
from zhizhi.core.audit import _ENCODER, GENESIS, canonical, chain_hash
from zhizhi.core.crypto import SM3_BACKEND
from zhizhi.core.repository import audit as repo

MAX_FINDINGS = 200
_SHIFTS = (1, -1, 2, -2, 3, -3)


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    seq: int | None  # the audit entry (or None); for case findings the case number is in ``ref``
    message: str
    ref: str | None = None


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    count: int
    findings: list[Finding] = field(default_factory=list)
    anchors: int = 0
    pending: int = 0  # committed entries still waiting in the inbox to be chained

    @property
    def bad_seq(self) -> int | None:
        return self.findings[0].seq if self.findings else None

    @property
    def problem(self) -> str | None:
        return self.findings[0].message if self.findings else None


class _Row:
    """A raw ``audit_log`` row with ``at`` as an aware UTC datetime and ``detail`` decoded."""

    __slots__ = (
        "action",
        "actor",
        "actor_id",
        "at",
        "detail",
        "hash",
        "key_id",
        "object_id",
        "object_type",
        "prev_hash",
        "seq",
    )

    def __init__(self, raw: Any) -> None:
        (
            self.seq,
            at,
            self.actor_id,
            self.actor,
            self.action,
            self.object_type,
            self.object_id,
            detail,
            self.prev_hash,
            self.hash,
            self.key_id,
        ) = raw
        if isinstance(at, str):
            at = datetime.fromisoformat(at)
        self.at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        self.detail = json.loads(detail) if isinstance(detail, str) else detail


@dataclass(slots=True)
class _Anomaly:
    kind: str  # gap, bad, moved, relinked, unknown_key
    start: int
    end: int
    shift: int = 0


class _Walker:
    def __init__(self, ring: auditkey.Keyring) -> None:
        self.ring = ring
        self.anomalies: list[_Anomaly] = []
        self.legacy = 0
        self.overflow = False
        self._bases: dict[bytes, Any] = {}
        # a segment's first row (seq, prev_hash, MAC right at its place) and whether its last
        # row was flagged: what :func:`_stitch` needs to check the joins between segments
        self.first: tuple[int, str, bool] | None = None
        self.last_flagged = False

    def _note(self, kind: str, seq: int, shift: int = 0) -> None:
        last = self.anomalies[-1] if self.anomalies else None
        if last is not None and last.kind == kind and last.shift == shift and last.end == seq - 1:
            last.end = seq
        elif len(self.anomalies) < MAX_FINDINGS * 4:
            self.anomalies.append(_Anomaly(kind, seq, seq, shift))
        else:
            self.overflow = True

    def mac(self, row: Any, seq: int, key: bytes | None) -> str:
        """The entry's MAC at position ``seq`` (its own ``prev_hash``): ``audit.entry_hash``
        inlined, with a keyed HMAC object copied per entry (the hot loop of a long chain)."""
        if key is None or SM3_BACKEND != "openssl":  # legacy SM3 entry, or gmssl's HMAC
            payload = canonical(
                seq,
                row.at,
                row.actor_id,
                row.actor,
                row.action,
                row.object_type,
                row.object_id,
                row.detail,
                row.key_id,
            )
            return chain_hash(row.prev_hash, payload, key)
        body = {
            "seq": seq,
            "at": row.at.isoformat(timespec="microseconds"),
            "actor_id": row.actor_id,
            "actor": row.actor,
            "action": row.action,
            "object_type": row.object_type,
            "object_id": row.object_id,
            "detail": row.detail,
            "key_id": row.key_id,
        }
        base = self._bases.get(key)
        if base is None:
            base = self._bases[key] = hmac.new(key, digestmod="sm3")
        mac = base.copy()
        mac.update(row.prev_hash.encode() + _ENCODER.encode(body).encode())
        return mac.hexdigest()

    def walk(
        self, rows: Iterable[Any], expected: int | None = 1, prev_hash: str | None = GENESIS
    ) -> tuple[int, int, str]:
        """Returns (rows seen, last seq, last hash).  ``expected``/``prev_hash`` None: a segment
        of a parallel walk, whose first row's place and link the caller checks (:func:`_stitch`)."""
        count, flagged_prev = 0, False
        keys: dict[str | None, bytes | None] = {None: None}
        last_seq = 0
        first = True
        for row in rows:
            count += 1
            if expected is None:
                expected = row.seq
            if row.seq > expected:
                self._note("gap", expected)
                self.anomalies[-1].end = row.seq - 1
            if row.key_id not in keys:
                keys[row.key_id] = self.ring.keys.get(row.key_id)
            key = keys[row.key_id]
            if row.key_id is None:
                self.legacy += 1
            elif key is None:
                self._note("unknown_key", row.seq)
                prev_hash, expected, last_seq, flagged_prev = row.hash, row.seq + 1, row.seq, True
                if first:
                    self.first, first = (row.seq, row.prev_hash, False), False
                continue
            if self.mac(row, row.seq, key) == row.hash:
                if first:
                    self.first = (row.seq, row.prev_hash, True)
                if (
                    prev_hash is not None
                    and row.prev_hash != prev_hash
                    and row.seq == expected
                    and not flagged_prev
                ):
                    self._note("relinked", row.seq)
                flagged_prev = False
            else:
                for shift in _SHIFTS:
                    if row.seq + shift > 0 and self.mac(row, row.seq + shift, key) == row.hash:
                        self._note("moved", row.seq, shift)
                        break
                else:
                    self._note("bad", row.seq)
                if first:
                    self.first = (row.seq, row.prev_hash, False)
                flagged_prev = True
            first = False
            prev_hash, expected, last_seq = row.hash, row.seq + 1, row.seq
        self.last_flagged = flagged_prev
        return count, last_seq, prev_hash or GENESIS


def _classify(anomalies: list[_Anomaly], head_seq: int) -> list[Finding]:
    out: list[Finding] = []
    i = 0
    while i < len(anomalies):
        a = anomalies[i]
        nxt = anomalies[i + 1] if i + 1 < len(anomalies) else None
        span = f"{a.start}" if a.start == a.end else f"{a.start}–{a.end}"
        if a.kind == "gap":
            out.append(Finding("entry_deleted", a.start, f"entry {span} is missing: deleted"))
        elif a.kind == "unknown_key":
            out.append(Finding("unknown_key", a.start, f"entry {span} names a key the key file lacks"))
        elif a.kind == "relinked":
            out.append(
                Finding(
                    "entry_edited",
                    a.start - 1,
                    f"entry {a.start} does not link to entry {a.start - 1}: "
                    f"entry {a.start - 1} was replaced (altered)",
                )
            )
        elif a.kind == "bad" and a.start > head_seq:
            out.append(Finding("entry_inserted", a.start, f"entry {span} lies beyond the head: inserted"))
        elif (
            a.kind == "bad"
            and nxt is not None
            and nxt.kind == "moved"
            and nxt.shift < 0
            and nxt.start == a.end + 1
        ):
            out.append(
                Finding("entry_inserted", a.start, f"entry {span} was inserted (later entries renumbered up)")
            )
            i += 1
        elif a.kind == "bad":
            out.append(Finding("entry_edited", a.start, f"entry {span} was altered (MAC mismatch): edited"))
        elif (
            a.kind == "moved"
            and nxt is not None
            and nxt.kind == "moved"
            and nxt.shift == -a.shift
            and (nxt.start == a.end + 1)
        ):
            end = nxt.end
            out.append(Finding("entries_reordered", a.start, f"entries {a.start}–{end} were reordered"))
            i += 1
        elif a.kind == "moved" and a.shift > 0:
            out.append(
                Finding(
                    "entry_deleted",
                    a.start,
                    f"{a.shift} entr{'y' if a.shift == 1 else 'ies'} before entry {a.start} deleted "
                    f"(entries {span} renumbered down)",
                )
            )
        else:
            out.append(Finding("entries_reordered", a.start, f"entry {span} is out of place: reordered"))
        i += 1
    return out


def _anchors(session: Session | Connection) -> tuple[dict[int, list[dict[str, Any]]], list[Finding], int]:
    """Checkpoints from the configured store, by sequence number; bad signatures are findings."""
    found: dict[int, list[dict[str, Any]]] = {}
    problems: list[Finding] = []
    items = list(anchor.store().read())
    if not items:
        return found, problems, 0
    key = anchor.load_key(need_private=False)
    for n, item in enumerate(items, 1):
        try:
            ok = key.verify(str(item["sig"]), anchor.signed_bytes(item))
        except (KeyError, TypeError):
            ok = False
        if not ok:
            problems.append(Finding("anchor_invalid", None, f"checkpoint {n} has no valid SM2 signature"))
            continue
        found.setdefault(int(item["seq"]), []).append(item)
    return found, problems, len(items)


def walk_rows(
    conn: Connection,
    by_seq: dict[int, list[dict[str, Any]]],
    anchored_hash: list[Finding],
    after: int = 0,
    upto: int | None = None,
) -> Iterable[_Row]:
    """The entries ``after < seq <= upto`` as :class:`_Row`, each checked against the checkpoints
    that name it (a mismatch is a ``chain_rewritten`` finding added to ``anchored_hash``)."""
    for raw in repo.entry_rows_raw(conn, after=after, upto=upto):  # no ORM, no result processing
        row = _Row(raw)
        for item in by_seq.get(row.seq, ()):
            if item["hash"] != row.hash:
                anchored_hash.append(
                    Finding(
                        "chain_rewritten",
                        row.seq,
                        f"entry {row.seq} differs from the checkpoint of {item['at']}: the chain was "
                        f"rewritten back past entry {row.seq}",
                    )
                )
        yield row


def verify_chain(
    session: Session, *, anchors: bool = True, workers: int = 1, min_per_worker: int = 100_000
) -> VerifyResult:
    """Walk the whole chain, then the head and the anchors; every finding, in chain order.

    On PostgreSQL a session not yet in a transaction reads one snapshot (``REPEATABLE READ``):
    entries sealed while the walk runs are neither half-seen nor taken for a truncation.
    ``workers`` > 1 splits a chain of at least ``workers × min_per_worker`` entries into that many
    ranges of sequence numbers walked by as many processes (:mod:`zhizhi.core.auditsegments`; on
    PostgreSQL they read this session's exported snapshot); the findings are the same."""
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    ring = auditkey.load()
    by_seq: dict[int, list[dict[str, Any]]] = {}
    anchor_findings: list[Finding] = []
    n_anchors = 0
    if anchors:
        by_seq, anchor_findings, n_anchors = _anchors(session)
    anchored_hash: list[Finding] = []
    top = repo.max_seq(session) if workers > 1 else 0
    if workers > 1 and top >= workers * max(min_per_worker, 1):
        from zhizhi.core import auditsegments

        walker = _Walker(ring)
        count, last_seq, last_hash = auditsegments.walk_parallel(
            session, walker, by_seq, anchored_hash, top, workers
        )
    else:
        walker = _Walker(ring)
        count, last_seq, last_hash = walker.walk(walk_rows(session.connection(), by_seq, anchored_hash))
    head_seq, head_hash = repo.head(session) or (0, GENESIS)
    findings = _classify(walker.anomalies, head_seq)
    if head_seq > last_seq:
        findings.append(
            Finding(
                "chain_truncated",
                last_seq + 1,
                f"the chain ends at entry {last_seq} but the head records entry {head_seq}: "
                "newest entries deleted",
            )
        )
    elif head_seq == last_seq and head_hash != last_hash:
        findings.append(Finding("entry_edited", last_seq, f"entry {last_seq} differs from the head: altered"))
    for seq in sorted(s for s in by_seq if s > last_seq):
        at = by_seq[seq][0]["at"]
        findings.append(
            Finding(
                "chain_truncated",
                seq,
                f"the checkpoint of {at} records entry {seq} but the chain ends at entry {last_seq}: "
                "truncated",
            )
        )
    findings += anchored_hash + anchor_findings
    if walker.legacy:
        findings.append(
            Finding(
                "unkeyed", None, f"{walker.legacy} legacy entries are not keyed: run `zhizhi audit rekey`"
            )
        )
    if walker.overflow:
        findings.append(Finding("too_many", None, "more anomalies than reported; the first ones are shown"))
    return VerifyResult(not findings, count, findings, n_anchors, repo.pending_count(session))
