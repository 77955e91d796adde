"""Where a record is stored: batched upserts of articles, their children, revisions and raw pages.

One batch is one transaction, so a killed crawler leaves each article fully stored or absent.
Every write is an ``INSERT ... ON CONFLICT`` on a natural key (canonical URL, (article,
revision hash), (URL, body hash) ...), so two crawler processes storing the same article
at once leave one row and no error. When a batch breaks a constraint, it is retried item by
item and the offending item is logged with its URL, recorded as a ``store`` failure, and skipped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Table, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError, OperationalError

from models import Article as ArticleRow
from models import (
    ArticleRevision,
    Author,
    Caption,
    CrawlRun,
    ExtractionFailure,
    MinhashBucket,
    RawPage,
    Site,
    SourceAttribution,
    Tag,
)
from scraper.article import Article, CrawlItem, FetchedPage
from scraper.storage import dedup
from scraper.storage.engine import writer_engine

log = logging.getLogger(__name__)

# Fields that make a revision: a change in any of them is an edit worth keeping.
_NOT_REVISION_FIELDS = ("url", "fetched_at", "body", "content_hash")
_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_DEADLOCK_RETRIES = 5
_CHILD_TABLES: tuple[Table, ...] = (
    Caption.__table__,  # type: ignore[assignment]
    SourceAttribution.__table__,  # type: ignore[assignment]
    Author.__table__,  # type: ignore[assignment]
    Tag.__table__,  # type: ignore[assignment]
    MinhashBucket.__table__,  # type: ignore[assignment]
)


@dataclass(slots=True)
class BatchResult:
    stored: int = 0  # articles written (new, changed or re-seen)
    new: int = 0
    revisions: int = 0  # new article_revision rows
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, error) of rows not stored
    article_ids: dict[str, int] = field(default_factory=dict)  # canonical URL -> article id

    def add(self, other: BatchResult) -> None:
        self.stored += other.stored
        self.new += other.new
        self.revisions += other.revisions
        self.skipped.extend(other.skipped)
        self.article_ids.update(other.article_ids)


@dataclass(slots=True)
class Failure:
    """A page that produced no article: stored as its raw page plus an ``extraction_failure`` row."""

    page: FetchedPage
    stage: str
    error: str
    site: str | None = None


def utc(value: datetime | None, url: str = "") -> datetime | None:
    """An aware UTC datetime; a naive one is taken as UTC and logged (the extractor should not send it)."""
    if value is None:
        return None
    if value.tzinfo is None:
        log.warning("naive datetime %s for %s stored as UTC", value.isoformat(), url)
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def revision_hash(record: dict[str, Any]) -> str:
    content = {key: value for key, value in record.items() if key not in _NOT_REVISION_FIELDS}
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def article_record(article: Article) -> dict[str, Any]:
    """``article.to_dict()``, built without ``dataclasses.asdict`` (whose deep copies cost more than
    the rest of storing an article) and computing the body once."""
    record: dict[str, Any] = {}
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, list):
            value = [_plain(item) for item in value]
        record[name] = value
    body = "\n\n".join(block["text"] for block in record["blocks"])
    record["body"] = body
    record["content_hash"] = _sha256(body)
    return record


def _plain(value: Any) -> Any:
    """What ``dataclasses.asdict`` makes of a field value: dataclasses as dicts, containers copied."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _execute_many(connection: Connection, stmt: Any, column: Any, rows: list[dict[str, Any]]) -> None:
    """Execute an INSERT ... ON CONFLICT for many rows as multi-row VALUES statements.

    SQLAlchemy batches an executemany into multi-row VALUES ("insertmanyvalues") only when the
    INSERT has RETURNING; psycopg 3 would otherwise send one statement per row, pipelined, and
    the server spent most of a PostgreSQL batch on them. On SQLite, the driver's own executemany
    (one prepared statement, stepped in C) is faster.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(stmt.returning(column), rows).close()
    else:
        connection.execute(stmt, rows)


def _insert_rows(
    connection: Connection, table: Table, rows: list[dict[str, Any]], *, skip_existing: bool = False
) -> None:
    """Insert many rows of plain columns (ints, strings) in one statement per table.

    On PostgreSQL, ``INSERT ... SELECT * FROM unnest(:col1, :col2 ...)``: one array per column,
    so the statement and its parsing stay the same size whatever the row count (multi-row VALUES
    gives psycopg thousands of placeholders to parse, and the server as many to plan).
    """
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        stmt = sqlite.insert(table)
        connection.execute(stmt.on_conflict_do_nothing() if skip_existing else stmt, rows)
        return
    names = list(rows[0])
    stmt = postgresql.insert(table).from_select(names, _unnest(table, names, rows))
    connection.execute(stmt.on_conflict_do_nothing() if skip_existing else stmt)


def _unnest(table: Table, names: list[str], rows: list[dict[str, Any]]) -> Any:
    """PostgreSQL: the rows as a table, from one typed array per column."""
    arrays = [
        bindparam(f"u_{name}", [row[name] for row in rows], type_=postgresql.ARRAY(table.c[name].type))
        for name in names
    ]
    source = func.unnest(*arrays).table_valued(*names).render_derived(name="batch_rows")
    return select(*(source.c[name] for name in names))


def _insert(connection: Connection, table: Any) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update``/``on_conflict_do_nothing``."""
    module = postgresql if connection.dialect.name == "postgresql" else sqlite
    return module.insert(table)


