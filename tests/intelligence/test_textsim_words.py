"""Word segmentation (jieba's dictionary via rjieba) as the duplicate, hotspot and reply code sees it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from zhizhi.intelligence.textsim import words

LETTERS = [
    "小区噪音扰民，每天晚上施工到凌晨，严重影响休息。",
    "A3区麓山南路的下水道堵塞三天了，污水漫到路面，请尽快疏通。",
    "公司拖欠工资半年，劳动监察大队能否帮忙讨薪？",
    "建议在学校门口增设红绿灯和减速带，保障学生上下学安全。",
]


def test_words_are_dictionary_words_of_two_or_more_characters() -> None:
    assert words(LETTERS[0]) == ["小区", "噪音", "扰民", "每天晚上", "施工", "凌晨", "严重", "影响", "休息"]
    tokens = words(LETTERS[1])
    assert "下水道" in tokens and "堵塞" in tokens and "污水" in tokens
    assert "a3区" not in tokens and "区" not in tokens  # pseudonymised places and one-character words go
    assert words("") == [] and words("！！！😀") == []


def test_segmentation_is_the_same_from_many_threads() -> None:
    texts = LETTERS * 50
    expected = [words(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(words, texts))
    assert results == expected
