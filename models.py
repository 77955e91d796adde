"""The article database: SQLAlchemy 2.0 models, the single source of the schema.

Migrations under ``scraper/storage/migrations`` build exactly these tables (a test compares
them). Operators write SQL against the table names, so they are part of the public contract:
``site``, ``article``, ``article_revision``, ``caption``, ``source_attribution``, ``author``,
``tag``, ``raw_page``, ``crawl_run``, ``crawl_health``, ``extraction_failure`` (plus ``minhash_bucket`` for
near-duplicate lookup and ``reparse_run`` for resumable re-extraction).

Every instant is stored in UTC and read back time-zone aware, on SQLite too.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

log = logging.getLogger(__name__)

# Column sizes are limits for sanity, not guesses at real values; CHECKs enforce them on SQLite too.
TITLE_MAX = 1000
URL_MAX = 2048


class UTCDateTime(TypeDecorator[datetime]):
    """``DateTime(timezone=True)`` that always stores UTC and always returns aware values.

    SQLite keeps no offset, so values are converted to UTC on the way in and marked UTC on the
    way out. A naive value is taken as UTC (and logged): the extractor should never send one.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            log.warning("naive datetime %s stored as UTC", value.isoformat())
            return value.replace(tzinfo=UTC) if dialect.name != "sqlite" else value
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}  # noqa: RUF012


