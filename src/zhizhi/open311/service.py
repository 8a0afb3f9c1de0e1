"""Open311 GeoReport v2 use cases (docs/open311.md): discovery, services from the category
tree, service definitions, the public request feed mapped from cases, posting a request as a
case, tokens. Returns plain dicts in the spec's field names; ``formats`` writes JSON or XML.
Flushes, never commits."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhizhi.cases import open_feed
from zhizhi.cases import schemas as case_schemas
from zhizhi.cases import service as cases
from zhizhi.cases.enums import LABELS, AppealType, CaseKind, Channel
from zhizhi.catalogue import service as catalogue
from zhizhi.catalogue import tree
from zhizhi.catalogue.enums import LIMIT_UNIT_LABELS, LimitUnit
from zhizhi.core import clock
from zhizhi.core.errors import BadRequest, NotFound
from zhizhi.core.masking import redact_text
from zhizhi.core.settings import get_settings
from zhizhi.open311 import clients
from zhizhi.open311 import repository as repo
from zhizhi.open311.models import Open311Token
from zhizhi.open311.schemas import RequestPost, RequestQuery
from zhizhi.org import service as org

DEFAULT_WINDOW = timedelta(days=90)
MAX_IDS = 1000
UNCLASSIFIED = ("unclassified", "未分类 / Unclassified")


def language_of(locale: str | None) -> Literal["zh", "en"]:
    """The language of a request's ``locale`` (``en``, ``en-US``, ``en_GB`` → en); Chinese
    otherwise, the platform's language."""
    return "en" if (locale or "").strip().lower()[:2] == "en" else "zh"


def check_jurisdiction(jurisdiction_id: str | None) -> None:
    """A request may name this server's jurisdiction or none; another one → 404."""
    if jurisdiction_id is not None and jurisdiction_id != get_settings().open311_jurisdiction_id:
        raise NotFound(
            f"未知的 jurisdiction_id「{jurisdiction_id}」",
            f"unknown jurisdiction_id {jurisdiction_id!r}",
            field="jurisdiction_id",
        )


