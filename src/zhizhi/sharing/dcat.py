"""The public part of the catalogue as DCAT (JSON-LD), the convention of CKAN and data portals.

DCAT-AP 3 vocabulary: a ``dcat:Catalog`` of ``dcat:Dataset``s with ``dct:publisher``
(``foaf:Agent``), ``dcat:contactPoint`` (``vcard:Organization``), ``dct:accrualPeriodicity``
and ``dct:accessRights`` from the EU Publications Office authority tables, ``dcat:keyword``, and
one ``dcat:Distribution`` whose ``dcat:accessService`` is the exchange (``dcat:DataService``).
Resources that are 不予共享 are left out; fields and data never appear, only metadata.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhizhi.core import clock
from zhizhi.sharing import service
from zhizhi.sharing.enums import ShareType, UpdateCycle

EU = "http://publications.europa.eu/resource/authority"
FREQUENCY = {
    UpdateCycle.REALTIME: "CONT",
    UpdateCycle.DAILY: "DAILY",
    UpdateCycle.WEEKLY: "WEEKLY",
    UpdateCycle.MONTHLY: "MONTHLY",
    UpdateCycle.QUARTERLY: "QUARTERLY",
    UpdateCycle.YEARLY: "ANNUAL",
    UpdateCycle.ON_CHANGE: "IRREG",
}
CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
}
SHARE_RIGHTS = {
    ShareType.UNCONDITIONAL: (
        "无条件共享：政务部门按需调用",
        "Unconditional: any government department may use it",
    ),
    ShareType.CONDITIONAL: (
        "有条件共享：经数源部门审批后调用",
        "Conditional: used after the owner approves a request",
    ),
}


def _text(zh: str, en: str | None = None) -> list[dict[str, str]]:
    out = [{"@value": zh, "@language": "zh"}]
    if en:
        out.append({"@value": en, "@language": "en"})
    return out


def _datetime(value: Any) -> dict[str, str]:
    return {"@value": clock.as_utc(value).isoformat(timespec="seconds"), "@type": "xsd:dateTime"}


def catalogue(session: Session, base: str) -> dict[str, Any]:
    rows = [r for r in service.search(session) if r.share_type != ShareType.NONE]
    outs = service.resource_outs(session, rows)
    service_id = f"{base}/api/v1/exchange"
    datasets = []
    for r in outs:
        zh_rights, en_rights = SHARE_RIGHTS[ShareType(r.share_type)]
        agent = {
            "@id": f"{base}/org/departments/{r.owner}",
            "@type": "foaf:Agent",
            "foaf:name": _text(r.owner_name),
        }
        datasets.append(
            {
                "@id": f"{base}/sharing/resources/{r.code}",
                "@type": "dcat:Dataset",
                "dct:identifier": r.code,
                "dct:title": _text(r.name),
                "dct:description": _text(r.description or r.name),
                "dct:publisher": agent,
                "dct:creator": agent,
                "dcat:contactPoint": {"@type": "vcard:Organization", "vcard:fn": r.owner_name},
                "dcat:keyword": [k for k in r.keywords.replace("，", ",").split(",") if k.strip()],
                "dct:accrualPeriodicity": {"@id": f"{EU}/frequency/{FREQUENCY[UpdateCycle(r.update_cycle)]}"},
                "dct:accessRights": {
                    "@id": f"{EU}/access-right/RESTRICTED",
                    "@type": "dct:RightsStatement",
                    "dct:description": _text(zh_rights, en_rights),
                },
                "dct:provenance": {
                    "@type": "dct:ProvenanceStatement",
                    "rdfs:label": _text(f"来源系统：{r.source_system}", f"Source system: {r.source_system}"),
                },
                "dct:modified": _datetime(r.updated_at),
                "dcat:distribution": [
                    {
                        "@id": f"{base}/sharing/resources/{r.code}#exchange",
                        "@type": "dcat:Distribution",
                        "dcat:accessURL": {"@id": f"{service_id}/{r.code}"},
                        "dcat:mediaType": {
                            "@id": "https://www.iana.org/assignments/media-types/application/json"
                        },
                        "dct:format": {"@id": f"{EU}/file-type/JSON"},
                        "dcat:accessService": {"@id": service_id},
                    }
                ],
            }
        )
    return {
        "@context": CONTEXT,
        "@id": f"{base}/api/v1/sharing/catalogue.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _text("政务数据资源目录", "Government data resource catalogue"),
        "dct:description": _text(
            "可共享政务数据资源的目录（不含不予共享类，不含数据本身）",
            "The catalogue of shareable government data resources (metadata only, not-shared ones left out)",
        ),
        "dct:language": {"@id": f"{EU}/language/ZHO"},
        "dct:modified": _datetime(max((r.updated_at for r in outs), default=clock.now())),
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": _text("智治平台", "Zhizhi")},
        "dcat:service": [
            {
                "@id": service_id,
                "@type": "dcat:DataService",
                "dct:title": _text("政务数据共享交换接口", "Government data exchange API"),
                "dcat:endpointURL": {"@id": service_id},
                "dcat:endpointDescription": {"@id": f"{base}/openapi.json"},
            }
        ],
        "dcat:dataset": datasets,
    }
