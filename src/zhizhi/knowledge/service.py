"""The knowledge base's rules: write an article (each save a new version), publish, retire,
read, search, and the reindex the publish queues.  One function per use case; flushes, never
commits.  Every write is audited; reading needs ``knowledge:read``, writing
``knowledge:manage`` (drafts and retired articles are seen by writers only)."""

from __future__ import annotations

import time
import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from zhizhi.catalogue import service as catalogue
from zhizhi.core import audit, clock, fieldcrypt, freetext, jobs
from zhizhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhizhi.core.masking import redact_text
from zhizhi.core.permissions import Permission
from zhizhi.core.principal import Principal
from zhizhi.knowledge import index as ix
from zhizhi.knowledge import repository as repo
from zhizhi.knowledge.enums import ArticleStatus
from zhizhi.knowledge.models import Article, ArticleVersion, IndexEntry
from zhizhi.knowledge.schemas import ArticleIn, ArticleOut, SearchHit, SearchOut
from zhizhi.org import service as org

# free text with the words as given encrypted (core.freetext), re-encrypted by ``zhizhi keys rotate``
fieldcrypt.register_table("knowledge_versions", fieldcrypt.encrypted_columns(ArticleVersion))

REINDEX_TASK = "knowledge.reindex"
SNIPPET_CHARS = 90


def require_read(principal: Principal) -> None:
    if not principal.can(Permission.KNOWLEDGE_READ):
        raise Forbidden("无权查阅知识库", "you may not read the knowledge base")


def require_manage(principal: Principal) -> None:
    if not principal.can(Permission.KNOWLEDGE_MANAGE):
        raise Forbidden("无权编辑知识库", "you may not edit the knowledge base")


# ---- writing --------------------------------------------------------------------------------


def _checked_fields(session: Session, data: ArticleIn) -> dict[str, Any]:
    category = catalogue.category_ref(session, data.category).code if data.category else None
    department_id = None
    if data.department:
        dept = org.find_department(session, data.department)
        if dept is None:
            raise ValidationFailed(
                f"部门 {data.department} 不存在或已撤销",
                f"unknown or retired department {data.department}",
                field="department",
            )
        department_id = dept.id
    valid_from = data.valid_from or clock.today_local()
    if data.valid_to is not None and data.valid_to < valid_from:
        raise ValidationFailed(
            "失效日期不能早于生效日期", "the end of validity is before its start", field="valid_to"
        )
    return {
        "kind": data.kind.value,
        "category_code": category,
        "department_id": department_id,
        "tags": list(data.tags),
        "valid_from": valid_from,
        "valid_to": data.valid_to,
    }


def _save_version(session: Session, article: Article, principal: Principal, note: str | None) -> None:
    texts, personal = freetext.mask({"note": note})
    fields = {
        "kind": article.kind,
        "category": article.category_code,
        "department_id": article.department_id,
        "tags": list(article.tags),
        "valid_from": article.valid_from.isoformat(),
        "valid_to": article.valid_to.isoformat() if article.valid_to else None,
    }
    repo.add(
        session,
        ArticleVersion(
            article_id=article.id,
            version=article.version,
            title=article.title,
            body=article.body,
            fields=fields,
            note=texts["note"],
            personal_text=personal,
            saved_at=clock.now(),
            saved_by=principal.username,
        ),
    )


def create_article(session: Session, principal: Principal, data: ArticleIn) -> Article:
    """A new draft (version 1)."""
    require_manage(principal)
    fields = _checked_fields(session, data)
    now = clock.now()
    article = Article(
        ref=f"new-{uuid.uuid4().hex[:16]}",  # numbered from its id once inserted (no race)
        title=data.title,
        body=data.body,
        status=ArticleStatus.DRAFT.value,
        version=1,
        created_at=now,
        created_by=principal.username,
        updated_at=now,
        updated_by=principal.username,
        **fields,
    )
    repo.add(session, article)
    article.ref = f"KB-{article.id:04d}"
    _save_version(session, article, principal, data.note)
    audit.record(
        session,
        "knowledge.article_created",
        principal.actor,
        object_type="knowledge_article",
        object_id=article.ref,
        title=article.title,
    )
    return article


