"""Search benchmark: synthetic Arabic articles stored through the real writer (which keeps the
full-text index), then mixed queries timed through ``scraper.query.search``.

    python bench/search.py --articles 10000                     # SQLite, and PostgreSQL if reachable
    python bench/search.py --articles 100000 --engines sqlite
    python bench/search.py --queries 1000 --api 300
    python bench/search.py --articles 100000 --database sqlite:///big.db   # query an archive filled before
    python bench/search.py --fill bulk --articles 1000000 --engines sqlite --keep /tmp/big.db

``--fill bulk`` (for the large archives; the writer stores ~300-800 articles/s here, hours for a
million): bench/search_fill.py writes the rows search reads straight into their tables, as the
writer would, and builds the index once with ``index.reindex``. The writer's own rate is still
measured, on a scratch archive of ``--writer-articles`` articles, and printed.

Articles: bench/search_corpus.py (Arabic words with a Zipf distribution, real words first), so
a word's share of articles runs from all to a handful, as in a real archive.

Query mix (seeded, in turn): one word (a topic word: rank log-uniform in 30-20,000, in ~50% to
~0.1% of articles), a common word (rank under 30: in most articles, the worst case), a two-word
phrase from some article, a word with filters (source alias, site, six-hour date range), a date
range alone. Prints p50/p95/p99 per kind and engine, the index build (articles stored per second
with the index kept, and ``akhbar search --reindex`` time), index size, and API requests per
second (FastAPI TestClient in-process, one worker: routing, validation, JSON).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from scraper.query import index  # noqa: E402
from scraper.query.filters import Bound, Filters  # noqa: E402
from scraper.query.search import search  # noqa: E402
from scraper.storage.engine import make_engine  # noqa: E402
from scraper.storage.migrate import upgrade  # noqa: E402
from scraper.storage.synthetic import BASE_TIME, SITES  # noqa: E402
from scraper.storage.writer import ArticleWriter  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import search_corpus as corpus  # noqa: E402
import search_fill  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
Query = tuple[str, str | None, Filters]
KINDS = ("word", "common word", "phrase", "word+filters", "dates")


def build(engine: Engine, count: int, batch: int = 500) -> float:
    """Store ``count`` synthetic articles; returns articles per second (index kept by the writer)."""
    started = time.perf_counter()
    with ArticleWriter(engine) as writer:
        for start in range(0, count, batch):
            writer.store([corpus.item(n) for n in range(start, min(count, start + batch))])
    return count / (time.perf_counter() - started)


def queries(count: int, articles: int, seed: int = 11) -> list[Query]:
    rng = random.Random(seed)
    span = timedelta(minutes=articles)
    out: list[Query] = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        start = BASE_TIME + span * rng.random()
        dates = Filters(date_from=Bound(instant=start), date_to=Bound(instant=start + timedelta(hours=6)))
        if kind == "word":
            out.append((kind, corpus.rank_of(rng, 30, 20_000), Filters()))
        elif kind == "common word":
            out.append((kind, corpus.rank_of(rng, 1, 30), Filters()))
        elif kind == "phrase":
            out.append((kind, corpus.phrase(rng, articles), Filters()))
        elif kind == "word+filters":
            filters = Filters(source=rng.choice(("رويترز", "AFP", "الأناضول")), sites=[rng.choice(SITES)])
            filters.date_from, filters.date_to = dates.date_from, dates.date_to
            out.append((kind, corpus.rank_of(rng, 30, 20_000), filters))
        else:
            out.append((kind, None, dates))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def index_size(engine: Engine) -> int:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return int(conn.execute(text(f"SELECT pg_total_relation_size('{index.PG_TABLE}')")).scalar_one())
        sql = f"SELECT coalesce(sum(length(block)), 0) FROM {index.FTS_TABLE}_data"
        return int(conn.execute(text(sql)).scalar_one())


def timed(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def writer_rate(url: str, count: int) -> float:
    """Articles per second through the real writer, on a scratch archive of ``count`` articles."""
    engine = make_engine(url)
    upgrade(engine)
    rate = build(engine, count)
    engine.dispose()
    return rate


def run(name: str, url: str, args: argparse.Namespace, *, fill: bool = True, scratch: str | None = None) -> None:
    engine = make_engine(url)
    upgrade(engine)
    if fill and args.fill == "bulk":
        if scratch and args.writer_articles:
            rate = writer_rate(scratch, args.writer_articles)
            print(f"\n{name}: {args.writer_articles:,} articles stored through the writer at {rate:,.0f}/s "
                  "with the index kept (scratch archive)")  # fmt: skip
        started = time.perf_counter()
        rate, reindex_s = search_fill.fill_and_index(engine, args.articles, progress=True)
        total_s = time.perf_counter() - started
        print(f"{name}: {args.articles:,} articles bulk-filled at {rate:,.0f}/s, then reindex {reindex_s:.1f} s "
              f"(fill and index {total_s:.0f} s); index {index_size(engine) / 1e6:.1f} MB")  # fmt: skip
    elif fill:
        rate = build(engine, args.articles)
        reindex_s = timed(lambda: index.reindex(engine)) / 1000
        print(f"\n{name}: {args.articles:,} articles stored at {rate:,.0f}/s with the index kept; "
              f"reindex {reindex_s:.1f} s; index {index_size(engine) / 1e6:.1f} MB")  # fmt: skip
    else:
        size = index_size(engine) / 1e6
        print(f"\n{name}: existing archive of {args.articles:,} synthetic articles; index {size:.1f} MB")
    if args.no_queries:
        engine.dispose()
        return
    by_kind: dict[str, list[float]] = {}
    matched: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for kind, q, filters in queries(args.queries, args.articles):
            started = time.perf_counter()
            page = search(conn, q, filters, limit=20)
            by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            matched.setdefault(kind, []).append(page.total)
    print(f"{'kind':14} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'median matches':>15}")
    for kind, times in by_kind.items():
        print(f"{kind:14} {len(times):5} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} "
              f"{percentile(times, 99):8.1f} {statistics.median(matched[kind]):15,.0f}")  # fmt: skip
    if args.api:
        from fastapi.testclient import TestClient

        from scraper.web.app import create_app

        client = TestClient(create_app(url))
        mix = queries(args.api, args.articles, seed=5)
        started = time.perf_counter()
        for _kind, q, filters in mix:
            params: dict[str, Any] = {"q": q} if q else {}
            if filters.source:
                params["source"] = filters.source
            if filters.sites:
                params["site"] = filters.sites
            for name, bound in (("from", filters.date_from), ("to", filters.date_to)):
                if bound is not None and bound.instant is not None:
                    params[name] = bound.instant.isoformat()
            response = client.get("/api/search", params=params)
            assert response.status_code == 200, response.text
        print(f"API: {len(mix) / (time.perf_counter() - started):,.0f} requests/s (TestClient, one worker)")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--api", type=int, default=200, help="API requests to time (0: none)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--fill", choices=("writer", "bulk"), default="writer",
                        help="writer: store every article through ArticleWriter; bulk: bench/search_fill.py "
                        "(direct INSERTs, the index built once by reindex), for the large archives")  # fmt: skip
    parser.add_argument("--writer-articles", type=int, default=5000,
                        help="with --fill bulk: also store this many through the writer, in a scratch "
                        "archive, for its articles/s (0: skip)")  # fmt: skip
    parser.add_argument("--no-queries", action="store_true", help="build (--keep) and stop")
    parser.add_argument("--postgres", default=os.environ.get("AKHBAR_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--database", help="query this archive of synthetic articles (filled by build(); "
                        "--articles gives its size) instead of building one")  # fmt: skip
    parser.add_argument("--keep", metavar="PATH", help="build the SQLite archive in this file and keep it "
                        "(query it again later with --database sqlite:///PATH)")  # fmt: skip
    parser.add_argument("--keep-schema", metavar="NAME", help="build the PostgreSQL archive in this schema "
                        "and keep it (query it again with --database URL?options=-csearch_path%%3DNAME)")  # fmt: skip
    args = parser.parse_args()
    if args.database:
        run("given database", args.database, args, fill=False)
        return
    engines = args.engines.split(",")
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(args.keep).resolve() if args.keep else Path(folder) / "bench.db"
            run("SQLite", f"sqlite:///{path}", args, scratch=f"sqlite:///{folder}/writer.db")
    if "postgresql" in engines:
        try:
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as error:
            print(f"\nPostgreSQL skipped: {str(error).splitlines()[0]}")
            return
        with _schema(admin, args.postgres, args.keep_schema) as url, _schema(admin, args.postgres) as scratch:
            run("PostgreSQL", url, args, scratch=scratch)


@contextlib.contextmanager
def _schema(admin: Engine, server: str, keep: str | None = None) -> Iterator[str]:
    """The URL of a new schema on the server (dropped after, unless ``keep`` names it)."""
    schema = keep or f"akhbar_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    try:
        yield (
            make_url(server)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
