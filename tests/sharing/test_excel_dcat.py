"""The catalogue's Excel round trip (all or nothing) and its DCAT (JSON-LD) export."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from tests.sharing.conftest import SharingCity

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _export(city: SharingCity) -> bytes:
    r = city.client.get("/api/v1/sharing/catalogue.xlsx", headers=city.h("st_zj"))
    assert r.status_code == 200
    assert r.headers["content-type"] == XLSX
    return r.content


def _upload(city: SharingCity, data: bytes, user: str = "admin") -> tuple[int, dict[str, object]]:
    r = city.client.post(
        "/api/v1/sharing/catalogue.xlsx", files={"file": ("c.xlsx", data, XLSX)}, headers=city.h(user)
    )
    return r.status_code, r.json()


def test_export_then_import_round_trip(city: SharingCity) -> None:
    wb = load_workbook(io.BytesIO(_export(city)))
    resources = [row for row in wb["资源"].iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in resources] == [
        "GA-RK-001",
        "GA-ZDRY-001",
        "RS-SB-001",
        "SCJG-YYZZ-001",
        "ZRZY-BDC-001",
    ]
    assert resources[0][:5] == ("GA-RK-001", "人口基本信息", resources[0][2], "GA", "conditional")
    fields = [row for row in wb["字段"].iter_rows(min_row=2, values_only=True)]
    assert fields[0] == (
        "GA-RK-001",
        "id_number",
        "公民身份号码",
        "important",
        "sensitive",
        "id_number",
        "person.id_number",
        "是",
    )
    # change one resource with Chinese labels, add a new one, import
    sheet = wb["资源"]
    sheet.cell(row=2, column=2, value="人口基本信息（含流动人口）")
    sheet.cell(row=2, column=5, value="无条件共享")
    sheet.append(
        [
            "JY-XJ-001",
            "学籍信息",
            "",
            "JY",
            "有条件共享",
            "学籍管理系统",
            "每年",
            "table",
            "provider_population",
            "id_number",
            "id_number",
            "学籍",
        ]
    )
    wb["字段"].append(["JY-XJ-001", "id_number", "身份证号", "重要数据", "敏感个人信息", "id_number", "", ""])
    out = io.BytesIO()
    wb.save(out)
    status, body = _upload(city, out.getvalue())
    assert status == 200, body
    assert body == {"created": 1, "updated": 5, "fields": 34}
    one = city.client.get("/api/v1/sharing/resources/GA-RK-001", headers=city.h("st_zj")).json()
    assert (one["name"], one["share_type"]) == ("人口基本信息（含流动人口）", "unconditional")
    new = city.client.get("/api/v1/sharing/resources/JY-XJ-001", headers=city.h("st_zj")).json()
    assert (new["owner"], new["update_cycle"], new["fields"][0]["personal"]) == ("JY", "yearly", "sensitive")


def test_a_bad_row_fails_the_whole_import(city: SharingCity) -> None:
    wb = Workbook()
    res = wb.active
    assert res is not None
    res.title = "资源"
    res.append(["code"] * 12)
    res.append(
        [
            "NEW-1",
            "新资源",
            "",
            "GA",
            "conditional",
            "系统",
            "daily",
            "table",
            "provider_population",
            "id_number",
            "",
            "",
        ]
    )
    res.append(
        [
            "NEW-2",
            "新资源2",
            "",
            "NOWHERE",
            "conditional",
            "系统",
            "daily",
            "table",
            "provider_population",
            "id_number",
            "",
            "",
        ]
    )
    fields = wb.create_sheet("字段")
    fields.append(["resource"] * 8)
    fields.append(["NEW-1", "id_number", "身份证号", "important", "sensitive", "id_number", "", ""])
    fields.append(["NEW-2", "id_number", "身份证号", "important", "sensitive", "id_number", "", ""])
    out = io.BytesIO()
    wb.save(out)
    status, body = _upload(city, out.getvalue())
    assert status == 404
    assert body["field"] == "owner"
    assert city.client.get("/api/v1/sharing/resources/NEW-1", headers=city.h("st_zj")).status_code == 404
    fields.append(["NEW-1", "name", "姓名", "极其重要", "none", "none", "", ""])
    out = io.BytesIO()
    wb.save(out)
    status, body = _upload(city, out.getvalue())
    assert status == 422
    assert body["field"] == "字段.4.grade"
    assert "第 4 行" in body["message"]["zh"]
    status, body = _upload(city, b"not a workbook")
    assert (status, body["field"]) == (422, "file")


def test_import_needs_data_manage(city: SharingCity) -> None:
    status, body = _upload(city, b"not even a workbook", user="h_zj")  # refused before it is read
    assert status == 403
    assert body["message"]["en"] == "not allowed to manage the data catalogue"


def test_dcat_catalogue_of_the_public_part(city: SharingCity) -> None:
    r = city.client.get("/api/v1/sharing/catalogue.jsonld")  # public: no token
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/ld+json"
    doc = r.json()
    assert doc["@type"] == "dcat:Catalog"
    assert doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert doc["@context"]["dct"] == "http://purl.org/dc/terms/"
    ids = [d["dct:identifier"] for d in doc["dcat:dataset"]]
    assert ids == ["GA-RK-001", "RS-SB-001", "SCJG-YYZZ-001", "ZRZY-BDC-001"]  # 不予共享 left out
    ds = doc["dcat:dataset"][0]
    assert ds["@type"] == "dcat:Dataset"
    assert ds["dct:title"] == [{"@value": "人口基本信息", "@language": "zh"}]
    assert ds["dct:publisher"]["foaf:name"] == [{"@value": "长沙市公安局", "@language": "zh"}]
    assert ds["dct:accrualPeriodicity"] == {
        "@id": "http://publications.europa.eu/resource/authority/frequency/DAILY"
    }
    assert (
        ds["dct:accessRights"]["@id"]
        == "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"
    )
    assert ds["dcat:keyword"] == ["人口", "身份证", "户籍", "身份核验"]
    dist = ds["dcat:distribution"][0]
    assert dist["@type"] == "dcat:Distribution"
    assert dist["dcat:accessURL"] == {"@id": "http://testserver/api/v1/exchange/GA-RK-001"}
    assert dist["dcat:accessService"] == {"@id": "http://testserver/api/v1/exchange"}
    assert doc["dcat:service"][0]["@type"] == "dcat:DataService"
    # metadata only: no field values, no field list of personal data
    assert "id_number" not in r.text
