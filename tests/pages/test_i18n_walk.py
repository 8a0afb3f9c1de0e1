"""Every page a role can reach, in English and in Chinese (docs/i18n.md, issue 13 point 6).

Each role logs in and walks the pages linked from where it lands (breadth first, same site,
GET only, a bounded number of pages).  In English no CJK character may appear outside user
data; the allowed data are the strings this test (and ``tests.builders.World``) put in: case
text, addresses, people's and units' names, and the names of categories without an English
name.  In Chinese no English word of the interface may appear outside data: a word of the
English catalogue texts, other than the allowed terms (AI, Excel, SLA …).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest

from tests.builders import USERS
from tests.pages.helpers import login

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")
PATH = re.compile(r"\S*/\S*")
WORD = re.compile(r"\b[A-Za-z][A-Za-z'-]{3,}\b")
# English a Chinese page may show: names of standards, products and units of the trade
ALLOWED_TERMS = {
    "excel",
    "json",
    "json-ld",
    "dcat",
    "xlsx",
    "open311",
    "geojson",
    "https",
    "http",
    "zhizhi",
    "html",
    "pinyin",
    # file formats and units named on the upload fields (docs/attachments.md)
    "jpeg",
    "png",
    "webp",
    "pdf",
    "mb",
}
SKIP = ("/logout", "/static", "/export", "/print", "/api/", "/docs", "/openapi", "/redoc")
# the data the world and this test put in (Chinese where no English exists)
DATA = [
    "测试市",
    "12345中心",
    "住建局",
    "岳麓区",
    "橘子洲街道",
    "某社区",
    "芙蓉区",
    "定王台街道",
    "施工噪音",
    "麓山南路工地夜间施工噪音扰民",
    "长沙市岳麓区麓山南路932号",
    "张三",
    "不属于本单位职责",
    "等待检测结果",
    "已处理完毕，详见说明。",
    "需要协调多个部门",
    "路灯不亮",
    "岳麓区麓山南路路灯不亮",
    "情况复杂需延期",
    # the halls and windows of tests/services/window_support (the items' texts: _item_data)
    "市政务服务中心",
    "岳麓区政务服务中心",
    "综合窗口1号",
    "综合窗口2号",
    "综合窗口",
]


def _item_data() -> list[str]:
    """Every text of the test items (tests/services/items_data.ITEM, apps_data): a steward's
    and the guide's data, Chinese in both languages."""
    from tests.services.items_data import ITEM

    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str) and CJK.search(value):
            found.extend([value, *re.split(r"[\s:|：；;，,。、（）()《》]+", value)])
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(ITEM)
    extra = ["食品小作坊登记证补办", "补办回执", "居民身份证", "补办原因", "已取消的事项", "事项取消"]
    # short fragments would hide words of the interface: only whole texts and long parts
    return [v for v in found + extra if len(v) >= 4 or v in _STEPS]


_STEPS = {"申请", "审查", "决定"}  # the test item's process steps (data)


DATA += _item_data()
CATEGORIES_EN = {
    "CXJS": "Urban and rural construction",
    "HJBH": "Environmental protection",
    "SDQR": "Water, power, gas and heating",
    "JYWT": "Education, culture and sport",
}
ROLES = [
    "anonymous",
    "agent",
    "dispatcher",
    "h_s1",
    "h_zj",
    "supervisor",
    "leader",
    "admin",
    "steward",
    "istew",  # item steward (事项管理员, one-stop services)
    "clerk_a",  # window clerk (综合窗口受理员)
]
# the users of one-stop services the walk adds to the test city (tests/services)
SERVICE_USERS = {"istew", "clerk_a", "clerk_a2", "clerk_b"}
MAX_PAGES = 45


