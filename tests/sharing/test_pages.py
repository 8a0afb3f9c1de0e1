"""The sharing pages through the app (forms, errors, scopes, both languages) and input a client
can send that must stay a 4xx on both databases."""

from __future__ import annotations

from tests.builders import PASSWORD
from tests.pages.helpers import csrf_of, login, post_form
from tests.sharing.conftest import SharingCity

FORM = {
    "purpose": "service",
    "purpose_detail": "公租房资格审核",
    "legal_basis": "《公共租赁住房管理办法》",
    "period_start": "2026-01-01",
    "period_end": "2027-06-30",
    "fields": ["name", "phone"],
}


def test_request_form_errors_then_submit_and_answer(city: SharingCity) -> None:
    c = city.client
    login(c, "st_zj")
    page = c.get("/sharing/resources/GA-RK-001")
    assert page.status_code == 200
    assert "申请共享" in page.text
    assert 'id="fld-ethnicity"' in page.text
    r = post_form(
        c, "/sharing/resources/GA-RK-001", "/sharing/resources/GA-RK-001/request", FORM | {"legal_basis": ""}
    )
    assert r.status_code == 422
    assert 'id="f-legal_basis-error"' in r.text
    r = post_form(
        c, "/sharing/resources/GA-RK-001", "/sharing/resources/GA-RK-001/request", FORM | {"fields": []}
    )
    assert r.status_code == 422
    assert 'id="f-fields-error"' in r.text
    r = post_form(
        c,
        "/sharing/resources/GA-RK-001",
        "/sharing/resources/GA-RK-001/request",
        FORM,
        follow_redirects=False,
    )
    assert r.status_code == 303
    number = r.headers["location"].split("done=")[1]
    mine = c.get("/sharing/requests")
    assert f'id="out-{number}"' in mine.text
    assert f'id="req-{number}"' not in mine.text  # ZJ does not answer its own request
    login(c, "st_ga")
    r = post_form(
        c, "/sharing/requests", f"/sharing/requests/{number}/decide", {"approve": "0", "reason": ""}
    )
    assert r.status_code == 422
    assert 'id="error-reason"' in r.text
    r = post_form(
        c,
        "/sharing/requests",
        f"/sharing/requests/{number}/decide",
        {"approve": "1", "reason": "同意", "plain_fields": ["name"]},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get("/sharing/requests")
    grant_id = city.client.get("/api/v1/sharing/grants", headers=city.h("st_ga")).json()[0]["id"]
    assert f'id="revoke-{grant_id}"' in page.text
    r = post_form(c, "/sharing/requests", f"/sharing/grants/{grant_id}/revoke", {"reason": ""})
    assert (r.status_code, 'id="error-reason"' in r.text) == (422, True)
    r = post_form(c, "/sharing/requests", "/sharing/grants/99999999999/revoke", {"reason": "x"})
    assert r.status_code == 422  # no such grant, said on the page
    r = post_form(
        c,
        "/sharing/requests",
        f"/sharing/grants/{grant_id}/revoke",
        {"reason": "超范围使用"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "已撤销" in c.get("/sharing/requests").text


def test_pages_in_english_and_scopes(city: SharingCity) -> None:
    c = city.client
    login(c, "st_zj")
    en = c.get("/sharing?lang=en")
    assert "Government data resource catalogue" in en.text
    assert "One-source conflicts" in en.text
    assert "Conditional" in en.text
    assert c.get("/sharing/supervision").status_code == 200  # stewards supervise too
    login(c, "h_zj")
    assert c.get("/sharing").status_code == 200  # any staff browses the catalogue
    assert c.get("/sharing/supervision").status_code == 403
    assert c.get("/sharing/reads").status_code == 403
    assert c.get("/sharing/resources/NOPE").status_code == 404


def test_my_data_page(city: SharingCity) -> None:
    c = city.client
    c.cookies.clear()
    assert "我的数据被哪些部门使用" in c.get("/my-data").text
    r = post_form(c, "/my-data", "/my-data", {"username": "citizen", "password": "wrong"})
    assert (r.status_code, 'id="mydata-error"' in r.text) == (401, True)
    r = post_form(c, "/my-data", "/my-data", {"username": "h_zj", "password": PASSWORD})
    assert r.status_code == 401  # staff accounts are not data subjects here
    r = post_form(c, "/my-data", "/my-data", {"username": "citizen2", "password": PASSWORD})
    assert (r.status_code, 'id="unverified"' in r.text) == (200, True)
    r = post_form(c, "/my-data", "/my-data", {"username": "citizen", "password": PASSWORD})
    assert (r.status_code, 'id="mydata-for"' in r.text, 'id="no-reads"' in r.text) == (200, True, True)
    assert "zz_session" not in r.cookies  # no session is kept
    r = post_form(c, "/my-data", "/my-data", {"username": "citi\u0000zen", "password": PASSWORD})
    assert r.status_code == 422  # refused at the edge (docs/security.md: invalid text)


def test_control_characters_are_a_4xx(city: SharingCity) -> None:
    c = city.client
    h = city.h("st_zj")
    assert c.get("/api/v1/sharing/resources", params={"q": "人\u0000口"}, headers=h).status_code == 422
    assert c.get("/api/v1/sharing/resources", params={"owner": "G\u0000A"}, headers=h).status_code == 422
    assert c.get("/api/v1/sharing/resources/GA%00", headers=h).status_code == 422
    assert c.get("/api/v1/sharing/requests/GX%001", headers=h).status_code == 422
    r = city.request("st_zj", "GA-RK-001", ["name"], expect=201)
    body = {
        "resource": "GA-RK-001",
        "purpose": "service",
        "purpose_detail": "a\u0000b",
        "legal_basis": "x",
        "fields": ["name"],
        "period_start": "2026-01-01",
        "period_end": "2027-01-01",
    }
    assert c.post("/api/v1/sharing/requests", json=body, headers=h).status_code == 422
    r2 = c.post(
        f"/api/v1/sharing/requests/{r['number']}/decision",
        json={"approve": False, "reason": "\u0000"},
        headers=city.h("st_ga"),
    )
    assert r2.status_code == 422
    t = c.post(
        "/api/v1/exchange/token",
        data={"grant_type": "client_credentials", "client_id": "a\u0000", "client_secret": "b"},
    )
    assert (t.status_code, t.json()["field"]) == (422, "client_id")  # refused at the edge
    bearer = city.bearer("ZJ")
    assert (
        c.get(
            "/api/v1/exchange/GA%00RK", params={"key": "1", "purpose": "service"}, headers=bearer
        ).status_code
        == 422
    )
    login(c, "st_zj")
    assert c.get("/sharing", params={"q": "\u0000"}).status_code == 422
    assert c.get("/sharing/resources/GA%00").status_code == 422


def test_catalogue_import_page(city: SharingCity) -> None:
    c = city.client
    login(c, "st_zj")
    exported = c.get("/sharing/catalogue.xlsx").content  # the page's own link, with the session cookie
    assert exported[:2] == b"PK"  # a zip: the workbook
    page = c.get("/sharing")
    assert 'id="do-import"' in page.text
    token = csrf_of(page.text)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = c.post(
        "/sharing/import",
        data={"csrf_token": token},
        files={"file": ("c.xlsx", exported, xlsx)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/sharing?imported=0-5"
    assert "新增 0 个、更新 5 个资源" in c.get(r.headers["location"]).text
    r = c.post("/sharing/import", data={"csrf_token": token}, files={"file": ("c.xlsx", b"nope", xlsx)})
    assert r.status_code == 422
    assert 'id="import-error"' in r.text
    login(c, "h_zj")
    assert 'id="do-import"' not in c.get("/sharing").text
