"""The gettext catalogues (docs/i18n.md): Babel's extraction finds no key missing from either
language, no empty or fuzzy translation, no obsolete key, no dictionary left; the words built
from data (statuses, actions, action fields, queues) all have their keys; the migration script
moves a messages.py dictionary into catalogues and rewires the manifest."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

from zhizhi.cases.enums import CaseStatus
from zhizhi.cases.pages.forms import action_fields
from zhizhi.cases.repository.stats import ALL_QUEUES
from zhizhi.cases.workflow import CASE_LIFECYCLE
from zhizhi.ui import i18n, i18n_tools

ROOT = Path(__file__).resolve().parents[1]


def _all_messages() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for package in i18n_tools.packages():
        if (package / "locale").is_dir():
            out |= i18n.read_catalogue(package / "locale")
    return out


def test_extraction_finds_nothing_untranslated_or_obsolete() -> None:
    problems = i18n_tools.problems()
    assert not problems, "\n".join(problems)


def test_every_package_catalogue_has_both_languages() -> None:
    for package in i18n_tools.packages():
        locale = package / "locale"
        if locale.is_dir():
            for lang in i18n.LANGS:
                assert i18n.po_path(locale, lang).exists(), f"{package.name}: no {lang} catalogue"


def test_statuses_actions_fields_and_queues_have_words() -> None:
    messages = _all_messages()
    wanted = {f"status.{s.value}" for s in CaseStatus}
    wanted |= {f"action.{t.action}" for t in CASE_LIFECYCLE} | {"action.create"}
    wanted |= {f"do.{t.action}" for t in CASE_LIFECYCLE}
    wanted |= {f"queue.{q}" for q in ALL_QUEUES}
    wanted |= {f.label for t in CASE_LIFECYCLE for f in action_fields(t.action)}
    missing = sorted(wanted - set(messages))
    assert not missing, f"no words for {missing}"


def test_english_never_leaves_a_half_phrase() -> None:
    """The English of an action shown as a label is a whole phrase (not "decide the extension
    of", which is the verb phrase of the workflow's error messages)."""
    messages = _all_messages()
    for key, (_, en) in messages.items():
        if key.startswith(("action.", "do.", "status.")):
            assert not en.endswith((" of", " to")), f"{key}: {en!r}"
            assert en[:1].isupper(), f"{key}: {en!r} is not a label"


def test_translate_formats_values_and_data_names_fall_back() -> None:
    i18n.register_catalogue(ROOT / "src" / "zhizhi" / "cases" / "locale")
    assert i18n.translate("bulk.result", "en", ok=2, failed=1) == "Bulk result: 2 done, 1 failed"
    assert i18n.translate("bulk.result", "zh", ok=2, failed=1) == "批量操作结果：成功 2 件，失败 1 件"
    assert i18n.translate("no.such.key", "en") == "no.such.key"
    assert i18n.data_name("城乡建设", "Urban and rural construction", "en") == "Urban and rural construction"
    assert i18n.data_name("城乡建设", None, "en") == "城乡建设"
    assert i18n.data_name("城乡建设", "Urban and rural construction", "zh") == "城乡建设"


def test_reasons_are_messages_rendered_in_each_language() -> None:
    from zhizhi.routing import reasons

    why = reasons.classification(
        {"zh": "城乡建设", "en": "Urban and rural construction"}, 0.42, ["路灯", "不亮"], ([], []), True
    )
    stored = reasons.both(why)
    assert stored["keys"][0]["key"] == "ai.reason.words_city"
    assert "Urban and rural construction" in stored["en"][0] and "路灯, 不亮" in stored["en"][0]
    assert "城乡建设" in stored["zh"][0]
    assert stored["en"][1] == "the model is about 42% sure — not sure: please check"
    assert reasons.in_lang(stored, "en") == stored["en"]
    assert reasons.in_lang({"zh": ["旧的理由"], "en": ["old reason"]}, "en") == ["old reason"]


def test_migration_moves_a_dictionary_into_catalogues(tmp_path: Path) -> None:
    """scripts/i18n_migrate.py on a copy of a package tree: the dictionary goes, the catalogues
    and the manifest's locale come."""
    src = tmp_path / "src" / "zhizhi"
    pkg = src / "parking"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "messages.py").write_text(
        textwrap.dedent('''\
            """Parking words."""

            from __future__ import annotations

            MESSAGES: dict[str, tuple[str, str]] = {
                "park.title": ("停车", "Parking"),
                "park.count": ("共 {n} 个车位", "{n} spaces"),
            }
            # more words
            MESSAGES.update({"park.full": ("已满", "Full")})
            ''')
    )
    (pkg / "manifest.py").write_text(
        textwrap.dedent("""\
            from __future__ import annotations

            from zhizhi.parking.messages import MESSAGES

            CAPABILITY = dict(name="parking", messages=MESSAGES)
            """)
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n_migrate.py"), "--src", str(src), "parking"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not (pkg / "messages.py").exists()
    manifest = (pkg / "manifest.py").read_text()
    assert "MESSAGES" not in manifest and 'locale=Path(__file__).parent / "locale"' in manifest
    assert "from pathlib import Path" in manifest
    texts = i18n.read_catalogue(pkg / "locale")
    assert texts == {
        "park.title": ("停车", "Parking"),
        "park.count": ("共 {n} 个车位", "{n} spaces"),
        "park.full": ("已满", "Full"),
    }
    po = (pkg / "locale" / "en" / "LC_MESSAGES" / "parking.po").read_text()
    assert 'msgid "park.count"\nmsgstr "{n} spaces"' in po


def test_templates_hold_no_chinese_outside_comments() -> None:
    """Words of a template come from the catalogues: no CJK character (full-width punctuation
    included) in a template outside a {# comment #}."""
    cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
    found = []
    for path in sorted((ROOT / "src" / "zhizhi").rglob("templates/**/*.html")):
        text = re.sub(r"{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{path.relative_to(ROOT)}:{m.group()}" for m in cjk.finditer(text)]
    assert not found, found
