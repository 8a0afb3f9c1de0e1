"""Search words and the BM25 index (no database): jieba's search-mode words (``rjieba``, the
compiled jieba) with the function words left out, ranked by Okapi BM25 (``bm25s``, sparse
matrices).  A title counts twice.  Each process keeps one index built from the words the
reindex job stored, and builds it again when the stored generation changes."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_QUERY_CHARS = 200
_WORD = re.compile(r"[\w\u4e00-\u9fff]+")
STOP = frozenset(
    "的 了 是 吗 呢 吧 啊 我 你 他 她 我们 想 问 问问 一下 请问 怎么 怎么样 如何 什么 可以 能 能否 "  # noqa: SIM905
    "哪里 哪儿 需要 要 在 和 与 及 或 有 没有 一个 这个 那个 这 那 就 都 也 还 又 对 把 被 给 "
    "从 到 为 为什么 多少 几 吗 么 呀 啦 您 好 谢谢 麻烦 咨询 反映 市民 来电".split()
)


def words(text: str) -> list[str]:
    """The searchable words of ``text`` (jieba search mode: long words and their parts)."""
    import rjieba

    out = []
    for w in rjieba.cut_for_search(text):
        w = w.strip().lower()
        if w and w not in STOP and _WORD.fullmatch(w):
            out.append(w)
    return out


def document_words(title: str, body: str, tags: Sequence[str]) -> list[str]:
    return words(title) * 2 + words(body) + [t.lower() for t in tags for _ in (0, 1)]


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: int
    score: float


class Index:
    """BM25 over documents given as word lists, keyed by article id."""

    def __init__(self, docs: Sequence[tuple[int, list[str]]]) -> None:
        import bm25s

        self.ids = [article_id for article_id, _ in docs]
        self.vocab: set[str] = {w for _, ws in docs for w in ws}
        self._bm25 = None
        if docs:
            self._bm25 = bm25s.BM25()
            self._bm25.index([ws or ["∅"] for _, ws in docs], show_progress=False)

    def __len__(self) -> int:
        return len(self.ids)

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        query = [w for w in dict.fromkeys(words(text[:MAX_QUERY_CHARS])) if w in self.vocab]
        if not query or self._bm25 is None:
            return []
        k = min(limit, len(self.ids))
        found, scores = self._bm25.retrieve([query], k=k, show_progress=False, n_threads=1)
        return [
            Hit(self.ids[int(i)], round(float(s), 4))
            for i, s in zip(np.asarray(found[0]), np.asarray(scores[0]), strict=True)
            if float(s) > 0
        ]


class ProcessIndex:
    """This process's index and the generation it was built from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = -1
        self.index = Index([])

    def current(self, generation: int) -> Index | None:
        with self._lock:
            return self.index if generation == self.generation else None

    def replace(self, generation: int, index: Index) -> Index:
        with self._lock:
            self.generation, self.index = generation, index
            return index

    def clear(self) -> None:
        with self._lock:
            self.generation, self.index = -1, Index([])


PROCESS_INDEX = ProcessIndex()
