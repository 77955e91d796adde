"""Storage benchmark: ingest synthetic Arabic articles (with revisions and duplicates mixed in)
through the same writer the crawler uses, into SQLite and PostgreSQL.

    python bench/storage.py                      # 100,000 articles, SQLite, and PostgreSQL if reachable
    python bench/storage.py --articles 20000 --engines sqlite
    python bench/storage.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

Each engine runs in its own process so peak memory (max RSS) is that engine's alone; RSS is
also sampled along the way to show it stays flat in the article count. PostgreSQL runs in a
fresh schema that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from scraper.article import Block, CrawlItem  # noqa: E402
from scraper.storage.engine import make_engine  # noqa: E402
from scraper.storage.migrate import upgrade  # noqa: E402
from scraper.storage.synthetic import make_article, make_page  # noqa: E402
from scraper.storage.writer import ArticleWriter  # noqa: E402

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def stream(count: int, seed: int = 7) -> Iterator[CrawlItem]:
    """85% new articles, 5% edited re-crawls, 5% exact copies on another site, 5% near copies."""
    rng = random.Random(seed)
    new = 0
    for _ in range(count):
        roll = rng.random()
        if new < 10 or roll < 0.85:
            article = make_article(new)
            new += 1
        else:
            earlier = make_article(rng.randrange(new))
            if roll < 0.90:  # the headline was edited after publication
                article = replace(
                    earlier, title=earlier.title + " (محدث)", fetched_at=earlier.fetched_at.replace(year=2027)
                )
            else:
                copy_of = earlier
                article = make_article(1_000_000 + new + rng.randrange(10**6), site="skynews")
                if roll < 0.95:
                    article.blocks = list(copy_of.blocks)  # agency copy printed as is
                else:  # ... or with its last paragraph cut and a line added
                    article.blocks = [*copy_of.blocks[:-1], Block("paragraph", "وكانت جولات سابقة قد انتهت دون اتفاق.")]
        yield CrawlItem(make_page(article), article)


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker_rss_mb(writer: ArticleWriter) -> float:
    """RSS of the writer's worker process (it prepares signatures for large batches), 0 if none."""
    pool = writer._worker
    total = 0.0
    for pid in (pool._processes or {}) if pool is not None else {}:  # type: ignore[attr-defined]
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except OSError:
            pass
    return total


def run_one(url: str, count: int, batch: int) -> dict[str, object]:
    engine = make_engine(url)
    upgrade(engine)
    writer = ArticleWriter(engine)
    samples: dict[int, float] = {}
    worker_samples: dict[int, float] = {}
    store_seconds = 0.0
    started = time.perf_counter()
    pending: list[CrawlItem] = []
    done = 0
    for item in stream(count):
        pending.append(item)
        if len(pending) == batch:
            t0 = time.perf_counter()
            writer.store(pending)
            store_seconds += time.perf_counter() - t0
            done += len(pending)
            pending = []
            if done % max(count // 4, 1) == 0:
                samples[done] = round(rss_mb(), 1)
                worker_samples[done] = round(worker_rss_mb(writer), 1)
    if pending:
        t0 = time.perf_counter()
        writer.store(pending)
        store_seconds += time.perf_counter() - t0
    wall = time.perf_counter() - started
    writer.close()
    with engine.connect() as connection:
        counts = {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("article", "article_revision", "raw_page")
        }
        counts["story_clusters"] = connection.execute(
            text("SELECT count(DISTINCT story_cluster) FROM article")
        ).scalar()
    engine.dispose()
    return {
        "articles": count,
        "store_seconds": round(store_seconds, 1),
        "wall_seconds": round(wall, 1),
        "articles_per_second": round(count / store_seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_mb_by_articles": samples,
        "worker_rss_mb_by_articles": worker_samples,
        "rows": counts,
    }


def child(engine: str, url: str, count: int, batch: int) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", url, "--articles", str(count), "--batch", str(batch)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500, help="articles per transaction (the pipeline uses 50)")
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=os.environ.get("AKHBAR_TEST_POSTGRES_URL", DEFAULT_POSTGRES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.articles, args.batch)))
        return

    print(f"{args.articles} synthetic articles, {args.batch} per transaction")
    for engine in args.engines.split(","):
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                result = child(engine, f"sqlite:///{folder}/bench.db", args.articles, args.batch)
                result["database_mb"] = round(sum(f.stat().st_size for f in Path(folder).iterdir()) / 2**20)
        else:
            schema = f"akhbar_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
            try:
                result = child(engine, url.render_as_string(hide_password=False), args.articles, args.batch)
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        print(
            f"{engine:<11} {result['articles_per_second']:>6} articles/s  "
            f"({result['store_seconds']} s storing, {result['wall_seconds']} s with generation)  "
            f"peak RSS {result['peak_rss_mb']} MB  RSS by articles {result['rss_mb_by_articles']}  "
            f"worker process RSS {result['worker_rss_mb_by_articles']}  "
            f"rows {result['rows']}" + (f"  file {result['database_mb']} MB" if "database_mb" in result else "")
        )


if __name__ == "__main__":
    main()