def _get(session: Session, ref: str, *, lock: bool = False) -> Article:
    article = repo.by_ref(session, ref.strip().upper(), lock=lock)
    if article is None:
        raise NotFound(f"知识条目 {ref} 不存在", f"knowledge article {ref} not found", field="article")
    return article


def update_article(session: Session, principal: Principal, ref: str, data: ArticleIn) -> Article:
    """Save a new version; a published article keeps answering with its published version
    until this one is published."""
    require_manage(principal)
    article = _get(session, ref, lock=True)
    if article.status == ArticleStatus.RETIRED:
        raise Conflict("已停用的条目不能再修改", "a retired article cannot be changed")
    fields = _checked_fields(session, data)
    for name, value in fields.items():
        setattr(article, name, value)
    article.title, article.body = data.title, data.body
    article.version += 1
    article.updated_at, article.updated_by = clock.now(), principal.username
    _save_version(session, article, principal, data.note)
    audit.record(
        session,
        "knowledge.article_revised",
        principal.actor,
        object_type="knowledge_article",
        object_id=article.ref,
        version=article.version,
    )
    return article


def publish(session: Session, principal: Principal, ref: str) -> Article:
    """Publish the newest version; the search index is rebuilt by a job after the commit."""
    require_manage(principal)
    article = _get(session, ref, lock=True)
    if article.status == ArticleStatus.RETIRED:
        raise Conflict("已停用的条目不能发布", "a retired article cannot be published")
    if article.status == ArticleStatus.PUBLISHED and article.published_version == article.version:
        raise Conflict("该版本已发布", "this version is already published")
    article.status, article.published_version = ArticleStatus.PUBLISHED.value, article.version
    article.published_at = clock.now()
    audit.record(
        session,
        "knowledge.article_published",
        principal.actor,
        object_type="knowledge_article",
        object_id=article.ref,
        version=article.version,
    )
    jobs.enqueue(session, REINDEX_TASK, queueing_lock=REINDEX_TASK)
    return article


def retire(session: Session, principal: Principal, ref: str, reason: str) -> Article:
    require_manage(principal)
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationFailed("请说明停用原因", "give the reason for retiring it", field="reason")
    article = _get(session, ref, lock=True)
    if article.status == ArticleStatus.RETIRED:
        raise Conflict("该条目已停用", "this article is already retired")
    article.status = ArticleStatus.RETIRED.value
    article.updated_at, article.updated_by = clock.now(), principal.username
    audit.record(
        session,
        "knowledge.article_retired",
        principal.actor,
        object_type="knowledge_article",
        object_id=article.ref,
        reason=redact_text(reason[:500]),
    )
    jobs.enqueue(session, REINDEX_TASK, queueing_lock=REINDEX_TASK)
    return article


# ---- reading --------------------------------------------------------------------------------


def _visible(principal: Principal, article: Article) -> bool:
    return article.status == ArticleStatus.PUBLISHED or principal.can(Permission.KNOWLEDGE_MANAGE)


def get_article(session: Session, principal: Principal, ref: str) -> Article:
    require_read(principal)
    article = _get(session, ref)
    if not _visible(principal, article):
        raise NotFound(f"知识条目 {ref} 不存在", f"knowledge article {ref} not found", field="article")
    return article


def published_text(session: Session, article: Article) -> ArticleVersion:
    """The text agents read and cite: the published version (writers see drafts apart)."""
    number = article.published_version or article.version
    row = repo.version(session, article.id, number)
    if row is None:  # pragma: no cover - every saved version has its row
        raise NotFound("版本不存在", "version not found")
    return row


def history(session: Session, principal: Principal, ref: str) -> list[ArticleVersion]:
    article = get_article(session, principal, ref)
    rows = repo.versions(session, article.id)
    if principal.can(Permission.KNOWLEDGE_MANAGE):
        return rows
    return [r for r in rows if r.version <= (article.published_version or 0)]


def list_articles(
    session: Session, principal: Principal, *, status: str | None = None, q: str | None = None
) -> list[Article]:
    require_read(principal)
    if not principal.can(Permission.KNOWLEDGE_MANAGE):
        status = ArticleStatus.PUBLISHED.value
    elif status and status not in set(ArticleStatus):
        raise ValidationFailed("状态无效", f"unknown status {status!r}", field="status")
    return repo.articles(session, status=status or None, q=(q or "").strip()[:50] or None)


