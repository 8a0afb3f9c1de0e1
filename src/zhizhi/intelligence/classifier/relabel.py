"""Mapping the base corpus into the city's tree at a finer grain: anchored relabelling.

The base corpus (the 2020 citizen messages) carries first-level labels only, and its
first-level categories are not the city's: the city files 垃圾清运 and 占道经营 under its own
市容环境, while the corpus has those complaints under 城乡建设 (and some under 环境保护).
Mapped by name alone, the corpus's 600 城乡建设 texts outweigh the city's few dozen
confirmations, and a free phrasing (“垃圾桶满了没人收”) is proposed as 城乡建设.

:func:`relabel` moves a base text into a *target* category when its subject clearly speaks of
it.  Targets are the categories of the city's tree whose first-level category has no base label
mapped to it (the city's own split, e.g. 市容环境 and its children), that have at least
:data:`MIN_ANCHORS` confirmed cases and are not a catch-all (其他).  Each target gets *key
grams*: the character 2-grams of its name and of its confirmed cases' subjects that are
ordinary words of the corpus (in at least :data:`MIN_DF` base subjects) yet rare in it (at most
:data:`MAX_DF_SHARE`), weighted by idf and by the share of its anchors that have them (the name
as if every anchor had it), the strongest scaled to 1.  A base subject's evidence for a target
is the weight of its key grams that the subject contains (none unless it has at least
:data:`MIN_GRAMS` of them or the strongest: 经营 alone does not make 垄断经营 a street stall);
the text is relabelled to the best target when the evidence is at least ``threshold`` and
:data:`MARGIN` above the second best.
A second round adds the subjects moved in the first to each target's anchors (摆摊, 摊贩 come
from real complaints, not only from the city's few phrasings).  Categories without confirmed
cases are never targets, so they stay “暂无足够样本”.

``extra``: more base texts offered only for the targets (the corpus's tokenised copy,
``tokenised_messages.csv``, turned back into text by :func:`tokenised_text`).  They count in
the corpus's word frequencies and are relabelled like the base texts; those moved into a target
join the training pairs (``Relabelling.added``) unless they are a twin of a base text (3-gram
containment ≥ 0.3 either way, ``data.twin_rows``: checked among the kept few only, the full
product of 8,400 × 3,000 texts took 40 s on a busy machine); the others are dropped — the
corpus has only a few subjects about stalls (摆摊 6, 摊贩 4, 占道 8 of 2,983), its tokenised
copy four times as many.

Pure: no database.  See docs/intelligence-classifier.md (the city's own classifier).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from zhizhi.intelligence.classifier.text import model_text

MIN_ANCHORS = 3  # confirmed cases a category needs before it pulls base texts in
NAME_WEIGHT = 1.0  # a gram of the category's name counts as if every anchor had it
THRESHOLD = 0.5  # evidence (in strongest-gram units) that relabels a base text
MARGIN = 0.3  # over the second-best target
PROFILE_SIZE = 20  # grams kept per profile
MIN_RATE = 0.1  # share of the anchors a key gram appears in
RATE_POWER = 0.5  # a gram's weight grows with the square root of its share (gaps11: see profiles)
MIN_DF = 3  # a key gram is an ordinary word (in a few base subjects), not a template's accident
MAX_DF_SHARE = 0.02  # … yet rare (in at most 2 % of them)
HEAD_CHARS = 40
ROUNDS = 2
MIN_GRAMS = 2
CATCH_ALL = {"其他", "其它", "其他类"}  # no words describe a catch-all: never a target


@dataclass(slots=True)
class Relabelling:
    pairs: list[tuple[str, str]]  # the base corpus, relabelled
    moved: dict[str, dict[str, int]] = field(default_factory=dict)  # target → {from label: n}
    targets: list[str] = field(default_factory=list)
    added: dict[str, dict[str, int]] = field(default_factory=dict)  # target → {label: extra texts}


IDEOGRAPHIC_SPACE = "\u3000"


def tokenised_text(tokens: str) -> str:
    """A tokenised corpus row (jieba tokens joined by blanks, stop words removed) as
    "subject body": the subject is what precedes the first ideographic space (the letter's
    indent), else the whole text (:func:`head` then takes its first characters)."""
    subject, sep, body = tokens.partition(IDEOGRAPHIC_SPACE)
    subject = "".join(subject.split())
    body = "".join(body.replace(IDEOGRAPHIC_SPACE, " ").split())
    return f"{subject} {body}" if sep and subject else subject + body


def _grams(text: str) -> set[str]:
    """Character 2-grams (most Chinese words are two characters)."""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _first_level(code: str, parents: dict[str, str | None]) -> str:
    seen = set()
    while parents.get(code) is not None and code not in seen:
        seen.add(code)
        code = parents[code]  # type: ignore[assignment]
    return code


def head(text: str) -> str:
    """The subject: what precedes the first blank, else the first :data:`HEAD_CHARS` characters."""
    stripped = text.strip()
    first = stripped.split(None, 1)[0] if stripped else ""
    return model_text(first if 0 < len(first) <= HEAD_CHARS else stripped[:HEAD_CHARS])


def profiles(
    anchors: dict[str, list[str]],
    names: dict[str, str],
    base_heads: Sequence[str],
    moved: dict[str, list[str]] | None = None,
) -> dict[str, dict[str, float]]:
    """Each target's key grams → weight (the strongest 1): the grams of its name, of its
    confirmed cases' subjects and of the subjects of the base
    texts already moved into it (``moved``) that are ordinary words of the corpus (in at least
    :data:`MIN_DF` subjects) yet rare in it (at most :data:`MAX_DF_SHARE` of them); weighted by
    idf and by the square root (:data:`RATE_POWER`) of the share of the anchors that have them
    (the name counting :data:`NAME_WEIGHT`). The root keeps a category's own words (摆摊, 摊贩,
    each in a fifth of its anchors) from being drowned by its name's grams (in all of them): with
    the plain share, 10 of the corpus's 31 stall subjects moved; with the root, 18."""
    n_docs = len(base_heads) + 1
    df: Counter[str] = Counter()
    for t in base_heads:
        df.update(_grams(t))
    out: dict[str, dict[str, float]] = {}
    for code, texts in anchors.items():
        named = _grams(model_text(names.get(code, "")))
        rates: dict[str, float] = defaultdict(float)
        for docs, scale in (
            ([_grams(head(t)) for t in texts], 1.0),
            ([_grams(head(t)) for t in (moved or {}).get(code, [])], 1.0),
        ):
            share: Counter[str] = Counter()
            for d in docs:
                share.update(d)
            for g, k in share.items():
                rates[g] = max(rates[g], scale * k / len(docs))
        weights = {}
        for g in set(rates) | named:
            rate = rates.get(g, 0.0) + (NAME_WEIGHT if g in named else 0.0)
            if MIN_DF <= df[g] <= MAX_DF_SHARE * n_docs and rate >= MIN_RATE:
                weights[g] = rate**RATE_POWER * float(np.log(n_docs / (df[g] + 1)))
        top = sorted(weights.items(), key=lambda kv: -kv[1])[:PROFILE_SIZE]
        if top:
            out[code] = {g: w / top[0][1] for g, w in top}
    return out


