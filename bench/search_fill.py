"""The search benchmark's bulk fill: the rows search reads, written straight into their tables.

Storing through :class:`ArticleWriter` ran at ~75-470 articles/s here (raw-page compression,
MinHash signatures and near-duplicate lookups, the index kept batch by batch), hours for the
1,000,000-article archive. This fill writes what search reads, as the writer would write it, in
large transactions, and builds the full-text index once at the end with the project's own
``index.reindex``:

- ``site`` rows through the writer's own ``_site_id``; ``article`` rows as ``_write_articles``
  builds them (fields from ``prepare.articles``, the writer's own preparation, and the same
  ``_bulk_insert``); one ``article_revision`` per article; captions, sources, authors and tags
  through the writer's ``_replace_children``;
- ids as the writer gives them: within each batch of ``WRITER_BATCH`` items, in canonical URL
  order; ``story_cluster`` = the article's own id (what the writer assigns an article with no
  duplicate, and the corpus has none).

Left out, because search never reads them: ``raw_page`` (``raw_page_id`` stays NULL), MinHash
signatures and LSH buckets. ``tests/test_query_search.py`` checks that search pages over a
bulk-filled archive equal those over a writer-filled one, field by field.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sqlalchemy import Engine, Table, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import search_corpus as corpus  # noqa: E402

from models import Article as ArticleRow  # noqa: E402
from models import ArticleRevision  # noqa: E402
from scraper.query import index  # noqa: E402
from scraper.storage import prepare  # noqa: E402
from scraper.storage.engine import writer_engine  # noqa: E402
from scraper.storage.writer import (  # noqa: E402
    _ARTICLE_COLUMNS,
    _REVISION_COLUMNS,
    ArticleWriter,
    _bulk_insert,
    _json_dumps,
    utc,
)

WRITER_BATCH = 500  # bench/search.py's build() stores batches of this many: the same ids
_COLUMNS = ("id", *_ARTICLE_COLUMNS, "story_cluster")


def fill(engine: Engine, count: int, *, transaction: int = 20_000, progress: bool = False) -> float:
    """Write articles 0 .. count-1 of the corpus and build the index; returns articles per second."""
    engine = writer_engine(engine)
    started = time.perf_counter()
    writer = ArticleWriter(engine, worker=False)  # for its site ids and child rows only
    table: Table = ArticleRow.__table__  # type: ignore[assignment]
    revisions: Table = ArticleRevision.__table__  # type: ignore[assignment]
    next_id = 1
    for first in range(0, count, transaction):
        with engine.begin() as conn:
            dumps = _json_dumps(conn)
            for start in range(first, min(count, first + transaction), WRITER_BATCH):
                articles = sorted(
                    (corpus.article(n) for n in range(start, min(count, start + WRITER_BATCH))),
                    key=lambda a: a.canonical_url,
                )
                site_ids = writer._site_id(conn, {a.site for a in articles})
                rows, revision_rows = [], []
                for article, (body, content_hash, revision, record, blocks) in zip(
                    articles, prepare.articles(articles, dumps), strict=True
                ):
                    key = article.canonical_url
                    fetched = utc(article.fetched_at, key)
                    rows.append(
                        (
                            next_id, key, article.url, site_ids[article.site], article.title, article.subtitle, body,
                            blocks, article.language, article.section, article.image_url,
                            utc(article.published_at, key), article.published_raw, article.published_calendar,
                            utc(article.updated_at, key), article.updated_raw, content_hash, revision, None,
                            fetched, fetched, fetched, article.published_local, article.published_precision,
                            article.published_zone_source, article.updated_local, article.updated_precision,
                            article.updated_zone_source, next_id,
                        )
                    )  # fmt: skip
                    revision_rows.append((next_id, revision, article.title, record, fetched, fetched))
                    next_id += 1
                _bulk_insert(conn, table, _COLUMNS, rows)
                _bulk_insert(conn, revisions, _REVISION_COLUMNS, revision_rows)
                writer._replace_children(conn, [(row[0], a) for row, a in zip(rows, articles, strict=True)])
            if conn.dialect.name == "postgresql":  # ids were given, so the sequence must catch up
                conn.execute(text("SELECT setval(pg_get_serial_sequence('article', 'id'), :n)"), {"n": next_id - 1})
        if progress:
            rate = min(count, first + transaction) / (time.perf_counter() - started)
            print(f"  {min(count, first + transaction):,} articles written ({rate:,.0f}/s)", flush=True)
    writer.close()
    return count / (time.perf_counter() - started)


def fill_and_index(engine: Engine, count: int, *, progress: bool = False) -> tuple[float, float]:
    """:func:`fill`, then ``index.reindex``: (articles written per second, reindex seconds)."""
    rate = fill(engine, count, progress=progress)
    started = time.perf_counter()
    index.reindex(engine)
    return rate, time.perf_counter() - started