class _Text(HTMLParser):
    """The text a person sees or hears: text outside script/style, and the title, alt,
    placeholder, aria-label and button values."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._other_lang: list[str] = []  # open elements in the other language (exempt)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        a = dict(attrs)
        if self._other_lang or (a.get("lang") and str(a["lang"]).split("-")[0] != self.lang):
            self._other_lang.append(tag)
        for name in ("title", "alt", "placeholder", "aria-label"):
            if a.get(name):
                self.parts.append(str(a[name]))
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(str(a["value"]))
        if tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if self._other_lang and self._other_lang[-1] == tag:
            self._other_lang.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._other_lang:
            self.parts.append(data)


def _parse(html: str, lang: str) -> _Text:
    parser = _Text(lang)
    parser.feed(html)
    return parser


def _strip_data(text: str) -> str:
    for value in sorted(DATA, key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def _is_data(run: str) -> bool:
    """A run of Chinese that is part of the data (a word of a case's text, a place's name)."""
    return any(run in value for value in DATA)


def _around(match: re.Match[str], text: str) -> str:
    return " ".join(text[max(0, match.start() - 25) : match.end() + 25].split())


def _walk(client: Any, start: str, lang: str) -> dict[str, str]:
    """path -> visible text of every page reachable from ``start`` (at most MAX_PAGES)."""
    seen: dict[str, str] = {}
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen:
            continue
        r = client.get(path, params={"lang": lang})
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            seen[path] = ""
            continue
        page = _parse(r.text, lang)
        seen[path] = " ".join(page.parts)
        for href in page.links:
            url = urlparse(urljoin("http://testserver" + path, href))
            if url.netloc != "testserver" or any(url.path.startswith(s) for s in SKIP):
                continue
            target = url.path + (f"?{url.query}" if url.query and "lang=" not in url.query else "")
            if target not in seen and target not in queue:
                queue.append(target)
    return seen


def _login(client: Any, username: str) -> None:
    client.cookies.clear()
    if username != "anonymous":
        assert username in USERS or username in SERVICE_USERS
        login(client, username)


@pytest.fixture
def busy_world(world: Any, session: Any) -> Any:
    """Cases in the main states, with the categories' English names set by the administrator."""
    from zhizhi.catalogue import service as catalogue
    from zhizhi.core import audit

    for code, name_en in CATEGORIES_EN.items():
        cat = catalogue.category_by_code(session, code)
        catalogue.rename_category(session, code, name=cat.name, name_en=name_en, actor=audit.Actor.system())
    session.commit()
    for status in ("received", "accepted", "in_progress", "replied", "returned"):
        world.case_in(status)
    number = world.case_in("in_progress")
    world.act("h_s1", number, "request_extension", amount=3, reason="情况复杂需延期")
    world.create(subject="路灯不亮", content="岳麓区麓山南路路灯不亮")
    _services(world)
    return world


def _services(world: Any) -> None:
    """The one-stop services of the test city: published items, an item steward, halls with
    windows and seated clerks."""
    from tests.services.window_support import services_staff

    services_staff(world)


@pytest.mark.parametrize("username", ROLES)
def test_english_pages_have_no_chinese_outside_data(client: Any, busy_world: Any, username: str) -> None:
    _login(client, username)
    pages = _walk(client, "/", "en")
    assert len(pages) > 3
    leftovers = {
        path: sorted({_around(m, t) for m in CJK.finditer(t) if not _is_data(m.group())})
        for path, text in pages.items()
        for t in [_strip_data(text)]
    }
    leftovers = {p: runs for p, runs in leftovers.items() if runs}
    assert not leftovers, f"Chinese on English pages of {username}: {leftovers}"


def _english_words() -> set[str]:
    from zhizhi.ui import i18n

    words = {w.lower() for _, en in i18n.MESSAGES.values() for w in WORD.findall(en)}
    return words - ALLOWED_TERMS


@pytest.mark.parametrize("username", ROLES)
def test_chinese_pages_have_no_english_interface_words(client: Any, busy_world: Any, username: str) -> None:
    _login(client, username)
    pages = _walk(client, "/", "zh")
    interface = _english_words() - {u.lower() for u in USERS}
    allowed_data = {w.lower() for v in CATEGORIES_EN.values() for w in WORD.findall(v)}
    leftovers = {}
    for path, text in pages.items():
        text = PATH.sub(" ", text)  # file paths and addresses of the machine are data
        found = {
            _around(m, text)
            for m in WORD.finditer(text)
            if m.group().lower() in interface
            and m.group().lower() not in allowed_data
            and not m.group().isupper()  # codes (CITY, HJBH) and abbreviations are data
        }
        if found:
            leftovers[path] = sorted(found)
    assert not leftovers, f"English words on Chinese pages of {username}: {leftovers}"
