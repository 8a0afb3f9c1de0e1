"""免提交 for a single application (not a bundle): online through ``POST /api/v1/applications``
(preview ``POST /api/v1/applications/prefill``) and at a window; and the sharing rule that lets
a provider department read its own resource for a service it handles (no grant, still logged).
SQLite and PostgreSQL (ZHIZHI_TEST_DB)."""

from __future__ import annotations

import json
from typing import Any

from tests.services.apps_data import png
from tests.services.bundles_data import HUKOU
from tests.services.items_data import code_for, item
from tests.services.window_support import build_halls, reception_count
from tests.sharing.conftest import CITIZEN_ID, PROVIDER_ROWS, SharingCity

PERSON = PROVIDER_ROWS["provider_population"][0]
INSURED = PROVIDER_ROWS["provider_social_security"][0]
assert PERSON["id_number"] == CITIZEN_ID == INSURED["id_number"]
RETIRE = code_for("000114201000")


def _applicant(id_number: str = CITIZEN_ID, name: str = PERSON["name"]) -> dict[str, Any]:
    return {"type": "person", "name": name, "id_number": id_number}


def _preview(city: SharingCity, user: str | None, code: str = HUKOU, **over: Any) -> Any:
    body = {"item": code, "applicant": _applicant(), "consent": True} | over
    headers = city.h(user) if user else {}
    return city.client.post("/api/v1/applications/prefill", json=body, headers=headers)


def _submit(city: SharingCity, user: str | None, body: dict[str, Any], files: dict[str, Any]) -> Any:
    headers = city.h(user) if user else {}
    if not files:
        return city.client.post("/api/v1/applications", json=body, headers=headers)
    return city.client.post(
        "/api/v1/applications",
        data={"data": json.dumps(body, ensure_ascii=False)},
        files=[(f"material.{c}", f) for c, f in files.items()],
        headers=headers,
    )


def _hukou(consent: bool, **over: Any) -> dict[str, Any]:
    return {
        "item": HUKOU,
        "applicant": _applicant() | {"phone": "13800001111"},
        "form": {"child.name": "邱小满"},
        "consent": consent,
    } | over


def _reads(city: SharingCity, steward: str = "st_ga") -> list[dict[str, Any]]:
    r = city.client.get("/api/v1/sharing/reads", headers=city.h(steward))
    assert r.status_code == 200, r.text
    return list(r.json())


def _paper() -> dict[str, Any]:
    return {"household.register": ("户口簿.png", png(), "image/png")}


def test_preview_and_submit_online_with_consent(bundle_city: SharingCity) -> None:
    city = bundle_city
    before = len(_reads(city))
    r = _preview(city, "citizen")
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["fields"]["person.name"] == PERSON["name"]
    assert got["fields"]["person.phone"] == PERSON["phone"]
    assert got["materials"]["applicant.id_card"]["source"] == "shared:GA-RK-001"
    assert got["materials"]["applicant.id_card"]["name"] == "身份证明"
    assert "household.register" not in got["materials"]  # paper: still asked
    assert len(_reads(city)) == before + 1
    # submitted with consent: the ID card is not uploaded, name and phone left blank and filled
    r = _submit(city, "citizen", _hukou(True), _paper())
    assert r.status_code == 201, r.text
    out = r.json()
    states = {m["code"]: m["state"] for m in out["materials"]}
    assert states == {"applicant.id_card": "by_data", "household.register": "received"}
    assert out["form"]["person.name"] == PERSON["name"]
    figure = out["prefill"]
    assert figure["consent"] is True
    assert (figure["fields_saved"], figure["fields_total"]) == (2, 3)
    assert (figure["materials_saved"], figure["materials_total"]) == (1, 2)
    assert figure["materials"] == [
        {"code": "applicant.id_card", "source": "shared:GA-RK-001", "ref": "GA-RK-001"}
    ]
    # a value the applicant typed wins over data's and is not counted as provided by data
    r = _submit(
        city, "citizen", _hukou(True, form={"child.name": "邱小满", "person.phone": "13700002222"}), _paper()
    )
    assert r.status_code == 201, r.text
    assert r.json()["form"]["person.phone"] == "13700002222"
    assert r.json()["prefill"]["fields_saved"] == 1
    # staff see the figure on the application too
    number = r.json()["number"]
    r = city.client.get(f"/api/v1/applications/{number}", headers=city.h("h_zj"))
    assert r.status_code == 200 and r.json()["prefill"]["materials_saved"] == 1