def _retryable(error: OperationalError) -> bool:
    code = getattr(error.orig, "sqlstate", None)
    return code in ("40P01", "40001") or "database is locked" in str(error)


class ArticleWriter:
    """Stores batches of crawl items; one instance per process (it caches site ids)."""

    def __init__(self, engine: Engine, *, crawl_run_id: int | None = None) -> None:
        self.engine = writer_engine(engine)
        self.crawl_run_id = crawl_run_id
        self._site_ids: dict[str, int] = {}

    # -- public API ---------------------------------------------------------------------------

    def store(self, items: Sequence[CrawlItem]) -> BatchResult:
        """Store items that carry an article (others are ignored: use :meth:`store_failures`)."""
        pending = [item for item in items if item.article is not None]
        if not pending:
            return BatchResult()
        try:
            return self._transaction(lambda conn: self._store_items(conn, pending))
        except (IntegrityError, DataError) as error:
            log.warning("batch of %d broke a constraint (%s); storing one by one", len(pending), error.orig)
        result = BatchResult()
        for item in pending:
            try:
                result.add(self._transaction(lambda conn, item=item: self._store_items(conn, [item])))
            except (IntegrityError, DataError) as error:
                url = item.article.canonical_url if item.article else item.page.url
                message = f"{type(error.orig).__name__}: {str(error.orig).splitlines()[0]}"
                log.error("skipped %s: %s", url, message)
                result.skipped.append((url, message))
                self.store_failures([Failure(item.page, "store", message, item.article and item.article.site)])
        return result

    def store_articles(self, articles: Sequence[Article], raw_page_ids: Sequence[int | None]) -> BatchResult:
        """Store already-extracted articles whose raw pages are archived (re-extraction)."""
        return self._transaction(lambda conn: self._store_articles(conn, list(articles), list(raw_page_ids)))

    def store_failures(self, failures: Sequence[Failure]) -> None:
        if failures:
            self._transaction(lambda conn: self._store_failures(conn, failures))

    # -- transactions ---------------------------------------------------------------------------

    def _transaction(self, work: Any) -> Any:
        for attempt in range(_DEADLOCK_RETRIES):
            try:
                try:
                    with self.engine.begin() as connection:
                        return work(connection)
                except Exception:
                    self._site_ids.clear()  # ids read inside a rolled-back transaction may not exist
                    raise
            except OperationalError as error:
                if not _retryable(error) or attempt == _DEADLOCK_RETRIES - 1:
                    raise
                log.info("retrying a batch after %s", type(error.orig).__name__)
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _store_items(self, conn: Connection, items: Sequence[CrawlItem]) -> BatchResult:
        pages = {item.page.url: (item.page, item.article.site if item.article else None) for item in items}
        page_ids = self._store_pages(conn, list(pages.values()))
        articles = [item.article for item in items if item.article is not None]
        raw_ids = [page_ids.get(item.page.url) for item in items if item.article is not None]
        return self._store_articles(conn, articles, raw_ids)

    # -- raw pages ------------------------------------------------------------------------------

    def _store_pages(self, conn: Connection, pages: Iterable[tuple[FetchedPage, str | None]]) -> dict[str, int]:
        """Upsert raw pages; return URL -> raw_page id."""
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for page, site in pages:
            body_hash = hashlib.sha256(page.body).hexdigest()
            fetched = utc(page.fetched_at, page.url)
            rows[(page.url, body_hash)] = {
                "url": page.url,
                "site": site,
                "status": page.status,
                "headers": dict(page.headers),
                "body": zlib.compress(page.body, 6),
                "compression": "zlib",
                "body_hash": body_hash,
                "size": len(page.body),
                "first_fetched_at": fetched,
                "fetched_at": fetched,
            }
        if not rows:
            return {}
        ordered = [rows[key] for key in sorted(rows)]  # one lock order for every process
        stmt = _insert(conn, RawPage)
        stmt = stmt.on_conflict_do_update(
            index_elements=["url", "body_hash"],
            set_={
                "fetched_at": stmt.excluded.fetched_at,
                "status": stmt.excluded.status,
                "headers": stmt.excluded.headers,
            },
        )
        # RETURNING gives the id of every row, inserted or updated, and makes SQLAlchemy send
        # multi-row VALUES ("insertmanyvalues") instead of one statement per row.
        found = conn.execute(stmt.returning(RawPage.id, RawPage.url), ordered)
        return {url: id_ for id_, url in found}

    # -- articles -------------------------------------------------------------------------------

    def _site_id(self, conn: Connection, names: set[str]) -> dict[str, int]:
        missing = sorted(names - self._site_ids.keys())
        if missing:
            now = datetime.now(UTC)
            conn.execute(
                _insert(conn, Site).on_conflict_do_nothing(index_elements=["name"]),
                [{"name": name, "first_seen_at": now} for name in missing],
            )
            for id_, name in conn.execute(select(Site.id, Site.name).where(Site.name.in_(missing))):
                self._site_ids[name] = id_
        return self._site_ids

    def _store_articles(self, conn: Connection, articles: list[Article], raw_page_ids: list[int | None]) -> BatchResult:
        # The latest fetch of each canonical URL wins within a batch.
        latest: dict[str, tuple[Article, int | None]] = {}
        for article, raw_id in zip(articles, raw_page_ids, strict=True):
            known = latest.get(article.canonical_url)
            if known is None or utc(known[0].fetched_at) <= utc(article.fetched_at):  # type: ignore[operator]
                latest[article.canonical_url] = (article, raw_id)
        keys = sorted(latest)  # one lock order for every process
        site_ids = self._site_id(conn, {latest[key][0].site for key in keys})

        previous = dict(
            conn.execute(
                select(ArticleRow.canonical_url, ArticleRow.revision_hash).where(ArticleRow.canonical_url.in_(keys))
            ).all()
        )
        rows, records = [], {}
        for key in keys:
            article, raw_id = latest[key]
            record = article_record(article)
            records[key] = {k: v for k, v in record.items() if k != "body"}  # blocks hold the body
            fetched = utc(article.fetched_at, key)
            rows.append(
                {
                    "canonical_url": key,
                    "url": article.url,
                    "site_id": site_ids[article.site],
                    "title": article.title,
                    "subtitle": article.subtitle,
                    "body": record["body"],
                    "blocks": record["blocks"],
                    "language": article.language,
                    "section": article.section,
                    "image_url": article.image_url,
                    "published_at": utc(article.published_at, key),
                    "published_raw": article.published_raw,
                    "published_calendar": article.published_calendar,
                    "updated_at": utc(article.updated_at, key),
                    "updated_raw": article.updated_raw,
                    "content_hash": record["content_hash"],
                    "revision_hash": revision_hash(record),
                    "raw_page_id": raw_id,
                    "fetched_at": fetched,
                    "first_seen_at": fetched,
                    "last_seen_at": fetched,
                }
            )
        stmt = _insert(conn, ArticleRow)
        kept = {"id", "canonical_url", "first_seen_at", "story_cluster", "minhash"}
        stmt = stmt.on_conflict_do_update(
            index_elements=["canonical_url"],
            set_={name: stmt.excluded[name] for name in rows[0] if name not in kept},
        )
        # RETURNING: the ids (and kept clusters) without a second SELECT, and multi-row VALUES.
        ids, clusters = {}, {}
        for id_, url, cluster in conn.execute(
            stmt.returning(ArticleRow.id, ArticleRow.canonical_url, ArticleRow.story_cluster), rows
        ):
            ids[url], clusters[id_] = id_, cluster
        result = BatchResult(stored=len(rows), article_ids=ids)
        changed = [row for row in rows if previous.get(row["canonical_url"]) != row["revision_hash"]]
        result.new = sum(1 for row in changed if row["canonical_url"] not in previous)

        # Revisions: a new (article, hash) pair is a new revision; a known one is seen again.
        changed_ids = [ids[row["canonical_url"]] for row in changed]
        known_revisions = set()
        if changed_ids:
            known_revisions = set(
                conn.execute(
                    select(ArticleRevision.article_id, ArticleRevision.revision_hash).where(
                        ArticleRevision.article_id.in_(changed_ids)
                    )
                ).all()
            )
        revisions = [
            {
                "article_id": ids[row["canonical_url"]],
                "revision_hash": row["revision_hash"],
                "title": row["title"],
                "record": records[row["canonical_url"]],
                "first_seen_at": row["fetched_at"],
                "last_seen_at": row["fetched_at"],
            }
            for row in rows
        ]
        stmt = _insert(conn, ArticleRevision)
        stmt = stmt.on_conflict_do_update(
            index_elements=["article_id", "revision_hash"], set_={"last_seen_at": stmt.excluded.last_seen_at}
        )
        _execute_many(conn, stmt, ArticleRevision.id, revisions)
        result.revisions = sum(
            1 for row in changed if (ids[row["canonical_url"]], row["revision_hash"]) not in known_revisions
        )
        if changed:
            pairs = [(ids[row["canonical_url"]], latest[row["canonical_url"]][0]) for row in changed]
            self._replace_children(conn, pairs)
            self._cluster(conn, pairs, clusters, {row["canonical_url"]: row["body"] for row in changed})
        # A URL that now gives an article is no longer a failure.
        conn.execute(delete(ExtractionFailure).where(ExtractionFailure.url.in_({a.url for a, _ in latest.values()})))
        return result

    def _replace_children(self, conn: Connection, changed: list[tuple[int, Article]]) -> None:
        ids = [id_ for id_, _ in changed]
        for table in _CHILD_TABLES:
            conn.execute(delete(table).where(table.c.article_id.in_(ids)))
        captions, sources, authors, tags = [], [], [], []
        for id_, article in changed:
            captions += [
                {"article_id": id_, "position": i, "text": c.text, "credit": c.credit, "image_url": c.image_url}
                for i, c in enumerate(article.captions)
            ]
            sources += [
                {"article_id": id_, "position": i, "name": s.name, "canonical": s.canonical}
                for i, s in enumerate(article.sources)
            ]
            authors += [{"article_id": id_, "position": i, "name": n} for i, n in enumerate(article.authors)]
            tags += [{"article_id": id_, "position": i, "name": n} for i, n in enumerate(article.tags)]
        for model, rows in ((Caption, captions), (SourceAttribution, sources), (Author, authors), (Tag, tags)):
            if rows:
                _insert_rows(conn, model.__table__, rows)  # type: ignore[arg-type]

    def _cluster(
        self,
        conn: Connection,
        changed: list[tuple[int, Article]],
        clusters: dict[int, int | None],
        bodies: dict[str, str],
    ) -> None:
        """Give new articles a story cluster: an exact body match's, a near duplicate's, or their own id.

        Articles already in a cluster keep it (ids that users saved must stay meaningful);
        their signatures and buckets are refreshed so later copies still find them.
        """
        ids = [id_ for id_, _ in changed]
        signatures = {id_: dedup.signature(bodies[article.canonical_url]) for id_, article in changed}
        hashes = {id_: _sha256(bodies[article.canonical_url]) for id_, article in changed}
        bucket_keys = {id_: dedup.buckets(sig) for id_, sig in signatures.items() if sig is not None}

        fresh = [id_ for id_ in ids if clusters[id_] is None]
        exact: dict[str, int] = {}
        near: dict[int, list[int]] = {}  # bucket -> article ids already holding it
        candidates: dict[int, tuple[Any, int]] = {}  # article id -> (signature, cluster)
        if fresh:
            exact = dict(
                conn.execute(
                    select(ArticleRow.content_hash, ArticleRow.story_cluster)
                    .where(
                        ArticleRow.content_hash.in_({hashes[i] for i in fresh}),
                        ArticleRow.story_cluster.is_not(None),
                    )
                    .order_by(ArticleRow.story_cluster.desc())  # the oldest cluster wins the dict
                ).all()
            )
            wanted = {key for i in fresh for key in bucket_keys.get(i, ())}
            if wanted:
                for bucket, article_id in conn.execute(
                    select(MinhashBucket.bucket, MinhashBucket.article_id).where(MinhashBucket.bucket.in_(wanted))
                ):
                    near.setdefault(bucket, []).append(article_id)
                found = {a for holders in near.values() for a in holders}
                if found:
                    for id_, blob, cluster in conn.execute(
                        select(ArticleRow.id, ArticleRow.minhash, ArticleRow.story_cluster).where(
                            ArticleRow.id.in_(found), ArticleRow.story_cluster.is_not(None)
                        )
                    ):
                        if blob is not None:
                            candidates[id_] = (dedup.from_bytes(blob), cluster)

        assigned: dict[int, int] = {}
        for id_ in sorted(fresh):
            cluster = exact.get(hashes[id_])
            sig = signatures[id_]
            if cluster is None and sig is not None:
                holders = {a for key in bucket_keys[id_] for a in near.get(key, ())} - {id_}
                scored = [
                    (dedup.similarity(sig, candidates[a][0]), -candidates[a][1], candidates[a][1])
                    for a in holders
                    if a in candidates
                ]
                best = max(scored, default=None)
                if best is not None and best[0] >= dedup.THRESHOLD:
                    cluster = best[2]
            cluster = cluster if cluster is not None else id_
            assigned[id_] = cluster
            # Later articles of this batch can match this one.
            exact.setdefault(hashes[id_], cluster)
            if sig is not None:
                candidates[id_] = (sig, cluster)
                for key in bucket_keys[id_]:
                    near.setdefault(key, []).append(id_)

        updates = [
            {
                "b_id": id_,
                "b_cluster": assigned.get(id_, clusters[id_]),
                "b_minhash": dedup.to_bytes(sig) if (sig := signatures[id_]) is not None else None,
            }
            for id_ in ids
        ]
        table: Table = ArticleRow.__table__  # type: ignore[assignment]
        if conn.dialect.name == "postgresql":  # one UPDATE ... FROM unnest(...) instead of one per row
            source = _unnest(
                table,
                ["id", "story_cluster", "minhash"],
                [{"id": u["b_id"], "story_cluster": u["b_cluster"], "minhash": u["b_minhash"]} for u in updates],
            ).subquery()
            conn.execute(
                update(table)
                .where(table.c.id == source.c.id)
                .values(story_cluster=source.c.story_cluster, minhash=source.c.minhash)
            )
        else:
            conn.execute(
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(story_cluster=bindparam("b_cluster"), minhash=bindparam("b_minhash")),
                updates,
            )
        bucket_rows = [{"bucket": key, "article_id": id_} for id_ in sorted(bucket_keys) for key in bucket_keys[id_]]
        _insert_rows(conn, table=MinhashBucket.__table__, rows=bucket_rows, skip_existing=True)  # type: ignore[arg-type]

    # -- failures -------------------------------------------------------------------------------

    def _store_failures(self, conn: Connection, failures: Sequence[Failure]) -> None:
        page_ids = self._store_pages(conn, [(f.page, f.site) for f in failures])
        latest: dict[tuple[str, str], Failure] = {(f.page.url, f.stage): f for f in failures}
        rows = []
        for key in sorted(latest):
            failure = latest[key]
            fetched = utc(failure.page.fetched_at, failure.page.url)
            rows.append(
                {
                    "url": failure.page.url,
                    "site": failure.site,
                    "stage": failure.stage,
                    "error": failure.error,
                    "fetched_at": fetched,
                    "first_failed_at": fetched,
                    "attempts": 1,
                    "raw_page_id": page_ids.get(failure.page.url),
                    "crawl_run_id": self.crawl_run_id,
                }
            )
        stmt = _insert(conn, ExtractionFailure)
        table = ExtractionFailure.__table__
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["url", "stage"],
                set_={
                    "error": stmt.excluded.error,
                    "site": stmt.excluded.site,
                    "fetched_at": stmt.excluded.fetched_at,
                    "raw_page_id": stmt.excluded.raw_page_id,
                    "crawl_run_id": stmt.excluded.crawl_run_id,
                    "attempts": table.c.attempts + 1,
                },
            ),
            rows,
        )


# -- crawl runs -------------------------------------------------------------------------------


def start_crawl_run(engine: Engine, spider: str) -> int:
    with writer_engine(engine).begin() as conn:
        return int(
            conn.execute(
                _insert(conn, CrawlRun).returning(CrawlRun.id),
                {
                    "spider": spider,
                    "started_at": datetime.now(UTC),
                    "articles_stored": 0,
                    "articles_new": 0,
                    "revisions_added": 0,
                    "failures": 0,
                    "errors": 0,
                },
            ).scalar_one()
        )


def finish_crawl_run(engine: Engine, run_id: int, reason: str | None, counts: dict[str, int]) -> None:
    with writer_engine(engine).begin() as conn:
        conn.execute(
            update(CrawlRun)
            .where(CrawlRun.id == run_id)
            .values(finished_at=datetime.now(UTC), finish_reason=reason, **counts)
        )
