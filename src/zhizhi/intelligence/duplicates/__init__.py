"""Duplicate-appeal detection (并单): rank open cases that describe the same matter as a new appeal.

Score (documented in docs/intelligence-analysis.md)::

    text  = max(cos(subject+body), 0.5·cos(subject+body) + 0.5·cos(subject))   # char 2–3-gram TF-IDF
    place = max(coordinate proximity, grid/division code match, place-mention overlap)
    time  = exp(-|Δdays| / 30)
    score = 0.60·text + 0.25·place + 0.15·time            (each in [0, 1])

A candidate is returned when ``score ≥ threshold`` (default :data:`DEFAULT_THRESHOLD`) and its
text similarity is at least :data:`MIN_TEXT` (place and time alone never make a duplicate).
Conflicting places (different districts / grid codes / > 2 km apart) multiply the score by 0.6.

Candidates are vectorised once in a :class:`DuplicateIndex`; :func:`find_duplicates` is the
stateless one-shot form (it builds a throw-away index).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from zhizhi.intelligence.textsim import (
    Places,
    extract_places,
    idf_weights,
    ngram_matrix,
    place_overlap,
    tfidf,
)
from zhizhi.ui import i18n
from zhizhi.ui.i18n import N_, message

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_THRESHOLD = 0.40
MIN_TEXT = 0.25
W_TEXT, W_PLACE, W_TIME = 0.60, 0.25, 0.15
TIME_SCALE_DAYS = 30.0
CONFLICT_FACTOR = 0.6
_BODY_CHARS = 600


@dataclass(frozen=True, slots=True)
class Appeal:
    """An appeal or open case; every field except the text is optional."""

    subject: str = ""
    body: str = ""
    created_at: datetime | None = None
    id: str = ""
    address: str | None = None
    division_code: str | None = None
    grid_code: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """One candidate above the threshold, with its component scores and human reasons."""

    id: str
    score: float
    text: float
    place: float
    time: float
    reasons: tuple[str, ...] = field(default_factory=tuple)  # "中文 / English", for the CLI and logs
    why: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # the same as catalogue messages


LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _texts(reasons: Sequence[dict[str, Any]]) -> tuple[str, ...]:
    return tuple(f"{i18n.render(r, 'zh', LOCALE)} / {i18n.render(r, 'en', LOCALE)}" for r in reasons)


def _aware(ts: datetime | None) -> datetime | None:
    if ts is None:
        return None
    return ts.replace(tzinfo=SHANGHAI) if ts.tzinfo is None else ts


def _full_text(a: Appeal) -> str:
    return f"{a.subject or ''} {(a.body or '')[:_BODY_CHARS]}"


def _place_text(a: Appeal) -> str:
    return f"{a.subject or ''} {a.address or ''} {(a.body or '')[:300]}"


#: Place mentions of recently seen place texts.  The stateless path builds a new index for every
#: appeal over the same pool of open cases, and a hotspot makes every candidate pass the text
#: filter, so without this the same open cases' places were extracted again for every appeal
#: (17 % of the AI worker's time with 1,000 near-identical open cases).  ``Places`` is frozen,
#: the key is at most a subject, an address and 300 characters.
_cached_places = functools.lru_cache(maxsize=4096)(extract_places)


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


def _valid_coords(a: Appeal) -> bool:
    return (
        a.lat is not None
        and a.lon is not None
        and math.isfinite(a.lat)
        and math.isfinite(a.lon)
        and -90 <= a.lat <= 90
        and -180 <= a.lon <= 180
    )


def place_similarity(
    a: Appeal, b: Appeal, pa: Places, pb: Places
) -> tuple[float, bool, list[dict[str, Any]]]:
    """Return (similarity in [0, 1], conflict flag, reasons) for two appeals' place fields."""
    best, conflict = 0.0, False
    reasons: list[dict[str, Any]] = []
    if _valid_coords(a) and _valid_coords(b):
        d = _haversine_m(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
        s = 1.0 if d <= 100 else max(0.0, 1.0 - (d - 100) / 900)
        if s > 0:
            reasons.append(message(N_("dup.distance"), m=f"{d:.0f}"))
        conflict |= d > 2000
        best = max(best, s)
    if a.grid_code and b.grid_code:
        if a.grid_code == b.grid_code:
            best = max(best, 0.9)
            reasons.append(message(N_("dup.grid"), grid=a.grid_code))
        else:
            conflict = conflict or best < 0.5
    if a.division_code and b.division_code:
        da, db = a.division_code.rstrip("0"), b.division_code.rstrip("0")
        if da == db:
            s = 0.6 if len(a.division_code.rstrip("0")) >= 9 else 0.3
            best = max(best, s)
            reasons.append(message(N_("dup.division"), division=a.division_code))
        elif not (da.startswith(db) or db.startswith(da)):
            conflict = True
    s = place_overlap(pa, pb)
    if s > best:
        best = s
    shared = sorted(pa.named & pb.named)
    if shared:
        reasons.append(
            message(N_("dup.place"), places={"zh": "、".join(shared[:3]), "en": ", ".join(shared[:3])})
        )
    elif s >= 0.3 and pa.divisions & pb.divisions:
        common = sorted(pa.divisions & pb.divisions)
        reasons.append(
            message(
                N_("dup.district"),
                districts={"zh": "、".join(common).upper(), "en": ", ".join(common).upper()},
            )
        )
    if pa.divisions and pb.divisions and not pa.divisions & pb.divisions and not shared:
        conflict = True
    return best, conflict, reasons


class DuplicateIndex:
    """Vectorised open cases; :meth:`query` ranks them against a new appeal."""

    def __init__(self, candidates: Sequence[Appeal]) -> None:
        self.candidates = list(candidates)
        full = ngram_matrix([_full_text(c) for c in self.candidates], cache=True)
        subj = ngram_matrix([c.subject or "" for c in self.candidates], cache=True)
        self._idf = idf_weights(full)
        self._full = tfidf(full, self._idf)
        self._subj = tfidf(subj, self._idf)
        self._places: list[Places | None] = [None] * len(self.candidates)

    def _place(self, i: int) -> Places:
        p = self._places[i]
        if p is None:
            p = self._places[i] = _cached_places(_place_text(self.candidates[i]))
        return p

    def text_scores(self, appeal: Appeal) -> np.ndarray:
        """Text similarity of ``appeal`` to every candidate (array in [0, 1])."""
        if not self.candidates:
            return np.zeros(0)
        q_full = tfidf(ngram_matrix([_full_text(appeal)]), self._idf)
        q_subj = tfidf(ngram_matrix([appeal.subject or ""]), self._idf)
        full = np.asarray((self._full @ q_full.T).toarray()).ravel()
        subj = np.asarray((self._subj @ q_subj.T).toarray()).ravel()
        has_subj = bool(q_subj.nnz)
        mixed = 0.5 * full + 0.5 * subj if has_subj else full
        return np.asarray(np.clip(np.maximum(full, mixed), 0.0, 1.0))

    def score_many(
        self, appeals: Sequence[Appeal], *, min_text: float = MIN_TEXT, top: int | None = None
    ) -> list[list[DuplicateMatch]]:
        """:meth:`score_all` for several appeals at once (one sparse product for all of them: the
        cockpit's recurrence count compares every closed case with the later appeals); ``top``:
        score only the ``top`` candidates of highest text similarity of each appeal."""
        if not self.candidates or not appeals:
            return [[] for _ in appeals]
        q_full = tfidf(ngram_matrix([_full_text(a) for a in appeals]), self._idf)
        q_subj = tfidf(ngram_matrix([a.subject or "" for a in appeals]), self._idf)
        full = np.asarray((q_full @ self._full.T).toarray())
        subj = np.asarray((q_subj @ self._subj.T).toarray())
        has_subj = np.asarray(q_subj.getnnz(axis=1) > 0)[:, None]
        text = np.clip(np.maximum(full, np.where(has_subj, 0.5 * full + 0.5 * subj, full)), 0.0, 1.0)
        out: list[list[DuplicateMatch]] = []
        for k, appeal in enumerate(appeals):
            qp = extract_places(_place_text(appeal))
            row = text[k]
            keep = np.flatnonzero(row >= min_text)
            if top is not None and keep.size > top:
                keep = keep[np.argpartition(-row[keep], top - 1)[:top]]
            found = [self._score_one(appeal, qp, int(i), float(row[i])) for i in keep]
            found.sort(key=lambda m: (-m.score, m.id))
            out.append(found)
        return out

    def query(
        self, appeal: Appeal, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 10
    ) -> list[DuplicateMatch]:
        """Candidates scoring at least ``threshold``, best first (at most ``limit``)."""
        return [m for m in self.score_all(appeal) if m.score >= threshold][:limit]

    def score_all(self, appeal: Appeal, *, min_text: float = MIN_TEXT) -> list[DuplicateMatch]:
        """Every candidate whose text similarity reaches ``min_text``, scored and sorted."""
        text = self.text_scores(appeal)
        if text.size == 0:
            return []
        qp = extract_places(_place_text(appeal))
        out = [self._score_one(appeal, qp, int(i), float(text[i])) for i in np.flatnonzero(text >= min_text)]
        out.sort(key=lambda m: (-m.score, m.id))
        return out

    def _score_one(self, appeal: Appeal, qp: Places, i: int, t: float) -> DuplicateMatch:
        cand = self.candidates[i]
        place, conflict, reasons = place_similarity(appeal, cand, qp, self._place(i))
        qt, ct = _aware(appeal.created_at), _aware(cand.created_at)
        if qt is not None and ct is not None:
            days = abs((qt - ct).total_seconds()) / 86400
            tsim = math.exp(-days / TIME_SCALE_DAYS)
            if days <= 7:
                reasons.append(message(N_("dup.days"), days=f"{days:.1f}"))
        else:
            tsim = 0.5
        score = W_TEXT * t + W_PLACE * place + W_TIME * tsim
        if conflict:
            score *= CONFLICT_FACTOR
            reasons.append(message(N_("dup.conflict")))
        reasons.insert(0, message(N_("dup.text"), t=f"{t:.2f}"))
        return DuplicateMatch(
            cand.id, round(min(1.0, score), 4), t, place, tsim, _texts(reasons), tuple(reasons)
        )

    def pair(self, i: int, j: int) -> DuplicateMatch:
        """Score candidate ``j`` as a duplicate of candidate ``i`` (both already indexed; for evaluation).

        Applies the same gate as :meth:`query`: below :data:`MIN_TEXT` the score is 0 (never returned).
        """
        full = float(self._full[i].multiply(self._full[j]).sum())
        subj_i, subj_j = self._subj[i], self._subj[j]
        subj = float(subj_i.multiply(subj_j).sum())
        t = min(1.0, max(0.0, max(full, 0.5 * full + 0.5 * subj) if subj_i.nnz else full))
        match = self._score_one(self.candidates[i], self._place(i), j, t)
        if t < MIN_TEXT:
            return DuplicateMatch(
                match.id, 0.0, match.text, match.place, match.time, match.reasons, match.why
            )
        return match


def find_duplicates(
    appeal: Appeal, candidates: Sequence[Appeal], *, threshold: float = DEFAULT_THRESHOLD, limit: int = 10
) -> list[DuplicateMatch]:
    """Stateless form of :meth:`DuplicateIndex.query`."""
    return DuplicateIndex(candidates).query(appeal, threshold=threshold, limit=limit)
