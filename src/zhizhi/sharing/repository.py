"""The only place that writes SQL for data sharing (the catalogue, requests, grants, clients,
the exchange log, and the provider tables of the table adapter)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from zhizhi.core import audit, fieldcrypt
from zhizhi.sharing.models import (
    AccessToken,
    BusinessLicence,
    Client,
    ExchangeLog,
    Grant,
    Person,
    Property,
    Resource,
    ResourceField,
    ShareRequest,
    SocialSecurity,
    Subject,
)

# the provider tables the table adapter may read, by the name a resource's adapter_target gives
PROVIDER_TABLES: dict[str, Table] = {
    m.__tablename__: m.__table__  # type: ignore[misc]
    for m in (Person, BusinessLicence, SocialSecurity, Property)
}

# ---- catalogue -----------------------------------------------------------------------------


def resource_by_code(session: Session, code: str) -> Resource | None:
    return session.scalar(select(Resource).where(Resource.code == code))


def add(session: Session, row: object) -> None:
    session.add(row)
    session.flush()


def fields_of(session: Session, resource_ids: Sequence[int]) -> dict[int, list[ResourceField]]:
    out: dict[int, list[ResourceField]] = {rid: [] for rid in resource_ids}
    if not resource_ids:
        return out
    rows = session.scalars(
        select(ResourceField)
        .where(ResourceField.resource_id.in_(list(resource_ids)))
        .order_by(ResourceField.resource_id, ResourceField.position)
    )
    for row in rows:
        out[row.resource_id].append(row)
    return out


def replace_fields(session: Session, resource_id: int, fields: Iterable[ResourceField]) -> None:
    for old in session.scalars(select(ResourceField).where(ResourceField.resource_id == resource_id)):
        session.delete(old)
    session.flush()
    session.add_all(list(fields))
    session.flush()


def search_resources(
    session: Session, q: str | None, owner_id: int | None, share_type: str | None, limit: int = 500
) -> list[Resource]:
    stmt = select(Resource).order_by(Resource.code).limit(limit)
    if q:
        like = f"%{q}%"
        in_fields = select(ResourceField.resource_id).where(
            or_(ResourceField.label.like(like), ResourceField.name.like(like))
        )
        stmt = stmt.where(
            or_(
                Resource.code.like(like),
                Resource.name.like(like),
                Resource.description.like(like),
                Resource.keywords.like(like),
                Resource.id.in_(in_fields),
            )
        )
    if owner_id is not None:
        stmt = stmt.where(Resource.owner_department_id == owner_id)
    if share_type:
        stmt = stmt.where(Resource.share_type == share_type)
    return list(session.scalars(stmt))


def authoritative_claims(session: Session) -> list[tuple[str, str, str]]:
    """``(data_item, resource code, field name)`` of every field claiming to be the source of an
    item that more than one resource claims (一数一源 conflicts)."""
    contested = (
        select(ResourceField.data_item)
        .where(ResourceField.authoritative, ResourceField.data_item.is_not(None))
        .group_by(ResourceField.data_item)
        .having(func.count(func.distinct(ResourceField.resource_id)) > 1)
    )
    rows = session.execute(
        select(ResourceField.data_item, Resource.code, ResourceField.name)
        .join(Resource, Resource.id == ResourceField.resource_id)
        .where(ResourceField.authoritative, ResourceField.data_item.in_(contested))
        .order_by(ResourceField.data_item, Resource.code)
    )
    return [(str(a), str(b), str(c)) for a, b, c in rows]


def resources_by_ids(session: Session, ids: Iterable[int]) -> dict[int, Resource]:
    ids = list(set(ids))
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(Resource).where(Resource.id.in_(ids)))}


# ---- requests and grants -----------------------------------------------------------------


def count_requests_with_prefix(session: Session, prefix: str) -> int:
    return int(session.scalar(select(func.count()).where(ShareRequest.number.like(f"{prefix}%"))) or 0)


def request_by_number(session: Session, number: str, *, lock: bool = False) -> ShareRequest | None:
    stmt = select(ShareRequest).where(ShareRequest.number == number)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def requests_of(
    session: Session, *, department_id: int | None, status: str | None = None, limit: int = 500
) -> list[ShareRequest]:
    """Requests the department made or must answer (every request when ``department_id`` is None)."""
    stmt = (
        select(ShareRequest).order_by(ShareRequest.submitted_at.desc(), ShareRequest.id.desc()).limit(limit)
    )
    if department_id is not None:
        stmt = stmt.where(
            or_(
                ShareRequest.consumer_department_id == department_id,
                ShareRequest.owner_department_id == department_id,
            )
        )
    if status:
        stmt = stmt.where(ShareRequest.status == status)
    return list(session.scalars(stmt))


def request_numbers(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(ShareRequest.id, ShareRequest.number).where(ShareRequest.id.in_(list(ids))))
    return {int(i): str(n) for i, n in rows}


def pending_requests(session: Session, limit: int = 500) -> list[ShareRequest]:
    return list(
        session.scalars(
            select(ShareRequest)
            .where(ShareRequest.status == "pending")
            .order_by(ShareRequest.due_date, ShareRequest.id)
            .limit(limit)
        )
    )


def grant_by_id(session: Session, grant_id: int, *, lock: bool = False) -> Grant | None:
    stmt = select(Grant).where(Grant.id == grant_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def grants_by_request(session: Session, request_ids: Sequence[int]) -> dict[int, Grant]:
    if not request_ids:
        return {}
    return {
        g.request_id: g for g in session.scalars(select(Grant).where(Grant.request_id.in_(list(request_ids))))
    }


_GRANTS_FOR = select(
    Grant.id,
    Grant.purpose,
    Grant.fields,
    Grant.plain_fields,
    Grant.valid_from,
    Grant.expires_at,
    Grant.revoked_at,
).where(Grant.resource_id == bindparam("resource"), Grant.consumer_department_id == bindparam("consumer"))


def grants_for(session: Session, resource_id: int, consumer_department_id: int) -> list[Any]:
    """Every grant of a resource to a department (read fresh on each exchange call, as plain rows
    of the columns the check needs: no ORM identity map on the hot path)."""
    return list(session.execute(_GRANTS_FOR, {"resource": resource_id, "consumer": consumer_department_id}))


def grants_of(session: Session, department_id: int | None, limit: int = 500) -> list[Grant]:
    """Grants the department holds or gave (all when ``department_id`` is None)."""
    stmt = select(Grant).order_by(Grant.id.desc()).limit(limit)
    if department_id is not None:
        owned = select(Resource.id).where(Resource.owner_department_id == department_id)
        stmt = stmt.where(or_(Grant.consumer_department_id == department_id, Grant.resource_id.in_(owned)))
    return list(session.scalars(stmt))


# ---- clients and tokens --------------------------------------------------------------------


def client_by_client_id(session: Session, client_id: str) -> Client | None:
    return session.scalar(select(Client).where(Client.client_id == client_id))


def clients_of(session: Session, department_id: int | None) -> list[Client]:
    stmt = select(Client).order_by(Client.id)
    if department_id is not None:
        stmt = stmt.where(Client.department_id == department_id)
    return list(session.scalars(stmt))


def delete_tokens_of(session: Session, client_pk: int) -> int:
    """Delete every bearer of a client (its secret rotated, or the client retired)."""
    result = session.execute(delete(AccessToken).where(AccessToken.client_pk == client_pk))
    return int(getattr(result, "rowcount", 0) or 0)


def grants_held(session: Session, department_id: int, limit: int = 200) -> list[Grant]:
    """The grants a department holds (what its consuming systems may read)."""
    return list(
        session.scalars(
            select(Grant)
            .where(Grant.consumer_department_id == department_id)
            .order_by(Grant.id.desc())
            .limit(limit)
        )
    )


def calls_of_client(session: Session, client_id: str, limit: int = 20) -> list[ExchangeLog]:
    """A consuming system's newest exchange calls, served or refused."""
    return list(
        session.scalars(
            select(ExchangeLog)
            .where(ExchangeLog.client_id == client_id)
            .order_by(ExchangeLog.at.desc(), ExchangeLog.id.desc())
            .limit(limit)
        )
    )


