"""The built-in wording of each kind of message, its placeholders, and the check run before an
administrator's wording is saved (pure: no session)."""

from __future__ import annotations

import string
from collections.abc import Mapping

from zhizhi.core.errors import ValidationFailed
from zhizhi.notifications.enums import MessageKind as K

MAX_LENGTH = 300  # characters of one template (a few SMS segments at most)

# kind -> (中文, English); placeholders in braces, filled from the case
DEFAULTS: dict[str, tuple[str, str]] = {
    K.ACCEPTED: (
        "【12345】您的诉求已受理，编号 {number}，将于 {deadline} 前答复。查询请访问 12345 门户“我的诉求”。",
        "[12345] Your appeal {number} has been accepted; you will have an answer by {deadline}. "
        "Track it under My appeals on the 12345 portal.",
    ),
    K.REPLIED: (
        "【12345】您的诉求 {number} 已由{unit}答复，请登录 12345 门户“我的诉求”查看并评价。",
        "[12345] {unit} has answered your appeal {number}; please read and rate it under My appeals.",
    ),
    K.REOPENED: (
        "【12345】您的诉求 {number} 已重新交办（重办），新的答复期限为 {deadline}。",
        "[12345] Your appeal {number} has been reopened; the new answer is due by {deadline}.",
    ),
    K.DISPATCHED: (
        "【12345】新工单 {number}「{subject}」已派至{unit}，请于 {deadline} 前办结。",
        "[12345] New case {number} \u201c{subject}\u201d was dispatched to {unit}; due by {deadline}.",
    ),
    K.WARNING: (
        "【12345】工单 {number} 临近办理期限（{deadline}），请抓紧办理。",
        "[12345] Case {number} is close to its deadline ({deadline}); please act now.",
    ),
    K.SUPERVISED: (
        "【12345】工单 {number} 被督办：{reason}。期限 {deadline}。",
        "[12345] Case {number} is under supervision: {reason}. Due by {deadline}.",
    ),
    K.LOGIN_CODE: (
        "【12345】您的登录验证码为 {code}，5 分钟内有效。如非本人操作请忽略。",
        "[12345] Your sign-in code is {code}, valid for 5 minutes. Ignore it if you did not ask.",
    ),
    # the applicant of a service application (政务服务): chosen by the case kind ``application``
    K.APP_ACCEPTED: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）已由{unit}受理，承诺于 {deadline} 前办结。"
        "可在政务服务门户“办件查询”查看进度。",
        "[Gov services] Your application {number} ({subject}) has been accepted by {unit}; "
        "it will be decided by {deadline}. Track it on the portal.",
    ),
    K.APP_NOT_ACCEPTED: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）不予受理，理由：{reason}。"
        "详见不予受理决定书。",
        "[Gov services] Your application {number} ({subject}) was not accepted: {reason}. "
        "See the written decision.",
    ),
    K.APP_SUPPLEMENT: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）需补正材料，请于 {deadline} 前"
        "按一次性告知补齐。可在“办件查询”查看需补正的全部内容。",
        "[Gov services] Your application {number} ({subject}) needs further materials: please "
        "supply everything listed in the notice by {deadline}. See the list on the portal.",
    ),
    K.APP_SPECIAL: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）进入{reason}程序，所需时间不计入办理时限。",
        "[Gov services] Your application {number} ({subject}) is in a special procedure "
        "({reason}); that time does not count towards the time limit.",
    ),
    K.APP_EXTENDED: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）经批准延期办理，理由：{reason}。"
        "新的办结期限为 {deadline}。",
        "[Gov services] Your application {number} ({subject}) was extended: {reason}. "
        "It will be decided by {deadline}.",
    ),
    K.APP_APPROVED: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）已准予许可。"
        "电子证照可在“我的办件”或“办件查询”下载。",
        "[Gov services] Your application {number} ({subject}) has been approved. "
        "Download the certificate under My applications or Track.",
    ),
    K.APP_DENIED: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）不予许可，理由：{reason}。"
        "您可依法申请行政复议或提起行政诉讼。",
        "[Gov services] Your application {number} ({subject}) was denied: {reason}. "
        "You may apply for administrative review or sue.",
    ),
    K.APP_DELIVERED: (
        "【政务服务】您申请的「{subject}」（办件编号 {number}）办理结果已送达，请查收。"
        "欢迎对本次服务作出评价（好差评）。",
        "[Gov services] The result of your application {number} ({subject}) has been delivered. "
        "Please rate the service.",
    ),
}

