"""The knowledge pages: a steward writes and publishes an article through the forms; the
agent's intake form finds it while typing (htmx fragment) and answers directly citing it."""

from __future__ import annotations

import re

from tests.builders import World
from tests.pages.helpers import csrf_of, login, post_form


def _write_and_publish(world: World) -> str:
    login(world.client, "steward")
    r = post_form(
        world.client,
        "/knowledge/new",
        "/knowledge/new",
        {
            "kind": "faq",
            "title": "新生儿如何办理户口登记",
            "body": "持出生医学证明、父母身份证、户口簿到户籍地派出所办理出生登记，也可线上办理。",
            "category": "JYWT",
            "department": "ZJ",
            "tags": "户口，上户、出生登记",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = world.client.get(r.headers["location"])
    assert "草稿" in page.text and "户口" in page.text
    ref = re.search(r"KB-\d{4}", r.headers["location"])
    assert ref
    token = csrf_of(page.text)
    r = world.client.post(
        f"/knowledge/article/publish?ref={ref.group(0)}", data={"csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "已发布" in world.client.get(r.headers["location"]).text
    return ref.group(0)


def test_write_publish_and_answer_from_the_intake_form(world: World) -> None:
    ref = _write_and_publish(world)
    login(world.client, "agent")
    intake = world.client.get("/work/intake")
    assert 'id="kb-panel"' in intake.text and 'hx-post="/work/knowledge/suggest"' in intake.text
    assert "<script>" not in intake.text  # CSP: no inline script
    token = csrf_of(intake.text)
    fragment = world.client.post(
        "/work/knowledge/suggest", data={"content": "孩子出生了怎么上户口"}, headers={"X-CSRF-Token": token}
    )
    assert ref in fragment.text and 'formaction="/work/knowledge/answer"' in fragment.text
    r = world.client.post(
        "/work/knowledge/answer",
        data={
            "csrf_token": token,
            "channel": "hotline",
            "appeal_type": "consult",
            "urgency": "normal",
            "content": "孩子出生了怎么上户口",
            "contact_phone": "13800138000",
            "article": ref,
            "direct_close": "1",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    case = world.client.get(r.headers["location"])
    assert "已办结" in case.text or "办结" in case.text
    assert f"{ref} 第1版《新生儿如何办理户口登记》" in case.text  # the citation on the timeline
    # the steward sees which case cited it
    login(world.client, "steward")
    assert re.search(r"/work/cases/\w+", world.client.get(f"/knowledge/article?ref={ref}").text)


def test_refusals_on_the_pages(world: World) -> None:
    ref = _write_and_publish(world)
    login(world.client, "agent")
    token = csrf_of(world.client.get("/work/intake").text)
    r = world.client.post(
        "/work/knowledge/answer",
        data={"csrf_token": token, "content": "", "article": ref, "direct_close": "1"},
    )
    assert r.status_code == 422 and 'id="kb-panel"' in r.text  # the intake form again, with its error
    r = world.client.post("/work/knowledge/answer", data={"content": "户口", "article": ref})
    assert r.status_code == 403  # no CSRF token
    assert world.client.get("/knowledge/new").status_code == 403  # agents read, stewards write
    r = world.client.get("/knowledge", params={"q": "户口"})
    assert r.status_code == 200 and ref in r.text


def test_both_languages(world: World) -> None:
    ref = _write_and_publish(world)
    login(world.client, "agent")
    en = world.client.get("/work/intake", params={"lang": "en"}).text
    assert "Knowledge base (searched as you type)" in en and "知识库参考" not in en
    token = csrf_of(en)
    hits = world.client.post(
        "/work/knowledge/suggest?lang=en", data={"content": "上户口"}, headers={"X-CSRF-Token": token}
    ).text
    assert "Answer citing this" in hits and "version 1" in hits
    page = world.client.get("/knowledge/article", params={"ref": ref, "lang": "en"}).text
    assert "Version history" in page and "Published" in page
    login(world.client, "steward")
    zh = world.client.get("/knowledge/new").text
    assert "保存草稿" in zh and "标签" in zh


def test_versions_name_who_saved_them_never_the_login(world: World) -> None:
    from sqlalchemy import update

    from zhizhi.core.db import unit_of_work
    from zhizhi.org.models import User

    with unit_of_work() as s:
        s.execute(update(User).where(User.username == "steward").values(display_name="陈知远"))
    ref = _write_and_publish(world)
    table = world.client.get(f"/knowledge/article?ref={ref}").text.split('id="kb-versions"', 1)[1]
    table = table.split("</table>", 1)[0]
    assert "陈知远 ·" in table and "steward ·" not in table