def to_out(session: Session, article: Article) -> ArticleOut:
    text = published_text(session, article) if article.status == ArticleStatus.PUBLISHED else None
    return ArticleOut(
        ref=article.ref,
        kind=article.kind,
        title=text.title if text else article.title,
        body=text.body if text else article.body,
        category=article.category_code,
        category_path=_category_path(session, article.category_code),
        department=_department(session, article.department_id)[0],
        department_name=_department(session, article.department_id)[1],
        tags=list(article.tags),
        valid_from=article.valid_from,
        valid_to=article.valid_to,
        status=article.status,
        version=article.version,
        published_version=article.published_version,
    )


def _category_path(session: Session, code: str | None) -> str | None:
    if not code:
        return None
    found = catalogue.find_category(session, code)
    return catalogue.category_path(session, found.id) if found is not None else code


def _department(session: Session, department_id: int | None) -> tuple[str | None, str | None]:
    dept = org.department(session, department_id) if department_id else None
    return (dept.code, dept.name) if dept else (None, None)


# ---- search ---------------------------------------------------------------------------------


def reindex(session: Session) -> int:
    """Store the words of every published article valid today and bump the index's
    generation (the reindex job, after a publish or a retirement, and daily for validity)."""
    entries = [
        IndexEntry(
            article_id=article.id,
            version=text.version,
            words=" ".join(ix.document_words(text.title, text.body, article.tags)),
        )
        for article, text in repo.searchable(session, clock.today_local())
    ]
    return repo.replace_index(session, entries, clock.now())


def _index(session: Session) -> ix.Index:
    generation = repo.generation(session)
    current = ix.PROCESS_INDEX.current(generation)
    if current is not None:
        return current
    docs = [(e.article_id, e.words.split()) for e in repo.index_entries(session)]
    return ix.PROCESS_INDEX.replace(generation, ix.Index(docs))


def _snippet(body: str, query_words: list[str]) -> str:
    flat = " ".join(body.split())
    at = min((flat.find(w) for w in query_words if w in flat), default=0)
    start = max(0, at - 20)
    text = flat[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + text + ("…" if start + SNIPPET_CHARS < len(flat) else "")


def search(
    session: Session, principal: Principal, q: str, *, limit: int = 8, category: str | None = None
) -> SearchOut:
    """Published, valid articles ranked by BM25 for ``q`` (what the agent is typing)."""
    require_read(principal)
    started = time.perf_counter()
    q = q.strip()[: ix.MAX_QUERY_CHARS]
    limit = max(1, min(limit, 20))
    hits = _index(session).search(q, limit * 3 if category else limit) if q else []
    rows = repo.by_ids(session, [h.article_id for h in hits])
    today = clock.today_local()
    query_words = ix.words(q) if hits else []
    items: list[SearchHit] = []
    for hit in hits:
        article = rows.get(hit.article_id)
        if article is None or not _searchable(article, today):
            continue  # retired or expired since the index was built
        if category and not (article.category_code or "").startswith(category):
            continue
        text = published_text(session, article)
        items.append(
            SearchHit(
                ref=article.ref,
                title=text.title,
                kind=article.kind,
                version=text.version,
                score=hit.score,
                snippet=_snippet(text.body, query_words),
                category_path=_category_path(session, article.category_code),
                department_name=_department(session, article.department_id)[1],
                valid_to=article.valid_to,
            )
        )
        if len(items) >= limit:
            break
    took = round((time.perf_counter() - started) * 1000, 2)
    return SearchOut(q=q, items=items, took_ms=took)


def _searchable(article: Article, today: date) -> bool:
    return (
        article.status == ArticleStatus.PUBLISHED
        and article.valid_from <= today
        and (article.valid_to is None or article.valid_to >= today)
    )


def citable(session: Session, principal: Principal, ref: str) -> tuple[Article, ArticleVersion]:
    """The article and version a direct answer may cite: published and valid today."""
    article = get_article(session, principal, ref)
    if not _searchable(article, clock.today_local()):
        raise Conflict(
            f"知识条目 {article.ref} 未发布或不在有效期内，不能引用",
            f"knowledge article {article.ref} is not published or not valid today: it cannot be cited",
            field="article",
        )
    return article, published_text(session, article)
