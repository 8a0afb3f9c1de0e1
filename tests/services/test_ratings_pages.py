"""The rating pages without a browser: the applicant opens their application with the number and
the credit code and rates it; the department verifies on the rectification page; errors come
back on the page with the field, in the page's language."""

from __future__ import annotations

from tests.builders import World
from tests.pages.helpers import csrf_of, login
from tests.services.apps_data import CERT_FIELDS, ORG_CODE, act, publish_items, submit


def test_rate_on_the_page_and_rectify_on_the_queue(world: World) -> None:
    w = world
    publish_items(w)
    number = submit(w)["number"]
    for action, extra in (
        ("accept", {}),
        ("examine", {}),
        ("approve", {"opinion": "符合条件", "certificate_fields": CERT_FIELDS}),
        ("deliver", {"method": "certificate"}),
    ):
        act(w, "h_zj", number, action, **extra)
    c = w.client
    c.cookies.clear()
    page = c.get(f"/services/rate?number={number}")
    assert page.status_code == 200 and 'id="rate-lookup"' in page.text
    token = csrf_of(page.text)
    wrong = c.post("/services/rate/lookup", data={"number": number, "id_number": "X", "csrf_token": token})
    assert wrong.status_code == 404 and 'id="rate-lookup"' in wrong.text
    opened = c.post(
        "/services/rate/lookup", data={"number": number, "id_number": ORG_CODE, "csrf_token": token}
    )
    assert opened.status_code == 200 and 'id="rate-form"' in opened.text
    token = csrf_of(opened.text)
    base = {"number": number, "id_number": ORG_CODE, "stage": "completion", "csrf_token": token}
    missing = c.post("/services/rate", data=base | {"level": "very_dissatisfied"})
    assert missing.status_code == 422 and "原因" in missing.text  # the bad rating needs its reason
    done = c.post(
        "/services/rate",
        data=base | {"level": "very_dissatisfied", "comment": "审批太慢", "dim_efficiency": "dissatisfied"},
    )
    assert done.status_code == 200 and 'id="rate-done"' in done.text and "待核实" in done.text
    login(c, "h_zj")
    queue = c.get("/services/rectifications")
    assert queue.status_code == 200 and number in queue.text
    rid = queue.text.split('id="verify-')[1].split('"')[0]
    token = csrf_of(queue.text)
    bad = c.post(
        f"/services/rectifications/{rid}/verify",
        data={"verification": "已回访", "measure": "explain", "csrf_token": token},
    )
    assert bad.status_code == 422 and 'id="res-' in bad.text
    ok = c.post(
        f"/services/rectifications/{rid}/verify",
        data={
            "verification": "已电话回访",
            "measure": "explain",
            "result": "已向申请人说明审查环节",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert "已向申请人说明审查环节" in c.get("/services/rectifications?status=all").text
    login(c, "h_d1")
    assert number not in c.get("/services/rectifications?status=all").text  # another department
    login(c, "agent")  # an intake agent holds no rating:rectify
    assert c.get("/services/rectifications").status_code == 403
