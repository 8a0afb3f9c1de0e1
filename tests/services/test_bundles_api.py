"""Bundles through the API: defined by an item steward, listed (the contract), the merged form."""

from __future__ import annotations

import copy

from tests.services.bundles_data import BUNDLE, FOOD, save_bundle
from tests.sharing.conftest import SharingCity


def test_contract_list_and_merged_form(bundle_city: SharingCity) -> None:
    w = bundle_city.world
    saved = save_bundle(w)
    assert [i["part"] for i in saved["items"]] == ["licence", "food", "hygiene"]
    listed = w.client.get("/api/v1/bundles").json()  # public, no login
    assert listed["total"] == 1
    b = listed["items"][0]
    assert b["code"] == "open-restaurant" and b["name"] == "开办餐馆"
    food = next(i for i in b["items"] if i["part"] == "food")
    assert (
        food["item"] == FOOD and food["depends_on"] == ["licence"] and food["applicant_types"] == ["2", "5"]
    )
    assert food["department"] == "ZJ" and food["promised_limit"] == {"value": 5, "unit": "working_day"}
    form = w.client.get("/api/v1/bundles/open-restaurant").json()
    codes = [f["code"] for f in form["fields"]]
    assert len(codes) == len(set(codes))  # each field asked once
    name = next(f for f in form["fields"] if f["code"] == "enterprise.name")
    assert name["parts"] == ["licence", "food", "hygiene"]
    assert form["fields_total"] == 4 + 2 + 3 and len(codes) == 6
    materials = [m["code"] for m in form["materials"]]
    assert len(materials) == len(set(materials)) == 4 and form["materials_total"] == 2 + 3 + 2
    by_data = {m["code"] for m in form["materials"] if m["by_data"]}
    assert by_data == {"applicant.id_card", "enterprise.business_licence"}
    assert next(f for f in form["fields"] if f["code"] == "person.name")["prefillable"]


def test_definition_is_checked(bundle_city: SharingCity) -> None:
    w = bundle_city.world
    assert w.client.put("/api/v1/bundles/open-restaurant", json=BUNDLE).status_code == 401
    r = w.client.put("/api/v1/bundles/open-restaurant", json=BUNDLE, headers=w.h("h_zj"))
    assert r.status_code == 403
    cyclic = copy.deepcopy(BUNDLE)
    cyclic["items"][0]["depends_on"] = ["hygiene"]
    r = w.client.put("/api/v1/bundles/open-restaurant", json=cyclic, headers=w.h("istew"))
    assert r.status_code == 422 and r.json()["field"] == "items" and r.json()["message"]["zh"]
    unknown = copy.deepcopy(BUNDLE)
    unknown["items"][1]["item"] = "X" * 31
    r = w.client.put("/api/v1/bundles/open-restaurant", json=unknown, headers=w.h("istew"))
    assert r.status_code == 404 and r.json()["field"] == "items.1.item"
    wrong = copy.deepcopy(BUNDLE)
    wrong["code"] = "other"
    r = w.client.put("/api/v1/bundles/open-restaurant", json=wrong, headers=w.h("istew"))
    assert r.status_code == 422
    for bad in ({**BUNDLE, "extra": 1}, {**BUNDLE, "name": "a\x00b"}, {**BUNDLE, "items": []}):
        r = w.client.put("/api/v1/bundles/open-restaurant", json=bad, headers=w.h("istew"))
        assert r.status_code == 422, bad
    assert w.client.get("/api/v1/bundles").json()["total"] == 0
    assert w.client.get("/api/v1/bundles/nope").status_code == 404
    assert w.client.get("/api/v1/bundles/" + "x" * 41).status_code == 422
    assert w.client.get("/api/v1/bundles/a%00b").status_code in (404, 422)