def test_without_consent_or_identity_everything_is_asked(bundle_city: SharingCity) -> None:
    city = bundle_city
    before = len(_reads(city))
    r = _preview(city, "citizen", consent=False)
    assert r.status_code == 422 and r.json()["field"] == "consent"
    r = _submit(city, "citizen", _hukou(False), _paper())
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"materials.applicant.id_card", "form.person.name"} <= fields  # one list, all at once
    # citizen2 has no verified ID number: no person data for him, whatever number he gives
    r = _preview(city, "citizen2")
    assert r.status_code == 200, r.text
    assert r.json()["fields"] == {} and r.json()["materials"] == {}
    assert r.json()["missing"]["applicant.id_card"]["reason"] == "no_identity"
    r = _submit(city, "citizen2", _hukou(True), _paper())
    assert r.status_code == 422
    assert "materials.applicant.id_card" in {e["field"] for e in r.json()["errors"]}
    # anonymous: no person data either
    r = _preview(city, None)
    assert r.status_code == 200 and r.json()["fields"] == {}
    # the verified citizen giving someone else's number reads nothing
    other = PROVIDER_ROWS["provider_population"][1]
    r = _preview(city, "citizen", applicant=_applicant(other["id_number"], other["name"]))
    assert r.status_code == 200 and r.json()["fields"] == {}
    assert len(_reads(city)) == before  # nothing read for any of these
    assert reception_count("applications") == 0  # nothing half-created by the refusals
    assert reception_count("prefill_records") == 0


def test_bad_input_to_the_preview(bundle_city: SharingCity) -> None:
    city = bundle_city
    bad = _preview(city, "citizen", applicant=_applicant("43010419900101123"))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "applicant.id_number"
    assert _preview(city, "citizen", item="X" * 41).status_code == 422
    assert _preview(city, "citizen", item="999999999999999999999999999999").status_code == 404
    assert _preview(city, "citizen", consent="yes\x00").status_code == 422
    assert _preview(city, "citizen", extra=1).status_code == 422
    assert _preview(city, "citizen", applicant=_applicant() | {"name": "\x00"}).status_code == 422
    r = city.client.post("/api/v1/applications/prefill", json=[1], headers=city.h("citizen"))
    assert r.status_code == 422
    assert _preview(city, "st_ga").status_code == 403  # a data steward does not apply


def test_window_reception_with_consent(bundle_city: SharingCity) -> None:
    """The clerk has seen the ID card: person data is read for the applicant's number (audited),
    the ID card is not asked for and the figure is stored."""
    city = bundle_city
    build_halls(city.world)
    body = {
        "item": HUKOU,
        "applicant_type": "1",
        "applicant_name": PERSON["name"],
        "applicant_id": CITIZEN_ID,
        "materials": ["household.register"],
        "form": {"child.name": "邱小满"},
    }
    r = city.client.post("/api/v1/window/receptions", json=body, headers=city.h("clerk_a"))
    assert r.status_code == 200 or r.status_code == 201, r.text
    assert r.json()["outcome"] == "notice"  # without consent the ID card is missing
    before = len(_reads(city))
    r = city.client.post(
        "/api/v1/window/receptions", json=body | {"consent": True}, headers=city.h("clerk_a")
    )
    assert r.status_code in (200, 201), r.text
    assert r.json()["outcome"] == "forwarded", r.text
    number = r.json()["number"]
    assert len(_reads(city)) == before + 1
    app = city.client.get(f"/api/v1/applications/{number}", headers=city.h("h_zj")).json()
    assert app["channel"] == "window"
    assert {m["code"]: m["state"] for m in app["materials"]}["applicant.id_card"] == "by_data"
    assert app["prefill"]["materials_saved"] == 1 and app["prefill"]["fields_saved"] == 2