_APP = frozenset({"number", "subject", "unit", "deadline", "reason"})
PLACEHOLDERS: dict[str, frozenset[str]] = {
    K.APP_ACCEPTED: _APP,
    K.APP_NOT_ACCEPTED: _APP,
    K.APP_SUPPLEMENT: _APP,
    K.APP_SPECIAL: _APP,
    K.APP_EXTENDED: _APP,
    K.APP_APPROVED: _APP,
    K.APP_DENIED: _APP,
    K.APP_DELIVERED: _APP,
    K.ACCEPTED: frozenset({"number", "deadline", "subject"}),
    K.REPLIED: frozenset({"number", "unit", "subject"}),
    K.REOPENED: frozenset({"number", "deadline", "subject"}),
    K.DISPATCHED: frozenset({"number", "deadline", "subject", "unit"}),
    K.WARNING: frozenset({"number", "deadline", "subject", "unit"}),
    K.SUPERVISED: frozenset({"number", "deadline", "subject", "unit", "reason"}),
    K.LOGIN_CODE: frozenset({"code"}),
}
REQUIRED: dict[str, frozenset[str]] = {
    K.LOGIN_CODE: frozenset({"code"}),
}


def fields_of(text: str, field: str) -> set[str]:
    """The placeholders of ``text``; a 422 on ``field`` when the braces are malformed."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        raise ValidationFailed(
            "模板中的花括号不成对（占位符写作 {number}）",
            "unbalanced braces in the template (placeholders are written {number})",
            field=field,
        ) from None
    names = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValidationFailed(
                f"占位符「{{{name}}}」格式不正确", f"placeholder {{{name}}} is malformed", field=field
            )
        names.add(name)
    return names


def check(kind: str, zh: str, en: str) -> tuple[str, str]:
    """The wording as it will be saved, or a 422 naming the field and what is wrong."""
    if kind not in DEFAULTS:
        raise ValidationFailed(f"未知的消息类型「{kind}」", f"unknown message kind {kind!r}", field="kind")
    allowed = PLACEHOLDERS[kind]
    out = []
    for field, text in (("zh", zh.strip()), ("en", en.strip())):
        if not text:
            raise ValidationFailed("模板不能为空", "the template must not be empty", field=field)
        if len(text) > MAX_LENGTH:
            raise ValidationFailed(
                f"模板不能超过 {MAX_LENGTH} 个字符",
                f"the template must be at most {MAX_LENGTH} characters",
                field=field,
            )
        names = fields_of(text, field)
        unknown = sorted(names - allowed)
        if unknown:
            known = "、".join(f"{{{n}}}" for n in sorted(allowed))
            raise ValidationFailed(
                f"未知的占位符：{'、'.join('{' + n + '}' for n in unknown)}；可用：{known}",
                f"unknown placeholders: {', '.join('{' + n + '}' for n in unknown)}; "
                f"allowed: {', '.join('{' + n + '}' for n in sorted(allowed))}",
                field=field,
            )
        missing = sorted(REQUIRED.get(kind, frozenset()) - names)
        if missing:
            raise ValidationFailed(
                f"模板必须包含 {'、'.join('{' + n + '}' for n in missing)}",
                f"the template must contain {', '.join('{' + n + '}' for n in missing)}",
                field=field,
            )
        out.append(text)
    return out[0], out[1]


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill the placeholders (a saved template only names allowed ones; others stay empty)."""
    return string.Formatter().vformat(text, (), _Defaulting(values))


class _Defaulting(dict[str, object]):
    def __init__(self, values: Mapping[str, object]) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> object:
        return ""
