"""The demo's Open311 clients: the city's 城市管家 app, with a documented key, and a few requests
it posted over the last days through Open311 (one from an English-speaking resident, whose text
messages are in English); and 岳麓区's grid app, limited to its district and to urban
construction (城乡建设), as an administrator scopes it on the hub (docs/open311.md)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from zhizhi.core import audit, clock
from zhizhi.open311 import clients, service
from zhizhi.org import service as org

DEMO_CLIENT = "changsha-city-app"
DEMO_KEY = "o311_de0de0de0de0_zhizhi-demo-city-app-key-2026"  # documented: demo data only
SCOPED_CLIENT = "yuelu-grid-app"  # 岳麓区 (430104) and 城乡建设 only; its key is not documented
ENGLISH = (
    "CXJS.02.04",
    "The street light at the north gate of Hunan University has been out for a week.",
    "湖南省长沙市岳麓区麓山南路",
    28.1838,
    112.9420,
)

REQUESTS = [
    (
        "CXJS.02.04",
        "麓山南路与桃子湖路交叉口路灯不亮，晚上行人过马路很危险。",
        "湖南省长沙市岳麓区麓山南路",
        28.1830,
        112.9430,
    ),
    (
        "CXJS.02.01",
        "小区门口垃圾桶满溢两天没人清运，气味很大。",
        "湖南省长沙市岳麓区桃子湖路",
        28.1856,
        112.9488,
    ),
    (
        "CXJS.02.02",
        "人行道上有商户长期占道经营，轮椅和婴儿车过不去。",
        "湖南省长沙市芙蓉区五一大道",
        28.1960,
        112.9860,
    ),
    (
        "CXJS.02.04",
        "公交站台顶棚破损，下雨时候车的人都淋湿了。",
        "湖南省长沙市天心区劳动西路",
        28.1850,
        112.9750,
    ),
    (
        "HJBH",
        "夜里十一点以后工地还在打桩，噪音很大影响休息，联系电话 13907315566。",
        "湖南省长沙市开福区湘江中路",
        28.2150,
        112.9700,
    ),
]


def load_open311(session: Session) -> int:
    """The demo client and its requests, posted as the app would at different times."""
    clients.create_client(session, DEMO_CLIENT, actor=audit.Actor(None, "demo"), key=DEMO_KEY)
    end = clock.now()
    for i, (code, text, address, lat, long) in enumerate(REQUESTS):
        clock.freeze(end - timedelta(hours=70 - 14 * i))
        fields = {
            "service_code": code,
            "description": text,
            "address_string": address,
            "lat": lat,
            "long": long,
            "phone": f"1397315{1200 + i:04d}",
            "attributes": {"appeal_type": "complaint" if i % 2 else "help"},
        }
        service.post_request(session, fields, DEMO_KEY)  # as the endpoint would, without the rate count
    clock.freeze(end - timedelta(hours=3))
    code, text, address, lat, long = ENGLISH
    english = {"service_code": code, "description": text, "address_string": address, "lat": lat, "long": long}
    service.post_request(session, english | {"phone": "13973151299", "locale": "en-GB"}, DEMO_KEY)
    clock.freeze(None)
    admin = org.principal_for_username(session, "admin")
    clients.admin_create(session, admin, SCOPED_CLIENT, division_prefix="430104", service_codes=["CXJS"])
    return len(REQUESTS) + 1
