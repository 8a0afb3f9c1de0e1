"""Knowledge-base search while typing: BM25 over jieba words, against its floor.

    .venv/bin/python bench/bench_knowledge.py [--sizes 32,1000,10000] [--runs 3]

Corpus: the demo city's 32 articles (``zhizhi.demo.knowledge``) and, for the larger sizes,
variants of them (each with a district, a year and a serial number mixed in, so the vocabulary
grows as a real base's would).  Queries: 20 callers' phrasings.  Measured in the same run, per
query (median and 95th percentile over all queries of ``--runs`` rounds, milliseconds):

* floor: the query's jieba words alone (``knowledge.index.words``): what any word-based search
  pays per keystroke, whatever the index;
* search: words + BM25 retrieval of the best 8 (``knowledge.index.Index.search``);
* relevance: how many queries put the expected article first (a title fragment per query);
* build: the reindex job's work for the whole corpus (words of every article, then the BM25
  index) — once per publish, not per query.

The API adds one read of the index generation and one of the hit articles to ``search``.
"""

from __future__ import annotations

import argparse
import statistics
import time

from zhizhi.demo.knowledge import ARTICLES
from zhizhi.knowledge import index as ix

QUERIES = [
    "我想问一下租房能不能提取公积金",
    "家里暖气不热室温只有十六度",
    "孩子刚出生怎么上户口",
    "身份证丢了怎么补办",
    "灵活就业怎么交社保",
    "退休金这个月还没到账",
    "楼下工地晚上施工太吵了",
    "小区垃圾好几天没人清运",
    "废电池应该扔哪个垃圾桶",
    "突然停水了什么时候来水",
    "自来水发黄能不能喝",
    "闻到煤气味怎么办",
    "小学一年级怎么报名",
    "培训机构不给退费",
    "健身房老板跑路了",
    "物业费太贵服务又差",
    "电动车在楼道里充电",
    "公交车司机态度不好",
    "异地就医怎么备案",
    "外地户口怎么落户长沙",
]
# a fragment of the title each query should put first (demo size)
EXPECTED = [
    "公积金租房",
    "供暖",
    "新生儿",
    "身份证丢失",
    "灵活就业",
    "养老金",
    "夜间施工",
    "无人清运",
    "垃圾分类",
    "停水",
    "水质",
    "燃气",
    "入学",
    "培训机构",
    "预付卡",
    "物业",
    "电动自行车",
    "公交",
    "异地就医",
    "落户",
]
DISTRICTS = ["芙蓉区", "天心区", "岳麓区", "开福区", "雨花区", "望城区", "长沙县", "浏阳市", "宁乡市"]


def corpus(size: int) -> list[tuple[str, str, list[str]]]:
    out = []
    for i in range(size):
        _, title, _, _, tags, body = ARTICLES[i % len(ARTICLES)]
        if i >= len(ARTICLES):
            d = DISTRICTS[i % len(DISTRICTS)]
            title = f"{d}{title}（{2020 + i % 7}年版 第{i}号）"
            body = f"{d}辖区：{body} 咨询编号{i}。"
        out.append((title, body, tags.split(",")))
    return out


def _timed(fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="32,1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ix.words("预热")  # loads jieba's dictionary once
    head = ("articles", "build s", "floor p50", "floor p95", "search p50", "search p95")
    print("  ".join(f"{h:>10}" for h in head))
    for size in (int(s) for s in args.sizes.split(",")):
        docs = corpus(size)
        started = time.perf_counter()
        index = ix.Index([(i, ix.document_words(t, b, tags)) for i, (t, b, tags) in enumerate(docs)])
        build = time.perf_counter() - started
        floor, search = [], []
        for _ in range(args.runs):
            for q in QUERIES:
                floor.append(_timed(ix.words, q))
                search.append(_timed(index.search, q, 8))
        firsts = [index.search(q, 1) for q in QUERIES]
        hits = sum(1 for f in firsts if f)
        right = sum(
            1 for f, want in zip(firsts, EXPECTED, strict=True) if f and want in docs[f[0].article_id][0]
        )

        def p95(xs: list[float]) -> float:
            return sorted(xs)[int(0.95 * (len(xs) - 1))]

        print(
            f"{size:>8} {build:>8.2f} {statistics.median(floor):>9.3f} {p95(floor):>9.3f} "
            f"{statistics.median(search):>10.3f} {p95(search):>10.3f}   "
            f"({hits}/{len(QUERIES)} found one, {right} the expected one first)"
        )


if __name__ == "__main__":
    main()
