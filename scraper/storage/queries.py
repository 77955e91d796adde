"""Reading articles back: the filters ``akhbar list`` and ``akhbar export`` share, and full records.

Dates filter on the publication time, or on when the article was first seen if the page gave
none. ``collapse_duplicates`` keeps the earliest article of each story cluster among the
matches, so agency copy printed by ten outlets shows once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from models import Article, ArticleRevision, Author, Caption, Site, SourceAttribution, Tag

CHUNK = 1000  # rows per round trip when streaming; memory stays flat in the article count


@dataclass(slots=True)
class ArticleFilter:
    site: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    source: str | None = None  # agency, canonical ("Reuters") or as printed ("رويترز")
    query: str | None = None  # text in the title or body
    collapse_duplicates: bool = False
    limit: int | None = None
    matching: Any = None  # a SELECT of article ids (scraper.query's full-text match), used instead of query


def article_date() -> Any:
    return func.coalesce(Article.published_at, Article.first_seen_at)


def _conditions(filters: ArticleFilter) -> list[Any]:
    conditions: list[Any] = []
    if filters.site:
        conditions.append(Site.name == filters.site)
    if filters.since:
        conditions.append(article_date() >= filters.since.astimezone(UTC))
    if filters.until:
        conditions.append(article_date() < filters.until.astimezone(UTC))
    if filters.source:
        wanted = filters.source.lower()
        conditions.append(
            select(SourceAttribution.id)
            .where(
                SourceAttribution.article_id == Article.id,
                or_(func.lower(SourceAttribution.canonical) == wanted, func.lower(SourceAttribution.name) == wanted),
            )
            .exists()
        )
    if filters.matching is not None:
        conditions.append(Article.id.in_(filters.matching))
    elif filters.query:
        # The text itself, not a pattern: % and _ typed by a user match only themselves.
        escaped = filters.query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        conditions.append(or_(Article.title.like(pattern, escape="\\"), Article.body.like(pattern, escape="\\")))
    return conditions


def select_articles(filters: ArticleFilter, *columns: Any) -> Select[Any]:
    """``columns`` (default: the Article entity and its site name) of matching articles, newest first."""
    columns = columns or (Article, Site.name.label("site_name"))
    matching = select(Article.id).join(Site, Site.id == Article.site_id).where(and_(True, *_conditions(filters)))
    if filters.collapse_duplicates:
        ranked = (
            select(
                Article.id,
                func.row_number()
                .over(
                    partition_by=func.coalesce(Article.story_cluster, -Article.id),
                    order_by=(article_date(), Article.id),
                )
                .label("rank"),
            )
            .join(Site, Site.id == Article.site_id)
            .where(and_(True, *_conditions(filters)))
            .subquery()
        )
        matching = select(ranked.c.id).where(ranked.c.rank == 1)
    statement = (
        select(*columns)
        .select_from(Article)
        .join(Site, Site.id == Article.site_id)
        .where(Article.id.in_(matching))
        .order_by(article_date().desc(), Article.id.desc())
    )
    if filters.limit:
        statement = statement.limit(filters.limit)
    return statement


def children(conn: Session | Connection, ids: Sequence[int], *, full: bool = True) -> dict[int, dict[str, Any]]:
    """Captions, sources, authors, tags and the revision count of each article, in a few queries,
    read as plain rows (ORM objects cost more than the SQL: ~15 ms for a search page's 20).
    ``full=False``: captions, sources and authors only (what a search hit shows)."""
    keys = ("authors", "sources", "captions") + (("tags",) if full else ())
    found: dict[int, dict[str, Any]] = {id_: {key: [] for key in keys} for id_ in ids}
    if full:
        for item in found.values():
            item["revisions"] = 0
    if not ids:
        return found
    for article_id, text, credit, image_url in conn.execute(
        select(Caption.article_id, Caption.text, Caption.credit, Caption.image_url)
        .where(Caption.article_id.in_(ids))
        .order_by(Caption.article_id, Caption.position)
    ):
        found[article_id]["captions"].append({"text": text, "credit": credit, "image_url": image_url})
    for article_id, name, canonical in conn.execute(
        select(SourceAttribution.article_id, SourceAttribution.name, SourceAttribution.canonical)
        .where(SourceAttribution.article_id.in_(ids))
        .order_by(SourceAttribution.article_id, SourceAttribution.position)
    ):
        found[article_id]["sources"].append({"name": name, "canonical": canonical})
    for model, key in ((Author, "authors"), (Tag, "tags"))[: 2 if full else 1]:
        for article_id, name in conn.execute(
            select(model.article_id, model.name)
            .where(model.article_id.in_(ids))
            .order_by(model.article_id, model.position)
        ):
            found[article_id][key].append(name)
    if full:
        for article_id, count in conn.execute(
            select(ArticleRevision.article_id, func.count())
            .where(ArticleRevision.article_id.in_(ids))
            .group_by(ArticleRevision.article_id)
        ):
            found[article_id]["revisions"] = count
    return found


def record(article: Article, site: str, extra: dict[str, Any]) -> dict[str, Any]:
    """One article as a plain dict (datetimes left as datetimes)."""
    return {
        "id": article.id,
        "site": site,
        "canonical_url": article.canonical_url,
        "url": article.url,
        "title": article.title,
        "subtitle": article.subtitle,
        "published_at": article.published_at,
        "published_raw": article.published_raw,
        "published_calendar": article.published_calendar,
        "published_local": article.published_local,
        "published_precision": article.published_precision,
        "published_zone_source": article.published_zone_source,
        "updated_at": article.updated_at,
        "section": article.section,
        "language": article.language,
        "authors": extra["authors"],
        "sources": extra["sources"],
        "captions": extra["captions"],
        "tags": extra["tags"],
        "image_url": article.image_url,
        "body": article.body,
        "blocks": article.blocks,
        "content_hash": article.content_hash,
        "story_cluster": article.story_cluster,
        "revisions": extra["revisions"],
        "first_seen_at": article.first_seen_at,
        "last_seen_at": article.last_seen_at,
    }


def iter_records(session: Session, filters: ArticleFilter) -> Iterator[dict[str, Any]]:
    """Every matching article as a record, streamed in chunks (server-side cursor on PostgreSQL)."""
    result = session.execute(select_articles(filters), execution_options={"yield_per": CHUNK})
    for chunk in result.partitions(CHUNK):
        extras = children(session, [row.Article.id for row in chunk])
        for row in chunk:
            yield record(row.Article, row.site_name, extras[row.Article.id])


def get_record(session: Session, article_id: int) -> dict[str, Any] | None:
    row = session.execute(
        select(Article, Site.name.label("site_name"))
        .join(Site, Site.id == Article.site_id)
        .where(Article.id == article_id)
    ).first()
    if row is None:
        return None
    data = record(row.Article, row.site_name, children(session, [article_id])[article_id])
    if row.Article.story_cluster is not None:
        data["cluster_size"] = session.execute(
            select(func.count()).where(Article.story_cluster == row.Article.story_cluster)
        ).scalar_one()
    return data
