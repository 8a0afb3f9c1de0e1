"""Service ratings' free text (the comment; the rectification's verification and result) as the
other free texts outside cases (core.freetext): masked in every view, the words as given kept
SM4-encrypted in ``personal_text`` and covered by ``zhizhi keys rotate``. SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.builders import World
from tests.services.apps_data import CERT_FIELDS, act, publish_items, submit
from zhizhi.core import freetext
from zhizhi.core.db import unit_of_work
from zhizhi.keys import service as keys
from zhizhi.services.ratings.models import Rectification, ServiceRating

PHONE = "13812345678"
ID = "11010519491231002X"


@pytest.fixture
def w(world: World) -> World:
    publish_items(world)
    return world


def _raw(table: str) -> list[tuple[str | None, ...]]:
    with unit_of_work() as s:
        cols = (
            "comment, personal_text" if table == "service_ratings" else "verification, result, personal_text"
        )
        return [tuple(r) for r in s.execute(text(f"SELECT {cols} FROM {table}")).all()]


def test_comment_verification_and_result_masked_with_the_words_kept_encrypted(w: World) -> None:
    number = submit(w)["number"]
    act(w, "h_zj", number, "accept")
    act(w, "h_zj", number, "examine")
    act(w, "h_zj", number, "approve", opinion="符合条件", certificate_fields=CERT_FIELDS)
    act(w, "h_zj", number, "deliver", method="certificate")
    said = f"办了三次，电话 {PHONE} 没人接，身份证 {ID} 复印了三遍"
    r = w.client.post(
        "/api/v1/service-ratings",
        json={"number": number, "level": "dissatisfied", "comment": said},
        headers=w.h("citizen"),
    )
    assert r.status_code == 201, r.text
    shown = r.json()["comment"]
    assert PHONE not in shown and ID not in shown and "办了三次" in shown
    rid = r.json()["rectification"]["id"]
    check = f"已回访，申请人留的 {PHONE} 为空号"
    r = w.client.post(
        f"/api/v1/service-ratings/rectifications/{rid}/verify",
        json={"verification": check, "measure": "explain", "result": f"已致电 {PHONE} 说明原因"},
        headers=w.h("h_zj"),
    )
    assert r.status_code == 200, r.text
    assert PHONE not in r.text
    mine = w.client.get("/api/v1/service-ratings", params={"number": number}, headers=w.h("citizen"))
    assert mine.status_code == 200 and PHONE not in mine.text and ID not in mine.text
    # at rest: the masked words in clear, the words as given only inside the SM4 envelope
    ((comment, sealed),) = _raw("service_ratings")
    assert comment is not None and PHONE not in comment
    assert sealed is not None and PHONE not in sealed and ID not in sealed
    ((verification, result, sealed2),) = _raw("service_rectifications")
    assert PHONE not in (verification or "") + (result or "")
    assert sealed2 is not None and PHONE not in sealed2
    with unit_of_work() as s:
        rating = s.query(ServiceRating).one()
        assert freetext.given(rating.personal_text) == {"comment": said}
        rect = s.query(Rectification).one()
        words = freetext.given(rect.personal_text)
        assert words == {"verification": check, "result": f"已致电 {PHONE} 说明原因"}
    # both tables are re-encrypted by `zhizhi keys rotate`
    tables = dict(keys.targets())
    assert tables["service_ratings"] == {"personal_text": "service_ratings.personal_text"}
    assert tables["service_rectifications"] == {"personal_text": "service_rectifications.personal_text"}