def last_calls(session: Session, client_ids: Sequence[str]) -> dict[str, datetime]:
    """The time of each consuming system's newest call (``ix_sharing_exchange_log_client_at``)."""
    if not client_ids:
        return {}
    rows = session.execute(
        select(ExchangeLog.client_id, func.max(ExchangeLog.at))
        .where(ExchangeLog.client_id.in_(list(client_ids)))
        .group_by(ExchangeLog.client_id)
    )
    return {cid: at for cid, at in rows}


def token_client(session: Session, token_hash: str, now: datetime) -> tuple[Client, datetime] | None:
    """The active client holding the unexpired token with this digest, and the token's expiry."""
    row = session.execute(
        select(Client, AccessToken.expires_at)
        .join(AccessToken, AccessToken.client_pk == Client.id)
        .where(AccessToken.token_hash == token_hash, AccessToken.expires_at > now, Client.active)
    ).first()
    return None if row is None else (row[0], row[1])


# ---- the exchange log ----------------------------------------------------------------------


def reads_of_owner(session: Session, owner_department_id: int | None, limit: int = 200) -> list[ExchangeLog]:
    stmt = select(ExchangeLog).order_by(ExchangeLog.at.desc(), ExchangeLog.id.desc()).limit(limit)
    if owner_department_id is not None:
        stmt = stmt.where(ExchangeLog.owner_department_id == owner_department_id)
    return list(session.scalars(stmt))