def coverage(text: str, profile: dict[str, float]) -> float:
    """The weight of ``profile``'s grams that occur in ``text`` (its strongest gram: 1); 0 unless
    at least :data:`MIN_GRAMS` of them occur (one word alone — 经营, 隐患 — proves little)."""
    grams = _grams(text)
    hits = [w for g, w in profile.items() if g in grams]
    if len(hits) < MIN_GRAMS and not (hits and max(hits) >= 1.0):  # the strongest may stand alone
        return 0.0
    return float(sum(hits))


def relabel(
    base: Sequence[tuple[str, str]],
    confirmed: Sequence[tuple[str, str]],
    parents: dict[str, str | None],
    names: dict[str, str],
    *,
    threshold: float = THRESHOLD,
    extra: Sequence[tuple[str, str]] = (),
) -> Relabelling:
    """``base`` (text, mapped code) with the texts that speak of a target moved into it, plus
    the ``extra`` texts that speak of a target (moved into it; the other extra texts dropped)."""
    mapped_tops = {_first_level(c, parents) for _, c in base}
    anchors: dict[str, list[str]] = defaultdict(list)
    for text, code in confirmed:
        if _first_level(code, parents) not in mapped_tops:
            anchors[code].append(text)
    anchors = {
        c: ts
        for c, ts in anchors.items()
        if len(ts) >= MIN_ANCHORS and names.get(c, "").strip() not in CATCH_ALL
    }
    if not anchors or not base:
        return Relabelling(list(base))
    pool_texts = list(base) + list(extra)
    heads = [head(t) for t, _ in pool_texts]
    chosen: list[str | None] = [None] * len(pool_texts)
    codes: list[str] = []
    for _ in range(ROUNDS):  # the second round also learns from the subjects the first moved
        pool = {c: [pool_texts[i][0] for i, m in enumerate(chosen) if m == c] for c in anchors}
        found = profiles(anchors, names, heads, pool)
        codes = sorted(found)
        if not codes:
            break
        chosen = [_best(h, found, codes, threshold) for h in heads]
    out: list[tuple[str, str]] = []
    moved: dict[str, Counter[str]] = defaultdict(Counter)
    for (text, label), target in zip(base, chosen[: len(base)], strict=True):
        out.append((text, target or label))
        if target is not None:
            moved[target][label] += 1
    added: dict[str, Counter[str]] = defaultdict(Counter)
    kept = [
        (text, label, target)
        for (text, label), target in zip(extra, chosen[len(base) :], strict=True)
        if target
    ]
    if kept:  # a twin of a base text would count twice: checked among the few kept only
        from zhizhi.intelligence.classifier.data import twin_rows

        twins = twin_rows([t for t, _, _ in kept], [t for t, _ in base])
        for (text, label, target), twin in zip(kept, twins, strict=True):
            if not twin and target is not None:
                out.append((text, target))
                added[target][label] += 1
    return Relabelling(
        out,
        {c: dict(m) for c, m in sorted(moved.items())},
        codes,
        {c: dict(m) for c, m in sorted(added.items())},
    )


def _best(subject: str, found: dict[str, dict[str, float]], codes: list[str], threshold: float) -> str | None:
    scores = sorted(((coverage(subject, found[c]), c) for c in codes), reverse=True)
    best, code = scores[0]
    second = scores[1][0] if len(scores) > 1 else 0.0
    return code if best >= threshold and best - second >= MARGIN else None