class Site(Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # the site declaration's name
    first_seen_at: Mapped[datetime]


class Article(Base):
    """One row per canonical URL: the current extracted fields."""

    __tablename__ = "article"
    __table_args__ = (
        CheckConstraint(f"length(title) BETWEEN 1 AND {TITLE_MAX}", name="title_length"),
        CheckConstraint(f"length(canonical_url) <= {URL_MAX}", name="canonical_url_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str] = mapped_column(Text)  # the URL it was last fetched from
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # paragraphs and sub-headings, blank line between
    blocks: Mapped[list[Any]]  # [{"kind": "paragraph"|"heading", "text": ...}] to rebuild structure
    language: Mapped[str | None] = mapped_column(String(16))
    section: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    published_raw: Mapped[str | None] = mapped_column(Text)  # what the date was read from
    published_calendar: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[datetime | None]
    updated_raw: Mapped[str | None] = mapped_column(Text)
    # What the page printed (migration 0002): the ISO wall time (`2013-08-03`, `2022-05-03T18:45+02:00`,
    # `2022-05-03T18:45` when the zone is unknown), its precision (second, minute, day, month) and
    # where the zone came from (text, metadata, site, domain, locale, dateline, unknown). For a day,
    # published_at is 00:00 UTC of the printed day.
    published_local: Mapped[str | None] = mapped_column(String(40))
    published_precision: Mapped[str | None] = mapped_column(String(8))
    published_zone_source: Mapped[str | None] = mapped_column(String(16))
    updated_local: Mapped[str | None] = mapped_column(String(40))
    updated_precision: Mapped[str | None] = mapped_column(String(8))
    updated_zone_source: Mapped[str | None] = mapped_column(String(16))
    # sha256 of the body (Article.content_hash): exact duplicates across URLs share it
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # sha256 of every extracted field that makes a revision; equal hash, nothing changed
    revision_hash: Mapped[str] = mapped_column(String(64))
    # id of the first article of its story: exact and near duplicates share it
    story_cluster: Mapped[int | None] = mapped_column(BigInteger, index=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)  # MinHash signature, uint64 values
    raw_page_id: Mapped[int | None] = mapped_column(ForeignKey("raw_page.id", ondelete="SET NULL"))
    fetched_at: Mapped[datetime]  # when the current fields were fetched
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]

    site: Mapped[Site] = relationship()
    captions: Mapped[list[Caption]] = relationship(order_by="Caption.position", passive_deletes=True)
    sources: Mapped[list[SourceAttribution]] = relationship(
        order_by="SourceAttribution.position", passive_deletes=True
    )
    authors: Mapped[list[Author]] = relationship(order_by="Author.position", passive_deletes=True)
    tags: Mapped[list[Tag]] = relationship(order_by="Tag.position", passive_deletes=True)
    revisions: Mapped[list[ArticleRevision]] = relationship(
        order_by="ArticleRevision.first_seen_at", passive_deletes=True
    )


# The date an article is filed under (its publication, else when first seen): searches filter and
# sort on it, so it is indexed as this expression (migration 0003; the same expression in queries).
Index("ix_article_filed_at", func.coalesce(Article.published_at, Article.first_seen_at), Article.id)
# What ranking reads of each full-text match (migration 0006): on SQLite an article row holds its
# body and blocks before these columns, so reading them from the row walks kilobytes of overflow
# pages per match; search.py names this index for that join.
Index(
    "ix_article_search_keys",
    Article.id,
    func.coalesce(Article.published_at, Article.first_seen_at),
    Article.site_id,
    Article.story_cluster,
)


class ArticleRevision(Base):
    """Every distinct extracted version of an article, with when it was first and last seen."""

    __tablename__ = "article_revision"
    __table_args__ = (UniqueConstraint("article_id", "revision_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    revision_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    record: Mapped[dict[str, Any]]  # the full extracted Article as JSON (Article.to_dict())
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class _ArticleChild:
    """Rows that belong to one article, in page order; replaced whenever the article changes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(SmallInteger)


class Caption(_ArticleChild, Base):
    __tablename__ = "caption"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    credit: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)


class SourceAttribution(_ArticleChild, Base):
    """An agency or outlet credited for the text: the raw text and the canonical agency."""

    __tablename__ = "source_attribution"
    __table_args__ = (UniqueConstraint("article_id", "position"), Index(None, "canonical"))

    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)  # as printed: "رويترز"
    canonical: Mapped[str | None] = mapped_column(String(200))  # "Reuters"


class Author(_ArticleChild, Base):
    __tablename__ = "author"
    __table_args__ = (UniqueConstraint("article_id", "position"), Index(None, "name"))

    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))


class Tag(_ArticleChild, Base):
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("article_id", "position"), Index(None, "name"))

    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))


class MinhashBucket(Base):
    """LSH band buckets of each article's MinHash, so near duplicates are found across runs."""

    __tablename__ = "minhash_bucket"

    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # hash of (band, band values)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class RawPage(Base):
    """A fetched response, body compressed; one row per distinct body of a URL."""

    __tablename__ = "raw_page"
    __table_args__ = (UniqueConstraint("url", "body_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]]
    body: Mapped[bytes] = mapped_column(LargeBinary)
    compression: Mapped[str] = mapped_column(String(16))  # "zlib"
    body_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the uncompressed body
    size: Mapped[int] = mapped_column(Integer)  # uncompressed bytes
    first_fetched_at: Mapped[datetime]
    fetched_at: Mapped[datetime] = mapped_column(index=True)  # the latest fetch of this body


class CrawlRun(Base):
    __tablename__ = "crawl_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    articles_stored: Mapped[int] = mapped_column(default=0)  # new or re-seen articles written
    articles_new: Mapped[int] = mapped_column(default=0)
    revisions_added: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)  # pages that were not stored as articles
    errors: Mapped[int] = mapped_column(default=0)  # rows skipped because they broke a constraint
    download_failures: Mapped[int] = mapped_column(default=0, server_default="0")  # of the failures
    items_spooled: Mapped[int] = mapped_column(default=0, server_default="0")  # kept in a spool file, not stored
    detail: Mapped[str | None] = mapped_column(Text)  # one line: why the run stopped early


class CrawlHealth(Base):
    """What one run measured, for comparing it with the site's recent runs (scraper/operations/health.py).

    ``with_*`` count the run's stored articles that have the field; ``state`` is ok, degraded or
    new (too few earlier runs to compare with); ``drops`` lists what fell beyond the tolerance.
    """

    __tablename__ = "crawl_health"

    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id", ondelete="CASCADE"), primary_key=True)
    site: Mapped[str] = mapped_column(String(100), index=True)
    checked_at: Mapped[datetime]
    pages_fetched: Mapped[int]
    http_errors: Mapped[int]  # responses of status 400 and above, and downloads that failed
    articles: Mapped[int]
    extraction_failures: Mapped[int]  # pages fetched but dropped (not an article, unusable extraction)
    with_title: Mapped[int]
    with_body: Mapped[int]
    with_date_time: Mapped[int]  # a publication date precise to the minute or second
    with_captions: Mapped[int]
    with_sources: Mapped[int]
    with_authors: Mapped[int]
    state: Mapped[str] = mapped_column(String(16))
    drops: Mapped[list[Any]]  # [{"measure": "captions", "value": 0.1, "usual": 0.8}, ...]


class ExtractionFailure(Base):
    """The latest failure per URL and stage; cleared when the URL later yields an article."""

    __tablename__ = "extraction_failure"
    __table_args__ = (UniqueConstraint("url", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[str] = mapped_column(String(50))  # extract, validate, store ...
    error: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[datetime]
    first_failed_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=1)
    raw_page_id: Mapped[int | None] = mapped_column(ForeignKey("raw_page.id", ondelete="SET NULL"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_run.id", ondelete="SET NULL"))


class ReparseRun(Base):
    """Progress of ``akhbar reparse``: raw pages are walked in id order, so it can resume."""

    __tablename__ = "reparse_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    filters: Mapped[str] = mapped_column(String(500))  # the run's filters, to resume the same run
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    last_raw_page_id: Mapped[int] = mapped_column(default=0)
    pages: Mapped[int] = mapped_column(default=0)
    articles_changed: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)


# The full-text index (migration 0003, scraper/query/index.py) is engine-specific: an FTS5 virtual
# table (with its shadow tables article_fts_data, _idx ...) on SQLite, a tsvector table with a GIN
# index on PostgreSQL. It is written only by scraper.query.index, so it is not declared here and
# comparisons of models with the database leave it out.
SEARCH_INDEX_TABLES = ("article_fts", "article_search")


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic ``include_name``: every table but the search index's."""
    if type_ == "table" and name is not None:
        return name not in SEARCH_INDEX_TABLES and not name.startswith("article_fts_")
    return True
