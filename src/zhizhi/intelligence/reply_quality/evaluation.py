"""Evaluate reply-quality scores on replied_messages.csv against a hand-labelled sample.

``tests/intelligence/data/reply_quality_eval.csv`` holds 100 ``message_id, label`` rows: a
``random.Random(20261122).sample(rows, 100)`` of replied_messages.csv, each labelled ``good``
or ``poor`` by one engineer reading the appeal and the reply *before* looking at any score.
``poor`` = the reply does not engage with the matter: only an acknowledgement or referral
(已收悉/已转交…), a refusal without redirection, or a vague promise that answers none of the
questions. Everything that engages with facts, rules or measures is ``good``.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zhizhi.intelligence.reply_quality import CONTENT_FLAG_KEYS, ReplyScore, score_reply
from zhizhi.intelligence.textsim import parse_datetime


@dataclass(frozen=True, slots=True)
class RepliedMessage:
    id: str
    subject: str
    body: str
    reply: str
    created_at: str
    replied_at: str


def load_replied(path: Path) -> list[RepliedMessage]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            RepliedMessage(
                str(r.get("message_id") or ""),
                r.get("subject") or "",
                r.get("body") or "",
                r.get("reply") or "",
                r.get("created_at") or "",
                r.get("replied_at") or "",
            )
            for r in csv.DictReader(fh)
        ]


def score_message(m: RepliedMessage) -> ReplyScore:
    return score_reply(
        m.subject,
        m.body,
        m.reply,
        created_at=parse_datetime(m.created_at),
        replied_at=parse_datetime(m.replied_at),
    )


def content_flag(s: ReplyScore) -> bool:
    """The flag without the lateness rule (the labels judge content only)."""
    return any(key in reason for reason in s.reasons for key in CONTENT_FLAG_KEYS)


def read_labels(path: Path) -> dict[str, int]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["message_id"]: 1 if r["label"].strip() == "good" else 0 for r in csv.DictReader(fh)}


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """ROC AUC by the rank-sum formula (ties count half)."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))


def cohen_kappa(a: np.ndarray, b: np.ndarray) -> float:
    po = float(np.mean(a == b))
    pe = float(np.mean(a) * np.mean(b) + (1 - np.mean(a)) * (1 - np.mean(b)))
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def evaluate(messages: list[RepliedMessage], labels: dict[str, int]) -> dict[str, object]:
    """Score distribution on all messages, agreement with the labels, throughput."""
    t0, c0 = time.perf_counter(), time.process_time()
    scored = [(m, score_message(m)) for m in messages]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    overall = np.array([s.overall for _, s in scored])
    dims = {
        name: np.array([getattr(s, name) for _, s in scored if getattr(s, name) is not None], dtype=float)
        for name in ("relevance", "completeness", "explainability", "timeliness", "working_days")
    }
    flagged = np.array([s.flag_for_supervision for _, s in scored])
    by_id = {m.id: s for m, s in scored}
    ids = [i for i in labels if i in by_id]
    y = np.array([labels[i] for i in ids])
    sc = np.array([by_id[i].overall for i in ids])
    pred_good = np.array([not content_flag(by_id[i]) for i in ids]).astype(int)
    tp = int(np.sum((pred_good == 0) & (y == 0)))
    fp = int(np.sum((pred_good == 0) & (y == 1)))
    fn = int(np.sum((pred_good == 1) & (y == 0)))
    return {
        "messages": len(messages),
        "seconds": elapsed,
        "per_second": len(messages) / elapsed if elapsed else float("inf"),
        "per_cpu_second": len(messages) / cpu if cpu else float("inf"),
        "overall_quantiles": {q: float(np.quantile(overall, q)) for q in (0.1, 0.25, 0.5, 0.75, 0.9)},
        "dimension_means": {k: float(v.mean()) if v.size else float("nan") for k, v in dims.items()},
        "working_days_median": float(np.median(dims["working_days"]))
        if dims["working_days"].size
        else float("nan"),
        "flagged_share": float(flagged.mean()) if flagged.size else 0.0,
        "content_flagged_share": float(np.mean([content_flag(s) for _, s in scored])) if scored else 0.0,
        "labelled": len(ids),
        "labelled_poor": int(np.sum(y == 0)),
        "auc_overall": auc(sc, y),
        "flag_accuracy": float(np.mean(pred_good == y)) if len(ids) else float("nan"),
        "flag_kappa": cohen_kappa(pred_good, y) if len(ids) else float("nan"),
        "flag_precision_poor": tp / (tp + fp) if tp + fp else float("nan"),
        "flag_recall_poor": tp / (tp + fn) if tp + fn else float("nan"),
    }