def reads_of_subject(session: Session, digest: str, limit: int = 200) -> list[ExchangeLog]:
    return list(
        session.scalars(
            select(ExchangeLog)
            .where(ExchangeLog.subject_digest == digest, ExchangeLog.outcome == "served")
            .order_by(ExchangeLog.at.desc(), ExchangeLog.id.desc())
            .limit(limit)
        )
    )


def subject_of_user(session: Session, user_id: int) -> Subject | None:
    return session.scalar(select(Subject).where(Subject.user_id == user_id))


# ---- provider tables (the table adapter) -----------------------------------------------------


_PROVIDER_READS: dict[tuple[str, str], Select[Any]] = {}
# 0017: the provider tables' blind indexes, encrypted column → index column (lookups by ID number)
PROVIDER_INDEXES: dict[str, dict[str, str]] = {
    "provider_population": {"id_number": "id_number_index"},
    "provider_social_security": {"id_number": "id_number_index"},
    "provider_property": {"owner_id_number": "owner_id_number_index"},
}


def _hidden(table_name: str) -> set[str]:
    """Columns that are no data of the provider: the surrogate id and the blind indexes."""
    return {"id", *PROVIDER_INDEXES.get(table_name, {}).values()}


def provider_key_searchable(table_name: str, column: str) -> bool:
    """Whether a record can be looked up by ``column``: in clear, or encrypted with a blind index."""
    encrypted = isinstance(PROVIDER_TABLES[table_name].c[column].type, fieldcrypt.EncryptedText)
    return not encrypted or column in PROVIDER_INDEXES.get(table_name, {})


def provider_row(session: Session, table_name: str, key_field: str, key: str) -> dict[str, Any] | None:
    """One provider row by its key (the statement built once per table and key column); an
    encrypted key is found through its blind index, under every usable index key version."""
    index_column = PROVIDER_INDEXES.get(table_name, {}).get(key_field)
    stmt = _PROVIDER_READS.get((table_name, key_field))
    if stmt is None:
        table = PROVIDER_TABLES[table_name]
        where = (
            table.c[index_column].in_(bindparam("keys", expanding=True))
            if index_column
            else table.c[key_field] == bindparam("key")
        )
        stmt = _PROVIDER_READS[(table_name, key_field)] = select(table).where(where).limit(1)
    params = {"keys": fieldcrypt.id_number_indexes(key)} if index_column else {"key": key}
    row = session.execute(stmt, params).mappings().first()
    if row is None:
        return None
    hidden = _hidden(table_name)
    return {k: v for k, v in row.items() if k not in hidden}


def insert_provider_rows(session: Session, table_name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert provider rows (plaintext in, envelopes and blind indexes written)."""
    if rows:
        indexes = PROVIDER_INDEXES.get(table_name, {})
        ks = fieldcrypt.keyset()
        values = [
            {**r, **{i: fieldcrypt.id_number_index(r[c], ks) for c, i in indexes.items()}} for r in rows
        ]
        session.execute(insert(PROVIDER_TABLES[table_name]), values)


def provider_columns(table_name: str) -> list[str]:
    hidden = _hidden(table_name)
    return [c.name for c in PROVIDER_TABLES[table_name].columns if c.name not in hidden]


_LOG = cast(Table, ExchangeLog.__table__)


def insert_log(session: Session, values: dict[str, Any], entry: dict[str, Any]) -> None:
    """One exchange-log row and its audit entry (``audit.entry``), the hot path: one statement
    on PostgreSQL (:func:`zhizhi.core.audit.insert_with_entry`)."""
    audit.insert_with_entry(session, _LOG, values, entry)
