"""The only place that writes SQL for the knowledge base."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from zhizhi.knowledge.models import Article, ArticleVersion, Citation, IndexEntry, IndexState


def add(session: Session, row: Article | ArticleVersion | Citation | IndexEntry) -> None:
    session.add(row)
    session.flush()


def by_ref(session: Session, ref: str, *, lock: bool = False) -> Article | None:
    stmt = select(Article).where(Article.ref == ref)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalar(stmt)


def by_ids(session: Session, ids: list[int]) -> dict[int, Article]:
    if not ids:
        return {}
    return {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}


def articles(
    session: Session, *, status: str | None = None, q: str | None = None, limit: int = 500
) -> list[Article]:
    stmt = select(Article)
    if status:
        stmt = stmt.where(Article.status == status)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Article.title.like(like), Article.ref == q))
    return list(session.scalars(stmt.order_by(Article.ref).limit(limit)))


def versions(session: Session, article_id: int) -> list[ArticleVersion]:
    stmt = select(ArticleVersion).where(ArticleVersion.article_id == article_id)
    return list(session.scalars(stmt.order_by(ArticleVersion.version.desc())))


def version(session: Session, article_id: int, number: int) -> ArticleVersion | None:
    stmt = select(ArticleVersion).where(
        ArticleVersion.article_id == article_id, ArticleVersion.version == number
    )
    return session.scalar(stmt)


def searchable(session: Session, today: date) -> list[tuple[Article, ArticleVersion]]:
    """Published articles valid ``today`` with the text of their published version."""
    stmt = (
        select(Article, ArticleVersion)
        .join(
            ArticleVersion,
            (ArticleVersion.article_id == Article.id) & (ArticleVersion.version == Article.published_version),
        )
        .where(
            Article.status == "published",
            Article.valid_from <= today,
            or_(Article.valid_to.is_(None), Article.valid_to >= today),
        )
        .order_by(Article.id)
    )
    return [(a, v) for a, v in session.execute(stmt).all()]


def replace_index(session: Session, entries: list[IndexEntry], now: datetime) -> int:
    """Swap the index's words for ``entries`` and bump the generation; returns the new one."""
    session.execute(delete(IndexEntry))
    session.add_all(entries)
    state = session.get(IndexState, 1, with_for_update=True)
    if state is None:
        state = IndexState(id=1, generation=0, articles=0)
        session.add(state)
    state.generation += 1
    state.built_at, state.articles = now, len(entries)
    session.flush()
    return state.generation


def generation(session: Session) -> int:
    return int(session.scalar(select(IndexState.generation).where(IndexState.id == 1)) or 0)


def index_entries(session: Session) -> list[IndexEntry]:
    return list(session.scalars(select(IndexEntry).order_by(IndexEntry.article_id)))


def citations_of_case(session: Session, case_id: int) -> list[tuple[Citation, Article]]:
    stmt = (
        select(Citation, Article)
        .join(Article, Article.id == Citation.article_id)
        .where(Citation.case_id == case_id)
        .order_by(Citation.id)
    )
    return [(c, a) for c, a in session.execute(stmt).all()]


def citations_of_article(session: Session, article_id: int, limit: int = 50) -> list[Citation]:
    stmt = select(Citation).where(Citation.article_id == article_id).order_by(Citation.id.desc())
    return list(session.scalars(stmt.limit(limit)))
