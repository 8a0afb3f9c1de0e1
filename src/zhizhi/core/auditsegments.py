"""A parallel walk of a long audit chain: contiguous ranges of sequence numbers, one process each.

Each entry's MAC covers its own ``prev_hash`` and ``seq``, so ranges can be checked apart; only
the joins need the neighbour: a range's first entry must sit right after the previous range's
last (else a gap: ``entry_deleted``) and link to its hash (else ``relinked``, as in the single
walk).  :func:`_stitch` checks the joins and merges anomalies that run across them, so the
findings are those of the single walk (tests compare the two on every kind of tampering).

On PostgreSQL the processes read the snapshot the caller's ``REPEATABLE READ`` transaction
exported (``pg_export_snapshot``): all of them see the same chain.  On SQLite each reads what is
committed when it starts; entries appended meanwhile lie beyond the last range's start and the
head read by the caller, so they are neither half-seen nor taken for tampering.  Processes are
spawned (not forked): nothing of the caller's engine or pool crosses.
"""

from __future__ import annotations

import atexit
import math
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from zhizhi.core import auditkey
from zhizhi.core.audit import GENESIS
from zhizhi.core.repository import audit as repo

if TYPE_CHECKING:
    from zhizhi.core.auditverify import Finding, _Anomaly, _Walker


@dataclass(slots=True)
class _Job:
    url: str
    snapshot: str | None
    key_path: str
    keys: dict[str, bytes]
    active_id: str
    after: int
    upto: int | None
    anchors: dict[int, list[dict[str, Any]]]


@dataclass(slots=True)
class _Part:
    count: int
    last_seq: int
    last_hash: str
    first: tuple[int, str, bool] | None
    last_flagged: bool
    legacy: int
    overflow: bool
    anomalies: list[_Anomaly] = field(default_factory=list)
    anchored_hash: list[Finding] = field(default_factory=list)


def _walk(job: _Job) -> _Part:
    """One range, in its own process and connection."""
    from zhizhi.core.auditverify import _Walker, walk_rows
    from zhizhi.core.db import make_engine

    engine = make_engine(job.url)  # one connection, disposed at the end
    ring = auditkey.Keyring(Path(job.key_path), job.keys, job.active_id)
    walker = _Walker(ring)
    found: list[Finding] = []
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(read_only=True)
            if job.snapshot is not None:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
                repo.import_snapshot(conn, job.snapshot)
            rows = walk_rows(conn, job.anchors, found, job.after, job.upto)
            count, last_seq, last_hash = walker.walk(rows, expected=None, prev_hash=None)
            conn.rollback()
    finally:
        engine.dispose()
    return _Part(
        count,
        last_seq,
        last_hash,
        walker.first,
        walker.last_flagged,
        walker.legacy,
        walker.overflow,
        walker.anomalies,
        found,
    )


def _bounds(top: int, workers: int) -> list[tuple[int, int | None]]:
    """``workers`` ranges ``(after, upto]`` covering 1..top; the last is open (entries beyond)."""
    step = math.ceil(top / workers)
    return [(i * step, (i + 1) * step if i < workers - 1 else None) for i in range(workers)]


def walk_parallel(
    session: Session,
    walker: _Walker,
    by_seq: dict[int, list[dict[str, Any]]],
    anchored_hash: list[Finding],
    top: int,
    workers: int,
) -> tuple[int, int, str]:
    """Walk 1..``top`` (and anything beyond) in ``workers`` processes; ``walker`` receives the
    stitched anomalies and counts.  Returns (rows seen, last seq, last hash) like ``walk``."""
    engine = session.get_bind().engine
    url = engine.url.render_as_string(hide_password=False)
    snapshot = repo.export_snapshot(session) if engine.dialect.name == "postgresql" else None
    ring = walker.ring
    jobs = [
        _Job(
            url,
            snapshot,
            str(ring.path),
            dict(ring.keys),
            ring.active_id,
            after,
            upto,
            {q: a for q, a in by_seq.items() if q > after and (upto is None or q <= upto)},
        )
        for after, upto in _bounds(top, workers)
    ]
    parts = list(_pool(workers).map(_walk, jobs))
    return _stitch(walker, parts, anchored_hash)


_POOLS: dict[int, ProcessPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _pool(workers: int) -> ProcessPoolExecutor:
    """The process pool of ``workers`` spawned processes, kept for this process's later walks
    (a spawn pays the interpreter's start and imports once); shut down at exit."""
    with _POOLS_LOCK:
        pool = _POOLS.get(workers)
        if pool is None:
            context = multiprocessing.get_context("spawn")
            pool = _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, mp_context=context)
            atexit.register(pool.shutdown, cancel_futures=True)
        return pool


def _stitch(walker: _Walker, parts: list[_Part], anchored_hash: list[Finding]) -> tuple[int, int, str]:
    """Check the joins between consecutive ranges and merge their anomalies into ``walker``."""
    from zhizhi.core.auditverify import MAX_FINDINGS, _Anomaly

    expected, prev_hash, flagged = 1, GENESIS, False
    count = last_seq = 0
    found: list[_Anomaly] = []
    for part in parts:
        anchored_hash.extend(part.anchored_hash)
        walker.legacy += part.legacy
        walker.overflow |= part.overflow
        if part.count == 0 or part.first is None:
            continue
        seq0, prev0, mac_ok = part.first
        if seq0 > expected:
            found.append(_Anomaly("gap", expected, seq0 - 1))
        if mac_ok and seq0 == expected and prev0 != prev_hash and not flagged:
            found.append(_Anomaly("relinked", seq0, seq0))
        found.extend(part.anomalies)
        count += part.count
        expected, prev_hash, flagged = part.last_seq + 1, part.last_hash, part.last_flagged
        last_seq = part.last_seq
    merged: list[_Anomaly] = []
    for a in found:
        last = merged[-1] if merged else None
        if last is not None and last.kind == a.kind and last.shift == a.shift and last.end == a.start - 1:
            last.end = a.end
        else:
            merged.append(a)
    if len(merged) > MAX_FINDINGS * 4:
        merged, walker.overflow = merged[: MAX_FINDINGS * 4], True
    walker.anomalies = merged
    return count, last_seq, prev_hash
