"""Hotspot discovery (热点发现): cluster appeals by topic and place, rank clusters by a heat index.

Method (details and measurements in docs/intelligence-analysis.md):

1. Keep the messages inside the window ``[now - window_days, now]`` (``now`` defaults to the
   latest message; no window keeps everything).
2. Represent each message by four L2-normalised blocks, weighted so that the cosine of two
   messages is a weighted sum of block cosines: subject character 2–3-grams (0.20), subject
   jieba words (0.40), body[:300] character 2–3-grams (0.25) — sublinear TF-IDF, features in
   more than 5 % of the messages dropped (never one shared by ≤ 50 messages, so a burst keeps
   its own words) — and distinctive named places (0.15; regex-extracted, in ≤ max(2 %, 50)
   messages, reduced to the minimal known name: 暮云街道丽发新城 → 丽发新城).
3. Average-linkage agglomerative clustering on cosine distance, cut at similarity 0.30
   (≤ 6,000 messages; above that, connected components of the mutual-10-NN graph with
   similarity ≥ 0.45, coarser but linear in memory); then a second average-linkage pass over
   the L2-normalised cluster centroids, cut at 0.35, joins fragments of one matter worded
   differently (measured: the 伊景园滨河苑 campaign fell into six pure fragments without it).
4. Heat index of a cluster with ``n`` messages, ``p`` distinct people (a message without a
   user counts as its own person), ``L`` likes and ``D`` dislikes::

       base     = 2·ln(1+p) + ln(1+n) + 0.5·ln(1+L+D/2)
       recency  = 0.5 ** (days from the cluster's last message to now / half_life)
       growth   = (recent + 1) / (earlier·r + 1)    recent: messages in the last quarter of the
                  horizon, earlier: the three quarters before it, r = 1/3 (per-time rate)
       score    = base · (0.6 + 0.4·recency) · (1 + 0.25·clip(log2 growth, -1, 2)·min(1, n/10))

   ``horizon`` = ``window_days``, or without a window the span of the data (at least 90 days);
   ``half_life`` = horizon / 2.  Clusters with fewer
   than ``min_messages`` (default 2) messages are not hotspots.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse.csgraph import connected_components

from zhizhi.intelligence.textsim import (
    STOPWORDS,
    Places,
    extract_places,
    idf_weights,
    ngram_matrix,
    tfidf,
    token_matrix,
    words,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
W_SUBJECT_CHARS, W_SUBJECT_WORDS, W_BODY, W_PLACE = 0.20, 0.40, 0.25, 0.15
LINK_SIMILARITY = 0.30
MERGE_SIMILARITY = 0.35
KNN = 10
KNN_SIMILARITY = 0.45
MAX_DENSE = 6000
MAX_DF_TEXT = 0.05
MAX_DF_PLACE = 0.02
MIN_DF_CUT = 50  # never prune a feature shared by ≤ 50 messages (a burst must keep its own words)
DEFAULT_HORIZON_DAYS = 90


@dataclass(frozen=True, slots=True)
class Message:
    """One citizen message; ``created_at`` naive means Asia/Shanghai."""

    id: str
    subject: str
    body: str
    created_at: datetime
    likes: int = 0
    dislikes: int = 0
    user: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class Hotspot:
    rank: int
    title: str
    place: str
    topic: str
    score: float
    count: int
    people: int
    likes: int
    dislikes: int
    growth: float
    first_at: datetime
    last_at: datetime
    message_ids: tuple[str, ...] = field(default_factory=tuple)


def _aware(ts: datetime) -> datetime:
    return ts.replace(tzinfo=SHANGHAI) if ts.tzinfo is None else ts


def _text_matrix(texts: Sequence[str], tokens: Sequence[Sequence[str]] | None = None) -> sparse.csr_matrix:
    counts = token_matrix(tokens) if tokens is not None else ngram_matrix(texts)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    if n > MIN_DF_CUT:  # drop n-grams common to more than 5 % of messages (A市, 小区, 请问 …)
        keep = (df <= max(MAX_DF_TEXT * n, MIN_DF_CUT))[counts.indices]
        counts = sparse.csr_matrix((counts.data * keep, counts.indices, counts.indptr), shape=counts.shape)
        counts.eliminate_zeros()
    return tfidf(counts, idf_weights(counts))


def _place_sets(msgs: Sequence[Message]) -> list[Places]:
    return [extract_places(f"{m.place or ''} {m.subject} {(m.body or '')[:200]}") for m in msgs]


def _place_matrix(places: Sequence[Places]) -> tuple[sparse.csr_matrix, list[list[str]]]:
    """Indicator matrix of distinctive named places (with contained shorter names added)."""
    df = Counter(name for p in places for name in p.named)
    vocab = {name for name, c in df.items() if c >= 2 and len(name) >= 3}
    expanded: list[list[str]] = []
    for p in places:
        names = set(n for n in p.named if n in vocab)
        for name in p.named:  # every substring of ≥ 3 characters that is itself a known name
            subs = {name[i:j] for i in range(len(name)) for j in range(i + 3, len(name) + 1)}
            names.update(subs & vocab)
        # keep the minimal names (丽发新城 rather than 暮云街道丽发新城 and 丽发新城小区)
        expanded.append(sorted(n for n in names if not any(o != n and o in n for o in names)))
    df2 = Counter(name for names in expanded for name in names)
    limit = max(MIN_DF_CUT, int(MAX_DF_PLACE * len(places)))
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for i, kept in enumerate(expanded):
        for name in kept:
            if df2[name] <= limit:
                rows.append(i)
                cols.append(index.setdefault(name, len(index)))
    m = sparse.csr_matrix(
        (np.ones(len(rows)), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
        shape=(len(places), max(1, len(index))),
    )
    norms = np.sqrt(np.asarray(m.sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m), expanded


def _cluster_dense(x: sparse.csr_matrix) -> np.ndarray:
    n = x.shape[0]
    sim = (x @ x.T).toarray()
    dist = np.clip(1.0 - sim[np.triu_indices(n, k=1)], 0.0, 2.0)
    z = linkage(dist, method="average")
    return np.asarray(fcluster(z, 1.0 - LINK_SIMILARITY, criterion="distance")) - 1


def _cluster_knn(x: sparse.csr_matrix) -> np.ndarray:
    """Components of the mutual-KNN graph restricted to similarities ≥ KNN_SIMILARITY (sparse, blockwise)."""
    n = x.shape[0]
    x = sparse.csr_matrix(x, dtype=np.float32)
    xt = sparse.csr_matrix(x.T)  # converted once, not per block
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for start in range(0, n, 1000):
        block = sparse.csr_matrix(x[start : start + 1000] @ xt)
        block.data[block.data < KNN_SIMILARITY] = 0.0
        block.eliminate_zeros()
        for r in range(block.shape[0]):
            lo, hi = block.indptr[r], block.indptr[r + 1]
            idx, val = block.indices[lo:hi], block.data[lo:hi]
            keep = idx != start + r
            idx, val = idx[keep], val[keep]
            if len(idx) > KNN:
                idx = idx[np.argpartition(-val, KNN - 1)[:KNN]]
            rows.append(np.full(len(idx), start + r, dtype=np.int64))
            cols.append(idx.astype(np.int64))
    r_all = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c_all = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    graph = sparse.csr_matrix((np.ones(len(r_all)), (r_all, c_all)), shape=(n, n))
    mutual = graph.multiply(graph.T)
    return np.asarray(connected_components(mutual, directed=False)[1])


@dataclass(frozen=True, slots=True)
class Clustering:
    """Cluster label per message plus what was computed on the way (for describing clusters)."""

    labels: np.ndarray
    matrix: sparse.csr_matrix
    place_names: list[list[str]]
    places: list[Places]
    subject_words: list[list[str]]


def cluster_messages(msgs: Sequence[Message]) -> Clustering:
    """Cluster ``msgs`` by topic and place (steps 2–3 of the module docstring)."""
    places = _place_sets(msgs)
    if len(msgs) < 2:
        empty: list[list[str]] = [[] for _ in msgs]
        tokens1 = [words(m.subject, 200) for m in msgs]
        return Clustering(
            np.zeros(len(msgs), dtype=np.int64), sparse.csr_matrix((len(msgs), 1)), empty, places, tokens1
        )
    subjects = [m.subject or (m.body or "")[:60] for m in msgs]
    subj = _text_matrix(subjects)
    tokens = [words(t, 200) for t in subjects]
    subj_words = _text_matrix(subjects, tokens)
    body = _text_matrix([(m.body or "")[:300] for m in msgs])
    pm, names = _place_matrix(places)
    blocks = [
        math.sqrt(W_SUBJECT_CHARS) * subj,
        math.sqrt(W_SUBJECT_WORDS) * subj_words,
        math.sqrt(W_BODY) * body,
        math.sqrt(W_PLACE) * pm,
    ]
    x = sparse.hstack(blocks).tocsr()
    labels = _cluster_dense(x) if len(msgs) <= MAX_DENSE else _cluster_knn(x)
    return Clustering(_merge_clusters(labels, x), x, names, places, tokens)


def _merge_clusters(labels: np.ndarray, x: sparse.csr_matrix) -> np.ndarray:
    """Second pass: average-linkage on L2-normalised cluster centroids, cut at MERGE_SIMILARITY."""
    k = int(labels.max()) + 1 if labels.size else 0
    if k < 2 or k > MAX_DENSE:
        return labels
    member = sparse.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    cent = sparse.csr_matrix(member @ x)
    norms = np.sqrt(np.asarray(cent.multiply(cent).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    cent = sparse.csr_matrix(sparse.diags(1.0 / norms) @ cent)
    sim = (cent @ cent.T).toarray()
    dist = np.clip(1.0 - sim[np.triu_indices(k, k=1)], 0.0, 2.0)
    top = (
        np.asarray(fcluster(linkage(dist, method="average"), 1.0 - MERGE_SIMILARITY, criterion="distance"))
        - 1
    )
    return np.asarray(top[labels])


def _heat(members: Sequence[Message], now: datetime, horizon: float) -> tuple[float, float]:
    people = len({m.user if m.user else f"#{m.id}" for m in members})
    likes = sum(max(0, m.likes) for m in members)
    dislikes = sum(max(0, m.dislikes) for m in members)
    base = 2 * math.log1p(people) + math.log1p(len(members)) + 0.5 * math.log1p(likes + dislikes / 2)
    ages = [max(0.0, (now - _aware(m.created_at)).total_seconds() / 86400) for m in members]
    recency = 0.5 ** (min(ages) / (horizon / 2))
    recent = sum(a <= horizon / 4 for a in ages)
    earlier = sum(horizon / 4 < a <= horizon for a in ages)
    growth = (recent + 1) / (earlier / 3 + 1)
    g = max(-1.0, min(2.0, math.log2(growth))) * min(1.0, len(members) / 10)
    return base * (0.6 + 0.4 * recency) * (1 + 0.25 * g), growth


def _describe(
    idx: Sequence[int], msgs: Sequence[Message], cl: Clustering, df: Counter[str]
) -> tuple[str, str, str]:
    """(title, place, topic): subject of the medoid, place shared by ≥ half, top subject words."""
    sub = cl.matrix[list(idx)]
    centrality = np.asarray((sub @ sub.T).sum(axis=1)).ravel()
    medoid = int(idx[int(np.argmax(centrality))])
    title = msgs[medoid].subject.strip() or (msgs[medoid].body or "").strip()[:40]
    place = ""
    name_counts = Counter(n for i in idx for n in cl.place_names[i])
    if name_counts:
        best = max(name_counts.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
        place = best[0] if best[1] * 2 >= len(idx) else ""
    if not place:
        explicit = Counter(msgs[i].place for i in idx if msgs[i].place)
        div = Counter(d for i in idx for d in cl.places[i].divisions)
        if explicit:
            place = explicit.most_common(1)[0][0] or ""
        elif div:
            place = div.most_common(1)[0][0].upper()
    n_all = max(1, len(msgs))
    in_cluster = Counter(w for i in idx for w in set(cl.subject_words[i]))
    weight = {
        w: c * math.log((1 + n_all) / (1 + df[w]))
        for w, c in in_cluster.items()
        if (c >= 2 or len(idx) == 1) and w not in STOPWORDS
    }
    place_words = {n for i in idx for n in cl.places[i].named} | {place}
    topic_words = [
        w
        for w, _ in sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
        if not any(w in p or (p and p in w) for p in place_words)
    ]
    return title, place, "、".join(topic_words[:3])


def find_hotspots(
    messages: list[Message],
    *,
    now: datetime | None = None,
    window_days: int | None = None,
    top: int = 20,
    min_messages: int = 2,
) -> list[Hotspot]:
    """Rank hotspots among ``messages`` (see the module docstring for the method)."""
    if not messages:
        return []
    ref = _aware(now) if now is not None else max(_aware(m.created_at) for m in messages)
    msgs = [m for m in messages if _aware(m.created_at) <= ref]
    if window_days is not None:
        start = ref - timedelta(days=window_days)
        msgs = [m for m in msgs if _aware(m.created_at) >= start]
    if not msgs:
        return []
    if window_days is not None:
        horizon = float(max(1, window_days))
    else:  # no window: the whole period of the data is the horizon
        span = (ref - min(_aware(m.created_at) for m in msgs)).total_seconds() / 86400
        horizon = max(float(DEFAULT_HORIZON_DAYS), span)
    cl = cluster_messages(msgs)
    df = Counter(w for ws in cl.subject_words for w in set(ws))
    groups: dict[int, list[int]] = {}
    for i, lab in enumerate(cl.labels):
        groups.setdefault(int(lab), []).append(i)
    scored = []
    for idx in groups.values():
        if len(idx) < max(1, min_messages):
            continue
        members = [msgs[i] for i in idx]
        score, growth = _heat(members, ref, horizon)
        scored.append((score, growth, idx))
    scored.sort(key=lambda s: (-s[0], min(msgs[i].id for i in s[2])))
    out: list[Hotspot] = []
    for rank, (score, growth, idx) in enumerate(scored[: max(0, top)], start=1):
        members = sorted((msgs[i] for i in idx), key=lambda m: (_aware(m.created_at), m.id))
        title, place, topic = _describe(idx, msgs, cl, df)
        out.append(
            Hotspot(
                rank=rank,
                title=title,
                place=place,
                topic=topic,
                score=round(score, 4),
                count=len(members),
                people=len({m.user if m.user else f"#{m.id}" for m in members}),
                likes=sum(max(0, m.likes) for m in members),
                dislikes=sum(max(0, m.dislikes) for m in members),
                growth=round(growth, 3),
                first_at=_aware(members[0].created_at),
                last_at=_aware(members[-1].created_at),
                message_ids=tuple(m.id for m in members),
            )
        )
    return out


def load_messages_csv(path: str) -> list[Message]:
    """Read hotspot_messages.csv-style rows (message_id, user, subject, created_at, body, likes, dislikes)."""
    import csv

    from zhizhi.intelligence.textsim import parse_datetime

    out: list[Message] = []
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            ts = parse_datetime(r.get("created_at"))
            if ts is None:
                continue
            out.append(
                Message(
                    id=str(r.get("message_id") or r.get("id") or len(out)),
                    subject=r.get("subject") or "",
                    body=r.get("body") or "",
                    created_at=ts,
                    likes=int(float(r.get("likes") or 0)),
                    dislikes=int(float(r.get("dislikes") or 0)),
                    user=r.get("user") or None,
                )
            )
    return out
