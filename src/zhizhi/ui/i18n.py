"""The message catalogue: key → (中文, English). Chinese is the default language.

The shell's own words are here; each capability brings its catalogue (``<domain>/messages.py``,
added by :func:`register` when the app is built).  ``?lang=en`` (or ``?lang=zh``) on any page sets
the ``zz_lang`` cookie for a year.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request

COOKIE = "zz_lang"
LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    "site": ("智治 · 12345 接诉即办", "Zhizhi · 12345 hotline"),
    "skip": ("跳到主要内容", "Skip to main content"),
    "nav.logout": ("退出", "Log out"),
    "lang.switch": ("English", "中文"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "approve": ("同意", "Approve"),
    "reject": ("不同意", "Reject"),
    "submit": ("提交", "Submit"),
    "search": ("查询", "Search"),
    "login": ("登录", "Log in"),
    "case.done": ("操作成功", "Done"),
    "error.title": ("出错了", "Something went wrong"),
    "nav.admin": ("系统管理", "Administration"),
    "admin.title": ("系统管理", "Administration"),
    "admin.pick": ("请选择要管理的内容；每一项单独一页。", "Choose what to manage; each has its own page."),
    "admin.state": ("状态", "State"),
    "admin.active": ("启用", "Active"),
    "admin.inactive": ("已停用", "Retired"),
    "admin.retire": ("停用", "Retire"),
    "admin.code": ("编码", "Code"),
    "admin.name": ("名称", "Name"),
    "admin.add": ("新增", "Add"),
    "admin.save": ("保存", "Save"),
    "error.back": ("返回首页", "Back to the home page"),
}


def register(messages: Mapping[str, tuple[str, str]]) -> None:
    """Add a capability's catalogue (its manifest's ``messages``); a key may be defined once."""
    for key, pair in messages.items():
        if MESSAGES.setdefault(key, pair) != pair:
            raise ValueError(f"message {key!r} is defined twice with different texts")


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(COOKIE)
    return cookie if cookie in LANGS else "zh"


def pick(pair: tuple[str, str] | list[str] | None, lang: str) -> str:
    if not pair:
        return ""
    return pair[1] if lang == "en" else pair[0]


def translate(key: str, lang: str, **values: object) -> str:
    pair = MESSAGES.get(key)
    text = pick(pair, lang) if pair else key
    return text.format(**values) if values else text
