"""免提交 through the API: the preview reads shared data only with consent, only for the
applicant's own verified identity, under the part's department's grant, every read logged."""

from __future__ import annotations

from typing import Any

from tests.services.bundles_data import NEWBORN, save_bundle
from tests.sharing.conftest import CITIZEN_ID, PROVIDER_ROWS, SharingCity

PERSON = PROVIDER_ROWS["provider_population"][0]


def _preview(city: SharingCity, user: str, consent: bool = True, id_number: str = CITIZEN_ID) -> Any:
    body = {"applicant": {"type": "1", "name": PERSON["name"], "id_number": id_number}, "consent": consent}
    return city.client.post("/api/v1/bundles/newborn/prefill", json=body, headers=city.h(user))


def _reads_about(city: SharingCity, user: str) -> list[dict[str, Any]]:
    r = city.client.get("/api/v1/sharing/reads", headers=city.h("st_ga"))
    assert r.status_code == 200, r.text
    return list(r.json())


def test_preview_fills_the_form_for_the_verified_applicant(bundle_city: SharingCity) -> None:
    city = bundle_city
    save_bundle(city.world, NEWBORN)
    before = len(_reads_about(city, "st_ga"))
    r = _preview(city, "citizen")
    assert r.status_code == 200, r.text
    fields = {f["code"]: f for f in r.json()["fields"]}
    assert fields["person.name"]["value"] == PERSON["name"]
    assert fields["person.household_address"]["value"] == PERSON["household_address"]
    assert fields["child.name"]["value"] is None  # not in the population register
    materials = {m["code"]: m for m in r.json()["materials"]}
    assert materials["applicant.id_card"]["provided"] == {"source": "shared:GA-RK-001", "ref": "GA-RK-001"}
    assert materials["household.register"]["provided"] is None
    reads = _reads_about(city, "st_ga")
    assert len(reads) == before + 1  # the ZJ parts read once
    assert reads[0]["purpose"] == "service" and reads[0]["outcome"] == "served"
    # the citizen sees the read about him
    assert reads[0]["consumer"] == "ZJ" and reads[0]["client_id"] == "zhizhi-services"
    mine = city.client.get("/api/v1/sharing/me/reads", headers=city.h("citizen"))
    assert mine.status_code == 200
    assert any(x["resource"] == "GA-RK-001" and x["consumer"] == "ZJ" for x in mine.json()["reads"])


def test_no_read_without_consent_or_for_someone_else(bundle_city: SharingCity) -> None:
    city = bundle_city
    save_bundle(city.world, NEWBORN)
    before = len(_reads_about(city, "st_ga"))
    r = _preview(city, "citizen", consent=False)
    assert r.status_code == 422 and r.json()["field"] == "consent"
    # citizen2 has no verified identity: the population register is not read for him
    r = _preview(city, "citizen2")
    assert r.status_code == 200
    assert all(f["value"] is None for f in r.json()["fields"])
    assert all(m["provided"] is None for m in r.json()["materials"])
    # nor for another person's number given by the verified citizen
    other = PROVIDER_ROWS["provider_population"][1]["id_number"]
    r = _preview(city, "citizen", id_number=other)
    assert r.status_code == 200 and all(f["value"] is None for f in r.json()["fields"])
    assert len(_reads_about(city, "st_ga")) == before
    assert _preview(city, "citizen", id_number="43010419900101123").status_code == 422
    assert city.client.post("/api/v1/bundles/newborn/prefill", json={"consent": True}).status_code == 401


def test_organisation_data_and_certificates(bundle_city: SharingCity) -> None:
    """A firm's business licence comes from the certificate library (a certificate in force of
    the firm), its name from the business register under ZJ's (unconditional) grant."""
    from datetime import date

    from tests.certificates.conftest import COMPANY, licence
    from zhizhi.core.db import unit_of_work
    from zhizhi.org import service as org
    from zhizhi.sharing import service as sharing

    city = bundle_city
    save_bundle(city.world)
    with unit_of_work() as s:
        row = dict(PROVIDER_ROWS["provider_business_licences"][0])
        row.update(credit_code=COMPANY, name="长沙麓山餐饮管理有限公司", established=date(2024, 3, 18))
        sharing.load_provider_rows(
            s, org.principal_for_username(s, "admin"), {"provider_business_licences": [row]}
        )
    city.request("st_zj", "SCJG-YYZZ-001", ["credit_code", "name", "address"])  # unconditional: granted
    r = city.client.post(
        "/api/v1/certificates",
        json=licence(grade="B", jurisdiction="430100000000"),
        headers=city.h("st_scjg"),
    )
    assert r.status_code == 201, r.text
    body = {
        "applicant": {"type": "2", "name": "长沙麓山餐饮管理有限公司", "credit_code": COMPANY},
        "consent": True,
    }
    r = city.client.post("/api/v1/bundles/open-restaurant/prefill", json=body, headers=city.h("citizen2"))
    assert r.status_code == 200, r.text
    fields = {f["code"]: f["value"] for f in r.json()["fields"]}
    assert fields["enterprise.name"] == "长沙麓山餐饮管理有限公司"
    materials = {m["code"]: m["provided"] for m in r.json()["materials"]}
    assert materials["enterprise.business_licence"] == {
        "source": "certificate:business_licence",
        "ref": COMPANY,
    }
    assert materials["applicant.id_card"] is None  # no person identity given
