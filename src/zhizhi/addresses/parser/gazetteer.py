"""Division gazetteer (行政区划词典): names, short forms, aliases and the code tree.

Loaded once per process from the bundled ``divisions.tsv.xz`` (see ``build_data``).  Levels are
``province`` → ``city`` → ``county`` → ``township`` → ``village``.  Placeholder city rows
(市辖区, 县, 省直辖县级行政区划) are kept for codes but never matched by name; 东莞 / 中山 / 儋州
have townships directly under the city (no county level).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from zhizhi.addresses.parser.build_data import DIVISIONS_FILE, read_rows

LEVELS: tuple[str, ...] = ("province", "city", "county", "township", "village")
LEVEL_RANK = {lvl: i for i, lvl in enumerate(LEVELS)}
PLACEHOLDER_CITY_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

# fmt: off
_ETHNIC = (
    "维吾尔", "哈萨克", "柯尔克孜", "乌孜别克", "塔吉克", "塔塔尔", "俄罗斯", "鄂温克", "鄂伦春",
    "达斡尔", "蒙古", "土家", "布依", "朝鲜", "哈尼", "傈僳", "拉祜", "东乡",
    "纳西", "景颇", "仫佬", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌",
    "普米", "德昂", "保安", "裕固", "独龙", "赫哲", "门巴", "珞巴", "基诺",
    "壮", "回", "藏", "苗", "彝", "侗", "瑶", "白", "傣",
    "黎", "佤", "畲", "水", "土", "羌", "怒", "京", "满",
    "各",
)
# fmt: on
_ETHNIC_RE = re.compile(
    r"^(.+?)(?:(?:" + "|".join(sorted(_ETHNIC, key=len, reverse=True)) + r")族?)+自治(州|县|旗)$"
)
_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "村委会", "居委会", "委员会")
_TOWN_SUFFIXES = ("地区办事处", "街道办事处", "街道", "镇", "乡", "苏木", "办事处", "地区")

# Abolished or renamed divisions still common in addresses → current 12-digit code.
ALIASES: dict[str, tuple[str, ...]] = {
    "江东区": ("330212000000",),  # 宁波 江东区 → 鄞州区 (2016)
    "绍兴县": ("330603000000",),  # → 柯桥区 (2013)
    "江干区": ("330102000000",),  # 杭州 江干区 → 上城区 (2021, mostly)
    "下城区": ("330105000000",),  # 杭州 下城区 → 拱墅区 (2021)
    "崇文区": ("110101000000",),
    "宣武区": ("110102000000",),
    "闸北区": ("310106000000",),
    "卢湾区": ("310101000000",),
    "南汇区": ("310115000000",),
    "塘沽区": ("120116000000",),
    "汉沽区": ("120116000000",),
    "大港区": ("120116000000",),
    "平江区": ("320508000000",),
    "沧浪区": ("320508000000",),
    "金阊区": ("320508000000",),
    "鄞县": ("330212000000",),
    "襄樊市": ("420600000000",),
    "襄樊": ("420600000000",),
    "思茅市": ("530800000000",),
    "莱芜市": ("370116000000",),
    "巢湖": ("340181000000",),
}


_LEVEL_CACHE: dict[str, str] = {}


def level_of(code: str) -> str:
    """Level of a 12-digit code from its trailing zeros (memoised)."""
    level = _LEVEL_CACHE.get(code)
    if level is None:
        level = _LEVEL_CACHE[code] = _level_of(code)
    return level


def _level_of(code: str) -> str:
    if code[2:] == "0000000000":
        return "province"
    if code[4:] == "00000000":
        return "city"
    if code[6:] == "000000":
        return "county"
    if code[9:] == "000":
        return "township"
    return "village"


def short_forms(name: str, level: str) -> list[str]:
    """Short forms people write: 湖南省→湖南, 广西壮族自治区→广西, 余杭区→余杭, 湘西州."""
    out: list[str] = []
    m = _ETHNIC_RE.match(name)
    if m:
        stem = m.group(1)
        out.append(stem)
        out.append(stem + m.group(2))
        return [s for s in out if len(s) >= 2]
    if level == "province":
        for suf in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市"):
            if name.endswith(suf):
                out.append(name[: -len(suf)])
                break
    elif level in ("city", "county"):
        for suf in ("地区", "新区", "林区", "特区", "市", "区", "县", "盟", "旗"):
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.append(name[: -len(suf)])
                break
    elif level == "township":
        for suf in _TOWN_SUFFIXES:
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                out.append(name[: -len(suf)])
                break
    elif level == "village":
        for suf in _VILLAGE_SUFFIXES:
            if name.endswith(suf) and len(name) - len(suf) >= 2:
                stem = name[: -len(suf)]
                out.append(stem)
                if stem.endswith("社区") and len(stem) > 4:
                    out.append(stem[:-2])
                break
    return [s for s in out if s and s != name]


@dataclass(slots=True)
class Node:
    code: str
    name: str
    level: str
    parent: str | None
    display: str = ""
    children: list[str] = field(default_factory=list)


class Gazetteer:
    """In-memory division tree with name indexes (global for levels ≤ county, local below)."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        self.nodes: dict[str, Node] = {}
        self._ancestors: dict[str, tuple[str, ...]] = {}
        for code, name in rows:
            self.nodes[code] = Node(code, name, level_of(code), None, name)
        for node in self.nodes.values():
            node.parent = self._parent_code(node.code, node.level)
            if node.parent:
                self.nodes[node.parent].children.append(node.code)
            if (
                node.level == "city"
                and node.name in PLACEHOLDER_CITY_NAMES
                and node.code[:2] in MUNICIPALITIES
            ):
                node.display = self.nodes[node.code[:2] + "0" * 10].name
        # global index: full names and short forms → codes (province/city/county/township)
        self.full: dict[str, list[str]] = {}
        self.short: dict[str, list[str]] = {}
        # local index of townships/villages by parent: parent code → name/short → codes
        self.local: dict[str, dict[str, list[str]]] = {}
        for node in self.nodes.values():
            if node.level == "city" and node.name in PLACEHOLDER_CITY_NAMES:
                continue
            if node.level in ("township", "village"):
                loc = self.local.setdefault(node.parent or "", {})
                for n in (node.name, *short_forms(node.name, node.level)):
                    loc.setdefault(n, []).append(node.code)
                if node.level == "village":
                    continue
            self.full.setdefault(node.name, []).append(node.code)
            if node.level == "township":
                continue  # township short forms only in context (too ambiguous nationally)
            for s in short_forms(node.name, node.level):
                self.short.setdefault(s, []).append(node.code)
        for alias, codes in ALIASES.items():
            self.full.setdefault(alias, []).extend(c for c in codes if c in self.nodes)
        self.max_len = max(len(k) for k in (*self.full, *self.short))

    def _parent_code(self, code: str, level: str) -> str | None:
        if level == "province":
            return None
        if level == "city":
            return code[:2] + "0" * 10
        if level == "county":
            return code[:4] + "0" * 8
        if level == "township":
            county = code[:6] + "0" * 6
            return county if county in self.nodes else code[:4] + "0" * 8
        return code[:9] + "000"

    def ancestors(self, code: str) -> list[str]:
        """Codes from the province down to ``code`` inclusive."""
        cached = self._ancestors.get(code)
        if cached is not None:
            return list(cached)
        chain: list[str] = []
        cur: str | None = code
        while cur:
            chain.append(cur)
            cur = self.nodes[cur].parent
        chain.reverse()
        self._ancestors[code] = tuple(chain)
        return chain

    def is_ancestor_or_self(self, anc: str, code: str) -> bool:
        cur: str | None = code
        while cur:
            if cur == anc:
                return True
            cur = self.nodes[cur].parent
        return False

    def lookup(self, text: str) -> list[str]:
        """Codes whose name, short form or alias is ``text`` (full names first)."""
        codes = self.full.get(text)
        if codes:
            return list(codes)
        codes = self.short.get(text)
        if codes:
            return list(codes)
        # 富阳市 → 富阳区, 望城县 → 望城区: stem with another suffix
        if len(text) >= 3 and text[-1] in "市县区":
            return list(self.short.get(text[:-1], ()))
        return []

    def lookup_local(self, parent: str, text: str) -> list[str]:
        """Township/village codes named ``text`` below ``parent`` (any depth ≤ 2)."""
        out: list[str] = []
        loc = self.local.get(parent)
        if loc and text in loc:
            out.extend(loc[text])
        for child in self.nodes[parent].children:
            sub = self.local.get(child)
            if sub and text in sub:
                out.extend(sub[text])
        if not out:
            for suf in (*_TOWN_SUFFIXES, *_VILLAGE_SUFFIXES, "村", "社区"):
                if text.endswith(suf) and len(text) - len(suf) >= 2:
                    stem = text[: -len(suf)]
                    return self.lookup_local(parent, stem) if stem != text else []
        return out


_LOCK = threading.Lock()
_CACHE: dict[Path, Gazetteer] = {}


def get_gazetteer(path: Path = DIVISIONS_FILE) -> Gazetteer:
    """The process-wide gazetteer (loaded lazily, thread-safe)."""
    gaz = _CACHE.get(path)
    if gaz is not None:
        return gaz
    with _LOCK:
        gaz = _CACHE.get(path)
        if gaz is None:
            if not path.exists():
                hint = "zhizhi addresses build-gazetteer"
                raise RuntimeError(f"address gazetteer file missing: {path}; rebuild it with `{hint}`")
            gaz = Gazetteer(read_rows(path))
            _CACHE[path] = gaz
    return gaz