def _retire_item() -> dict[str, Any]:
    return item(
        basic_code="000114201000",
        implementation_code=RETIRE,
        name="职工正常退休（职）申请",
        department="RS",
        applicant_types=["1"],
        audiences=["personal"],
        life_events=["retirement"],
        result_certificate_type=None,
        result_type="other",
        materials=[
            {
                "code": "person.social_insurance_record",
                "name": "社会保险参保缴费记录",
                "form": "electronic",
                "source": "shared:RS-SB-001",
            }
        ],
        fields=[
            {"code": "person.employer", "label": "工作单位", "label_en": "Employer"},
            {"code": "person.months_paid", "label": "缴费月数", "label_en": "Months paid", "type": "number"},
        ],
    )


def test_a_department_reads_its_own_resource_for_its_service(bundle_city: SharingCity) -> None:
    """人社局 holds no grant on its own 社保 resource and needs none for 政务服务办理: the read is
    served, logged with the reason own_resource and no grant; any other purpose, or any other
    department, still needs a grant."""
    city = bundle_city
    key = INSURED["id_number"]
    r = city.read("RS", "RS-SB-001", key, purpose="service")
    assert r.status_code == 200, r.text
    assert r.json()["grant"] is None and r.json()["record"]["employer"] == INSURED["employer"]
    reads = _reads(city, "st_rs")
    assert reads[0]["outcome"] == "served" and reads[0]["consumer"] == "RS"
    assert city.read("RS", "RS-SB-001", key, purpose="verification").status_code == 403
    assert city.read("ZJ", "RS-SB-001", key, purpose="service").status_code == 403
    # the 退休 item of 人社局: its contribution record is read, not asked for
    r = city.client.post("/api/v1/service-items", json=_retire_item(), headers=city.h("istew"))
    assert r.status_code == 201, r.text
    r = city.client.post(f"/api/v1/service-items/{RETIRE}/publish", headers=city.h("istew"))
    assert r.status_code == 200, r.text
    body = {"item": RETIRE, "applicant": _applicant() | {"phone": "13800001111"}, "consent": True}
    r = _submit(city, "citizen", body, {})
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["materials"][0]["state"] == "by_data"
    assert out["form"]["person.employer"] == INSURED["employer"]
    assert out["form"]["person.months_paid"] == str(INSURED["months_paid"])
    assert out["prefill"]["materials_saved"] == 1 and out["prefill"]["fields_saved"] == 2


def test_window_desk_page_with_consent(bundle_city: SharingCity) -> None:
    """The clerk's desk has the consent box: ticked, the ID card is read, not asked as paper."""
    from tests.pages.helpers import login, post_form

    city = bundle_city
    build_halls(city.world)
    c = city.client
    login(c, "clerk_a")
    desk = c.get(f"/services/window?item={HUKOU}")
    assert desk.status_code == 200 and 'id="win-consent"' in desk.text
    data = {
        "item": HUKOU,
        "applicant_type": "1",
        "applicant_name": PERSON["name"],
        "applicant_id": CITIZEN_ID,
        "materials": "household.register",
        "form.child.name": "邱小满",
        "consent": "1",
    }
    r = post_form(
        c, f"/services/window?item={HUKOU}", "/services/window/receive", data, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    receipt = c.get(r.headers["location"])
    assert receipt.status_code == 200 and "身份证明" in receipt.text  # held: provided by data