def discovery(base_url: str) -> dict[str, Any]:
    """The discovery document: where this server's v2 endpoint is and what it speaks."""
    return {
        "changeset": "2026-12-01T00:00:00+08:00",
        "contact": "12345 政务服务便民热线 / 12345 hotline",
        "key_service": "向平台管理员申请 API 密钥 / ask the platform administrator for an API key",
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base_url,
                "changeset": "2026-12-01T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


# ---- services --------------------------------------------------------------------------------


def services(session: Session) -> list[dict[str, Any]]:
    """Every active category of the city's tree as a service, in tree order; ``group`` is its
    first-level category, ``keywords`` the names along its path (Chinese and English)."""
    out: list[dict[str, Any]] = []
    roots: dict[int, str] = {}
    for node in tree.tree(session, include_retired=False):
        info = node.info
        if node.depth == 0:
            roots[info.id] = info.name
        chain = tree.ancestors(session, info.id)
        root = chain[-1]
        words = [w for c in chain for w in (c.name, c.name_en) if w]
        description = node.path + (f" ({info.name_en})" if info.name_en else "")
        out.append(
            {
                "service_code": info.code,
                "service_name": info.name,
                "description": description,
                "metadata": True,
                "type": "realtime",
                "keywords": ",".join(dict.fromkeys(words)),
                "group": root.name,
            }
        )
    return out


def _active_category(session: Session, code: str) -> Any:
    category = catalogue.find_category(session, code)
    if category is None or not category.active:
        raise NotFound(f"服务代码「{code}」不存在", f"unknown service_code {code!r}", field="service_code")
    return category


def service_definition(session: Session, code: str) -> dict[str, Any]:
    """The attributes a client may send with a request of this service."""
    _active_category(session, code)
    appeal_types = [{"key": t.value, "name": " / ".join(LABELS[t])} for t in AppealType]
    return {
        "service_code": code,
        "attributes": [
            {
                "variable": False,
                "code": "privacy_notice",
                "datatype": "text",
                "required": False,
                "datatype_description": None,
                "order": 1,
                "description": "描述中请勿填写身份证号、银行卡号等个人信息，联系方式请填在联系人字段。"
                " / Do not put ID or bank card numbers in the description; give contact details "
                "in the contact fields.",
            },
            {
                "variable": True,
                "code": "appeal_type",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": "诉求类型 / type of appeal",
                "order": 2,
                "description": "诉求类型（咨询、求助、投诉……） / consultation, help, complaint …",
                "values": appeal_types,
            },
            {
                "variable": True,
                "code": "subject",
                "datatype": "string",
                "required": False,
                "datatype_description": "不超过 200 字 / up to 200 characters",
                "order": 3,
                "description": "标题（不填则取描述的开头） / title (default: the description's start)",
            },
        ],
    }


# ---- requests --------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return clock.to_local(moment).isoformat(timespec="seconds") if moment is not None else None


def _notice(amount: int, unit: str) -> str:
    zh, en = LIMIT_UNIT_LABELS.get(LimitUnit(unit), (unit, unit))
    return f"{amount} {zh}内办理 / to be handled within {amount} {en}"


def _rows_out(session: Session, rows: list[Any]) -> list[dict[str, Any]]:
    units = org.department_names(
        session, sorted({r.lead_department_id for r in rows if r.lead_department_id})
    )
    out = []
    for r in rows:
        category = catalogue.category_info(session, r.category_id) if r.category_id else None
        status = open_feed.public_status(r.status)
        zh, en = open_feed.status_label(r.status)
        out.append(
            {
                "service_request_id": r.number,
                "status": status,
                "status_notes": f"{zh} / {en}",
                "service_name": category.name if category else UNCLASSIFIED[1],
                "service_code": category.code if category else UNCLASSIFIED[0],
                "description": redact_text(r.content)[:4000],
                "agency_responsible": units.get(r.lead_department_id) if r.lead_department_id else None,
                "service_notice": _notice(r.limit_amount, r.limit_unit),
                "requested_datetime": _iso(r.created_at),
                "updated_datetime": _iso(r.closed_at if status == "closed" and r.closed_at else r.updated_at),
                "expected_datetime": _iso(r.due_at),
                "address": r.address,
                "address_id": r.address_code,
                "zipcode": None,
                "lat": r.latitude,
                "long": r.longitude,
                "media_url": None,
            }
        )
    return out


def _when(value: str, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
        if not 1970 <= moment.year <= 2999:
            raise ValueError(value)
    except ValueError:
        raise BadRequest(
            f"{field} 应为 ISO 8601 时间（如 2026-12-01T08:00:00+08:00）",
            f"{field} must be an ISO 8601 date-time (e.g. 2026-12-01T08:00:00+08:00)",
            field=field,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.SHANGHAI)
    return clock.as_utc(moment)


def _numbers(value: str) -> list[str]:
    numbers = [n.strip() for n in value.split(",") if n.strip()]
    if not numbers or len(numbers) > MAX_IDS or any(len(n) > 20 for n in numbers):
        raise BadRequest(
            f"service_request_id 应为 1–{MAX_IDS} 个以逗号分隔的编号",
            f"service_request_id must be 1–{MAX_IDS} comma-separated ids",
            field="service_request_id",
        )
    return list(dict.fromkeys(numbers))


def _statuses(value: str) -> str | None:
    wanted = {s.strip() for s in value.split(",") if s.strip()}
    if not wanted or not wanted <= {"open", "closed"}:
        raise BadRequest("status 应为 open 或 closed", "status must be open or closed", field="status")
    return None if len(wanted) == 2 else wanted.pop()


def list_requests(session: Session, query: RequestQuery) -> list[dict[str, Any]]:
    """The public request feed: by ``service_request_id`` (the other filters then ignored, as
    the spec says), else registered in [start_date, end_date) — 90 days before end_date (now)
    by default — newest first, ``page_size`` (≤ 1000) per page."""
    check_jurisdiction(query.jurisdiction_id)
    if query.service_request_id is not None:
        return _rows_out(session, open_feed.by_numbers(session, _numbers(query.service_request_id)))
    end = _when(query.end_date, "end_date") if query.end_date else clock.now()
    start = _when(query.start_date, "start_date") if query.start_date else end - DEFAULT_WINDOW
    if start >= end:
        raise BadRequest(
            "start_date 应早于 end_date", "start_date must be before end_date", field="start_date"
        )
    if query.service_code is not None:
        _active_category(session, query.service_code)
    rows = open_feed.page(
        session,
        start=start,
        end=end,
        status=_statuses(query.status) if query.status else None,
        category_code=query.service_code,
        offset=(query.page - 1) * query.page_size,
        limit=query.page_size,
    )
    return _rows_out(session, rows)


def get_request(session: Session, number: str, jurisdiction_id: str | None = None) -> list[dict[str, Any]]:
    """One request (a list of one, as the spec shapes it); 404 when unknown or not public."""
    check_jurisdiction(jurisdiction_id)
    rows = open_feed.by_numbers(session, [number[:20]])
    if not rows:
        raise NotFound(
            f"诉求 {number} 不存在", f"service request {number!r} not found", field="service_request_id"
        )
    return _rows_out(session, rows)


def bad_input(exc: ValidationError) -> BadRequest:
    """A Pydantic error as a 400 naming the first bad field."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "body"
    message = str(first.get("msg", "invalid"))
    zh, _, en = message.removeprefix("Value error, ").partition(" | ")
    return BadRequest(f"{field}：{zh}", f"{field}: {en or zh}", field=field)


def post_request(
    session: Session, fields: dict[str, Any], api_key: str | None, idempotency_key: str | None = None
) -> list[dict[str, Any]]:
    """Post a request as a case of channel ``open311`` filed under the client's account; the
    contact data is stored encrypted, as the portal's. Returns the case number and a token.
    (The endpoint counts the POST against the client's rate limit first: ``clients.count_post``.)"""
    client, principal = clients.authenticate(session, api_key)
    try:
        data = RequestPost.model_validate(fields)
    except ValidationError as exc:
        raise bad_input(exc) from None
    check_jurisdiction(data.jurisdiction_id)
    _active_category(session, data.service_code)
    if (data.lat is None and data.long is not None) or (data.long is None and data.lat is not None):
        raise BadRequest("lat 与 long 须同时提供", "lat and long go together", field="lat")
    if data.lat is None and not data.address_string and not data.address_id:
        raise BadRequest(
            "请提供位置：lat/long、address_string 或 address_id",
            "a location is required: lat/long, address_string or address_id",
            field="address_string",
        )
    unknown = set(data.attributes) - {"appeal_type", "subject"}
    if unknown:
        code = sorted(unknown)[0]
        raise BadRequest(f"未知属性 {code}", f"unknown attribute {code!r}", field=f"attribute[{code}]")
    name = "".join(p for p in (data.last_name, data.first_name) if p) or None
    try:
        create = case_schemas.CaseCreate(
            kind=CaseKind.APPEAL,
            appeal_type=data.attributes.get("appeal_type") or None,
            channel=Channel.OPEN311,
            subject=data.attributes.get("subject") or None,
            content=data.description,
            address=data.address_string or data.address_id,
            latitude=data.lat,
            longitude=data.long,
            contact_name=name,
            contact_phone=data.phone or None,
            category=data.service_code,
            language=language_of(data.locale),
        )
    except ValidationError as exc:
        raise bad_input(exc) from None
    case, _created = cases.create_case(session, create, principal, idempotency_key)
    clients.check_scope(session, client, case.division_code, case.category_id)
    token = repo.token_for_case(session, client.id, case.number)
    if token is None:
        token = Open311Token(
            token=secrets.token_hex(16), client_id=client.id, case_number=case.number, created_at=clock.now()
        )
        repo.add(session, token)
    return [
        {
            "service_request_id": case.number,
            "token": token.token,
            "service_notice": _notice(case.limit_amount, case.limit_unit),
            "account_id": None,
        }
    ]


def token_status(session: Session, value: str, jurisdiction_id: str | None = None) -> list[dict[str, Any]]:
    check_jurisdiction(jurisdiction_id)
    row = repo.token(session, value[:40])
    if row is None:
        raise NotFound("令牌不存在", "token not found", field="token")
    return [{"service_request_id": row.case_number, "token": row.token}]
