"""One submission of a bundle through the API (SQLite and PostgreSQL): one application per
part in one unit of work (all or none), eligibility, the one-time list, 免提交 counts, and what a
refused part means for the rest."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from tests.attachments.photos import PDF
from tests.certificates.conftest import COMPANY
from tests.services.bundles_data import BUNDLE, NEWBORN, save_bundle
from tests.sharing.conftest import CITIZEN_ID, PROVIDER_ROWS, SharingCity
from zhizhi.core.db import unit_of_work
from zhizhi.services.bundles.models import BundleApplication, BundleApplicationPart
from zhizhi.services.prefill.models import PrefillRecord

PERSON = PROVIDER_ROWS["provider_population"][0]
RESTAURANT = {
    "applicant": {"type": "2", "name": "长沙麓山餐饮管理有限公司", "credit_code": COMPANY},
    "answers": {
        "enterprise.name": "长沙麓山餐饮管理有限公司",
        "person.name": "刘建国",
        "person.phone": "13900001111",
        "food.category": "热食类食品制售",
    },
    "materials": [
        "applicant.id_card",
        "premises.proof",
        "food.application_form",
        "enterprise.business_licence",
    ],
}


def _applications(city: SharingCity) -> int:
    r = city.client.get("/api/v1/cases?kind=application", headers=city.h("admin"))
    assert r.status_code == 200, r.text
    return int(r.json()["total"])


def _rows() -> tuple[int, int, int]:
    with unit_of_work() as s:
        return (
            s.scalar(select(func.count()).select_from(BundleApplication)) or 0,
            s.scalar(select(func.count()).select_from(BundleApplicationPart)) or 0,
            s.scalar(select(func.count()).select_from(PrefillRecord)) or 0,
        )


def _pdf(code: str) -> tuple[str, tuple[str, bytes, str]]:
    return (f"material.{code}", (f"{code}.pdf", PDF, "application/pdf"))


def _newborn(
    consent: bool, materials: list[str], *, parts: list[str] | None = None, **answers: str
) -> dict[str, Any]:
    return {
        "applicant": {"type": "1", "name": PERSON["name"], "id_number": CITIZEN_ID},
        "answers": {
            "child.name": "王小宝",
            "child.birth_date": "2026-11-20",
            "person.phone": "13900002222",
            **answers,
        },
        "consent": consent,
        "parts": parts,
        "materials": [],
    } | ({"_files": materials} if materials else {})


def _post_newborn(city: SharingCity, user: str, body: dict[str, Any]) -> Any:
    files = [_pdf(c) for c in body.pop("_files", [])]
    return city.client.post(
        "/api/v1/bundles/newborn/applications",
        data={"data": json.dumps(body, ensure_ascii=False)},
        files=files,
        headers=city.h(user),
    )


def test_window_submission_opens_one_application_per_part(bundle_city: SharingCity) -> None:
    city = bundle_city
    save_bundle(city.world)
    r = city.client.post(
        "/api/v1/bundles/open-restaurant/applications", json=RESTAURANT, headers=city.h("h_zj")
    )
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["number"].startswith("YJS") and out["state"] == "in_progress"
    assert [p["part"] for p in out["parts"]] == ["licence", "food"]  # hygiene is optional: not chosen
    assert all(p["status"] == "submitted" and p["outcome"] == "open" for p in out["parts"])
    assert len({p["application"] for p in out["parts"]}) == 2 and _applications(city) == 2
    assert (out["fields_total"], out["fields_asked"], out["fields_prefilled"]) == (6, 5, 0)
    assert (out["materials_total"], out["materials_asked"]) == (5, 4)
    assert out["applicant"].startswith("长沙麓山餐饮管理有限公司") and not out["consent"]
    for user, expect in (("h_zj", 200), ("admin", 200), ("citizen", 404), ("h_d2", 404)):
        got = city.client.get(f"/api/v1/bundle-applications/{out['number']}", headers=city.h(user))
        assert got.status_code == expect, (user, got.text)
    r = city.client.get(f"/api/v1/applications/{out['parts'][1]['application']}", headers=city.h("h_zj"))
    assert r.status_code == 200 and r.json()["channel"] == "window"
    # a bundle with applications keeps its parts; saving it again changes them in place
    fewer = {**BUNDLE, "items": BUNDLE["items"][:2]}
    assert save_bundle(city.world, fewer, expect=409)["field"] == "items"
    again = save_bundle(city.world, {**BUNDLE, "name": "开办餐馆（新版）"})
    assert again["name"] == "开办餐馆（新版）" and len(again["items"]) == 3
    assert (
        city.client.get(f"/api/v1/bundle-applications/{out['number']}", headers=city.h("h_zj")).status_code
        == 200
    )


def test_not_eligible_part_and_one_time_list(bundle_city: SharingCity) -> None:
    city = bundle_city
    save_bundle(city.world)
    save_bundle(city.world, NEWBORN)
    person = {**RESTAURANT, "applicant": {"type": "1", "name": "刘建国", "id_number": CITIZEN_ID}}
    r = city.client.post("/api/v1/bundles/open-restaurant/applications", json=person, headers=city.h("h_zj"))
    assert r.status_code == 422 and r.json()["field"] == "parts.licence"
    assert r.json()["message"]["zh"] and r.json()["message"]["en"]
    r = city.client.post(
        "/api/v1/bundles/open-restaurant/applications",
        json={**RESTAURANT, "parts": ["hygiene"], "applicant": {**RESTAURANT["applicant"], "type": "1"}},
        headers=city.h("h_zj"),
    )
    assert r.status_code == 422
    # everything missing at once: a field, a wrong value and two materials
    bad = {
        **RESTAURANT,
        "answers": {**RESTAURANT["answers"], "food.category": "烟草"},
        "materials": ["premises.proof"],
    }
    del bad["answers"]["enterprise.name"]
    r = city.client.post("/api/v1/bundles/open-restaurant/applications", json=bad, headers=city.h("h_zj"))
    fields = {e["field"] for e in r.json()["errors"]}
    assert (
        r.status_code == 422
        and {
            "answers.enterprise.name",
            "answers.food.category",
            "materials.applicant.id_card",
            "materials.food.application_form",
            "materials.enterprise.business_licence",
        }
        <= fields
    )
    bad_id = {**RESTAURANT, "applicant": {**RESTAURANT["applicant"], "credit_code": COMPANY[:-1] + "0"}}
    r = city.client.post("/api/v1/bundles/open-restaurant/applications", json=bad_id, headers=city.h("h_zj"))
    assert r.status_code == 422 and r.json()["field"] == "applicant.credit_code"
    for body in ({**RESTAURANT, "x": 1}, {**RESTAURANT, "answers": {"a\x00": "b"}}, "nope", [1]):
        r = city.client.post(
            "/api/v1/bundles/open-restaurant/applications", json=body, headers=city.h("h_zj")
        )
        assert r.status_code == 422, body
    assert (
        city.client.post("/api/v1/bundles/open-restaurant/applications", json=RESTAURANT).status_code == 401
    )
    r = city.client.post(
        "/api/v1/bundles/open-restaurant/applications", json=RESTAURANT, headers=city.h("istew")
    )
    assert r.status_code == 403
    assert _rows() == (0, 0, 0) and _applications(city) == 0


def test_a_failing_part_rolls_everything_back(bundle_city: SharingCity) -> None:
    """Online, a material must come as a file: the household register only ticked makes the
    second part (出生登记) refuse after the first was opened — nothing of either is kept."""
    city = bundle_city
    save_bundle(city.world, NEWBORN)
    body = _newborn(False, ["applicant.id_card", "hospital.record"], **{"person.name": PERSON["name"]})
    body["materials"] = ["household.register"]
    r = _post_newborn(city, "citizen2", body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == "parts.hukou" and r.json()["part"] == "hukou"
    assert r.json()["errors"][0]["field"] == "parts.hukou.materials.household.register"
    assert _rows() == (0, 0, 0) and _applications(city) == 0
    body = _newborn(
        False,
        ["applicant.id_card", "hospital.record", "household.register"],
        **{"person.name": PERSON["name"]},
    )
    r = _post_newborn(city, "citizen2", body)
    assert r.status_code == 201, r.text
    assert _rows() == (1, 2, 2) and _applications(city) == 2


def test_data_instead_of_paper_counts(bundle_city: SharingCity) -> None:
    city = bundle_city
    save_bundle(city.world, NEWBORN)
    r = _post_newborn(city, "citizen", _newborn(True, ["hospital.record", "household.register"]))
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["consent"]
    # separately 4 + 3 fields and 2 + 2 materials; merged 5 fields (2 from data), 3 materials (1 by data)
    assert (out["fields_total"], out["fields_asked"], out["fields_prefilled"]) == (7, 3, 2)
    assert (out["materials_total"], out["materials_asked"]) == (4, 2)
    saved = {p["part"]: (p["fields_saved"], p["materials_saved"]) for p in out["parts"]}
    assert saved == {"birth": (2, 1), "hukou": (1, 1)}
    number = out["parts"][0]["application"]
    app = city.client.get(f"/api/v1/applications/{number}", headers=city.h("h_zj")).json()
    states = {m["code"]: m["state"] for m in app["materials"]}
    assert states["applicant.id_card"] == "by_data"
    # the same without consent: everything asked
    r = _post_newborn(
        city,
        "citizen",
        _newborn(
            False,
            ["applicant.id_card", "hospital.record", "household.register"],
            **{"person.name": "王芳"},
        ),
    )
    assert r.status_code == 201, r.text
    assert (r.json()["fields_asked"], r.json()["materials_asked"], r.json()["fields_prefilled"]) == (5, 3, 0)
    mine = city.client.get("/api/v1/bundle-applications", headers=city.h("citizen")).json()
    assert (
        len(mine) == 2
        and city.client.get("/api/v1/bundle-applications", headers=city.h("citizen2")).json() == []
    )


def _act(city: SharingCity, number: str, action: str, **body: Any) -> None:
    r = city.client.post(
        f"/api/v1/cases/{number}/actions", json={"action": action, **body}, headers=city.h("h_zj")
    )
    assert r.status_code == 200, (action, r.text)


def test_a_refused_part_withdraws_its_dependants(bundle_city: SharingCity) -> None:
    city = bundle_city
    save_bundle(city.world, NEWBORN)
    body = _newborn(True, ["hospital.record", "household.register"], parts=["insurance"])
    r = _post_newborn(city, "citizen", body)
    assert r.status_code == 201, r.text
    out = r.json()
    numbers = {p["part"]: p["application"] for p in out["parts"]}
    assert set(numbers) == {"birth", "hukou", "insurance"}
    _act(
        city,
        numbers["birth"],
        "refuse_acceptance",
        reason="分娩记录与医院登记不符",
        legal_basis="《母婴保健法》第二十三条",
    )
    now = city.client.get(f"/api/v1/bundle-applications/{out['number']}", headers=city.h("citizen")).json()
    parts = {p["part"]: p for p in now["parts"]}
    assert parts["birth"]["outcome"] == "not_accepted"
    assert parts["hukou"]["outcome"] == "withdrawn" and parts["hukou"]["status"] == "withdrawn"
    assert "出生医学证明签发" in parts["hukou"]["outcome_reason"]
    # the withdrawal on the part's own timeline: the reason in Chinese, its English beside it
    events = city.client.get(f"/api/v1/cases/{numbers['hukou']}/timeline", headers=city.h("admin")).json()
    gone = [e for e in events if e["action"] == "withdraw"]
    assert len(gone) == 1 and "已自动撤回" in gone[0]["reason"] and " / " not in gone[0]["reason"]
    assert gone[0]["payload"]["reason_en"].startswith("withdrawn: the part it depends on")
    # the back office's page shows the reader's language only
    from tests.pages.helpers import login

    login(city.client, "admin")
    zh = city.client.get(f"/work/applications/{numbers['hukou']}?lang=zh").text
    en = city.client.get(f"/work/applications/{numbers['hukou']}?lang=en").text
    assert "已自动撤回" in zh and "withdrawn: the part it depends on" not in zh
    assert "withdrawn: the part it depends on" in en and "已自动撤回" not in en
    city.client.cookies.clear()
    assert parts["insurance"]["outcome"] == "open" and parts["insurance"]["status"] == "submitted"
    assert now["state"] == "attention" and "其余事项继续办理" in now["message"]["zh"]
    for action in ("accept", "examine", "approve"):
        _act(city, numbers["insurance"], action)
    done = city.client.get(f"/api/v1/bundle-applications/{out['number']}", headers=city.h("citizen")).json()
    assert (
        done["state"] == "done_partly"
        and {p["part"]: p["outcome"] for p in done["parts"]}["insurance"] == "approved"
    )
