"""Character n-gram hashing in numpy, shared by training and prediction.

A normalised text (:func:`~.text.model_text`) becomes an array of Unicode code points.  The
n-grams of order ``n`` are packed into one 64-bit integer with base ``2**21 + 3`` (exact,
no collision, up to trigrams), salted per block and order, mixed with the murmur3 64-bit
finaliser and reduced to the block's ``2**bits`` columns.  Everything is vectorised: no
Python loop over n-grams and no vocabulary, so scoring one message takes a few dozen array
operations whatever its length.

Two blocks share one column space:

* ``body`` — character n-grams of the whole text (at most :data:`~.text.MAX_MODEL_CHARS`),
  columns ``[0, 2**bits)``;
* ``head`` — character n-grams of the first ``head_chars`` characters, where the subject
  is (the corpus runs subject and body together for most rows), so the subject counts a
  second time; columns ``[2**bits, 2**bits + 2**head_bits)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

_BASE = np.uint64((1 << 21) + 3)  # > any code point: exact packing of up to 3 characters
_MIX1 = np.uint64(0xFF51AFD7ED558CCD)
_MIX2 = np.uint64(0xC4CEB9FE1A85EC53)
_SHIFT = np.uint64(33)
_GOLDEN = 0x9E3779B97F4A7C15


def _salt(block: int, order: int) -> np.uint64:
    return np.uint64(((block * 64 + order) * _GOLDEN) % (1 << 64))


@dataclass(frozen=True, slots=True)
class Layout:
    """The hashing scheme: n-gram orders and sizes of both blocks (``head_chars=0``: no head)."""

    orders: tuple[int, ...] = (1, 2, 3)
    bits: int = 22
    head_orders: tuple[int, ...] = (1, 2, 3)
    head_chars: int = 25
    head_bits: int = 20

    @property
    def body_width(self) -> int:
        return 1 << self.bits

    @property
    def width(self) -> int:
        return self.body_width + ((1 << self.head_bits) if self.head_chars > 0 else 0)

    def block_ranges(self) -> list[tuple[str, int, int]]:
        """``(name, first column, end column)`` of each block."""
        out = [("body", 0, self.body_width)]
        if self.head_chars > 0:
            out.append(("head", self.body_width, self.width))
        return out


def codepoints(text: str) -> np.ndarray:
    """Unicode code points of ``text`` as uint64."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)


def packed(points: np.ndarray, max_order: int) -> list[np.ndarray]:
    """Packed n-grams of orders ``1..max_order`` (index ``n - 1``); wraps beyond trigrams."""
    out = [points]
    with np.errstate(over="ignore"):
        for n in range(2, max_order + 1):
            prev = out[-1]
            out.append(prev[:-1] * _BASE + points[n - 1 :] if len(prev) > 1 else points[:0])
    return out


def _mix(h: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = h ^ (h >> _SHIFT)
        h *= _MIX1
        h ^= h >> _SHIFT
        h *= _MIX2
        h ^= h >> _SHIFT
    return h


def hashed(
    grams: list[np.ndarray], orders: tuple[int, ...], block: int, bits: int, limit: int | None
) -> np.ndarray:
    """Column ids (int64, repeats kept, before any block offset) of the n-grams of ``orders``.

    ``limit`` keeps only n-grams lying within the first ``limit`` characters.
    """
    parts = []
    for n in orders:
        g = grams[n - 1] if n <= len(grams) else grams[0][:0]
        if limit is not None:
            g = g[: max(limit - n + 1, 0)]
        if len(g):
            parts.append(g ^ _salt(block, n))
    if not parts:
        return np.empty(0, dtype=np.int64)
    h = _mix(np.concatenate(parts) if len(parts) > 1 else parts[0])
    return (h & np.uint64((1 << bits) - 1)).astype(np.int64)


def text_ids(points: np.ndarray, layout: Layout) -> np.ndarray:
    """Column ids of every n-gram of one text in both blocks (int64, repeats kept)."""
    top = max(layout.orders + (layout.head_orders if layout.head_chars > 0 else ()))
    grams = packed(points, top)
    body = hashed(grams, layout.orders, 0, layout.bits, None)
    if layout.head_chars <= 0:
        return body
    head = hashed(grams, layout.head_orders, 1, layout.head_bits, layout.head_chars)
    return np.concatenate((body, head + layout.body_width))


def count_matrix(texts: list[str], layout: Layout) -> sp.csr_matrix:
    """Term counts (texts × ``layout.width``) for training."""
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for i, text in enumerate(texts):
        cols, counts = np.unique(text_ids(codepoints(text), layout), return_counts=True)
        indices.append(cols)
        data.append(counts)
        indptr[i + 1] = indptr[i] + len(cols)
    return sp.csr_matrix(
        (
            np.concatenate(data).astype(np.float32) if data else np.empty(0, np.float32),
            np.concatenate(indices).astype(np.int32) if indices else np.empty(0, np.int32),
            indptr,
        ),
        shape=(len(texts), layout.width),
    )


def fit_idf(
    counts: sp.csr_matrix, start: int, end: int, min_df: int, max_df: float, max_features: int
) -> tuple[np.ndarray, np.ndarray]:
    """Kept columns in ``[start, end)`` and their smoothed idf.

    Kept: ``min_df ≤ df ≤ max_df × n_docs`` and among the ``max_features`` most frequent.
    """
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])[start:end]
    keep = (df >= min_df) & (df <= max_df * n_docs)
    if keep.sum() > max_features:
        cutoff = np.sort(df[keep])[-max_features]
        keep &= df >= cutoff
    columns = np.flatnonzero(keep)
    idf = np.log((1.0 + n_docs) / (1.0 + df[columns])) + 1.0
    return (columns + start).astype(np.int64), idf.astype(np.float32)


def weigh(counts: sp.csr_matrix, columns: np.ndarray, idf: np.ndarray, scale: float) -> sp.csr_matrix:
    """``(1 + log tf) × idf`` on the kept columns (compact), L2-normalised per row, times ``scale``."""
    x = sp.csr_matrix(counts[:, columns], dtype=np.float32, copy=True)
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    lengths = np.diff(x.indptr)
    squares = np.zeros(x.shape[0], dtype=np.float64)
    filled = lengths > 0
    if filled.any():
        squares[filled] = np.add.reduceat(x.data.astype(np.float64) ** 2, x.indptr[:-1][filled])
    norms = np.sqrt(squares)
    norms[norms == 0.0] = 1.0
    x.data = (x.data * np.repeat(scale / norms, lengths)).astype(np.float32)
    return x
