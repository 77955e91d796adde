"""A database that fails mid-crawl loses no article and never reports success.

A failed write is retried on new connections; when it keeps failing, the items go to a spool file
that the next run stores, and the crawl stops with ``store_failed``. The crawl_run row counts
what was committed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from pipelines.store import STORE_FAILED_STAT, StorePipeline
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.spool import read_spool, replay_pending
from scraper.storage.synthetic import make_item
from scraper.storage.writer import ArticleWriter, start_crawl_run
from tests.support.article_site import serve
from tests.support.databases import empty_database
from tests.test_storage_faults import assert_every_article_is_whole

ROOT = Path(__file__).resolve().parents[1]


class DemoSpider(Spider):
    name = "alaraby"


def _pipeline(database_url: str, spool: Path) -> tuple[StorePipeline, object]:
    crawler = get_crawler(
        DemoSpider,
        {"AKHBAR_DATABASE_URL": database_url, "AKHBAR_STORE_BATCH": 10, "AKHBAR_SPOOL_DIR": str(spool),
         "AKHBAR_STORE_RETRIES": 2, "AKHBAR_STORE_BACKOFF": 0.01},
    )
    crawler.spider = DemoSpider()
    pipeline = StorePipeline.from_crawler(crawler)
    return pipeline, crawler


def _count(url: str, sql: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        value = connection.execute(text(sql)).scalar_one()
    engine.dispose()
    return int(value)


def test_a_write_that_keeps_failing_spools_the_batch_and_the_next_run_stores_it(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reliability
) -> None:
    spool = tmp_path / "spool"
    pipeline, crawler = _pipeline(database_url, spool)
    pipeline.open_spider()
    for n in range(10):  # one full batch, committed
        pipeline.process_item(make_item(n, site="alaraby"))
    attempts = []

    def broken(self: ArticleWriter, work: object) -> object:
        attempts.append(1)
        raise OperationalError("INSERT ...", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(ArticleWriter, "_transaction", broken)
    for n in range(10, 25):  # the next batch fails; the 5 after it arrive once the store gave up
        pipeline.process_item(make_item(n, site="alaraby"))
    assert pipeline.store_failed == "Exception: server closed the connection unexpectedly"
    assert crawler.stats.get_value(STORE_FAILED_STAT) == pipeline.store_failed  # type: ignore[attr-defined]
    pipeline.close_spider()
    monkeypatch.undo()
    pipeline.spider_closed(crawler.spider, "finished")  # type: ignore[attr-defined]

    engine = make_engine(database_url)
    with engine.connect() as connection:
        run = connection.execute(text("SELECT * FROM crawl_run")).mappings().one()
    engine.dispose()
    assert run["finish_reason"] == "store_failed"
    assert run["articles_stored"] == 10 and run["items_spooled"] == 15
    assert "server closed the connection unexpectedly" in run["detail"]
    [spooled] = spool.glob("*.jsonl")
    contents = read_spool(spooled)
    assert sorted(int(i.article.canonical_url.rsplit("/", 1)[1]) for i in contents.items) == list(range(10, 25))
    assert contents.items[0].page.body == make_item(10, site="alaraby").page.body
    assert contents.items[0].article == make_item(10, site="alaraby").article

    again, _ = _pipeline(database_url, spool)
    again.open_spider()  # stores the spool first
    again.close_spider()
    again.spider_closed(crawler.spider, "finished")  # type: ignore[attr-defined]
    assert assert_every_article_is_whole(database_url) == 25
    assert list(spool.glob("*.jsonl")) == []
    reliability(scenario=f"every write fails after the first batch ({database_url.split(':')[0]})",
                inputs=f"25 articles, batches of 10, {len(attempts)} failed write attempts",
                result="10 committed, 15 spooled, run store_failed with the reason; the next run stored the spool: 25",
                lost=0)


def test_a_spool_for_another_database_is_left_alone(tmp_path: Path) -> None:
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    from scraper.storage.spool import Spool

    spool = Spool(tmp_path / "spool", first, "alaraby", None)
    spool.write([make_item(1, site="alaraby")])
    spool.close()
    engine = make_engine(second)
    upgrade(engine)
    with ArticleWriter(engine, worker=False) as writer:
        assert replay_pending(writer, tmp_path / "spool", second) == 0
    engine.dispose()
    assert spool.path is not None and spool.path.exists()


# -- end to end: a crawl of a local site --------------------------------------------------------


def _crawl(options: dict[str, object], timeout: float = 600) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.support.reliability_crawl", json.dumps(options)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    return result.returncode, result.stdout + result.stderr


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1.5 MB file system (tmpfs, as root): the database fills it within a few hundred articles.
    Without the right to mount, SQLite's max_page_count gives the same SQLITE_FULL."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0  # fmt: skip
    try:
        yield folder
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_keeps_committed_articles_spools_the_rest_and_exits_1(
    tiny_disk: Path, tmp_path: Path, reliability
) -> None:
    database = tiny_disk / "akhbar.db"
    url = f"sqlite:///{database}"
    spool = tmp_path / "spool"
    with serve() as site:
        paths = site.add_articles(400)
        # Batches small enough that some fit before the disk is full, whatever the default batch.
        settings = {"AKHBAR_SPOOL_DIR": str(spool), "AKHBAR_STORE_RETRIES": 2, "AKHBAR_STORE_BACKOFF": 0.1,
                    "AKHBAR_STORE_BATCH": 50}
        if not os.path.ismount(tiny_disk):
            settings["AKHBAR_TEST_SQLITE_MAX_PAGES"] = 350
        status, output = _crawl({"origin": site.origin, "database": url, "settings": settings})
    assert status == 1, output[-3000:]
    assert "crawl finished (store_failed)" in output and "storing failed:" in output
    assert "Traceback" not in output, output[-3000:]
    committed = assert_every_article_is_whole_page(url)
    [spooled] = spool.glob("*.jsonl")
    kept = {item.article.canonical_url for item in read_spool(spooled).items}
    assert committed and kept and not committed & kept
    # Nothing lost: every article that reached the store is committed or in the spool (pages the
    # stopped crawl never fetched are fetched by the next run).
    assert len(committed) + len(kept) == _stats(output)["item_scraped_count"]
    assert committed | kept <= {site.origin + path for path in paths}
    engine = create_engine(url)
    with engine.connect() as connection:
        run = connection.execute(text("SELECT * FROM crawl_run")).mappings().one()
    engine.dispose()
    # The run's last row is a write too: on a disk with no page left it may not fit, and then the
    # log says so (the counts, added batch by batch, are still those of what was committed).
    if run["finish_reason"] is None:
        assert "could not record the end of crawl run" in output, output[-3000:]
    else:
        assert run["finish_reason"] == "store_failed" and "full" in run["detail"]
    assert run["articles_stored"] == len(committed)
    reliability(scenario="disk full mid-crawl (SQLite)", inputs="400 article pages, a disk too small for them",
                result=f"exit 1, one-line reason; {len(committed)} committed and whole (integrity_check ok), "
                       f"{len(kept)} spooled, none in both", lost=0)


def _stats(output: str) -> dict[str, object]:
    line = next(line for line in output.splitlines() if line.startswith("STATS "))
    return json.loads(line[len("STATS "):])


def assert_every_article_is_whole_page(url: str) -> set[str]:
    """Canonical URLs of the stored articles, after checking the file and each article's rows."""
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        broken = connection.execute(
            text(
                "SELECT a.id FROM article a WHERE NOT EXISTS (SELECT 1 FROM raw_page p WHERE p.id = a.raw_page_id)"
                " OR NOT EXISTS (SELECT 1 FROM article_revision r WHERE r.article_id = a.id)"
                " OR (SELECT count(*) FROM caption c WHERE c.article_id = a.id) = 0 OR a.story_cluster IS NULL"
            )
        ).all()
        urls = {row[0] for row in connection.execute(text("SELECT canonical_url FROM article"))}
    engine.dispose()
    assert broken == []
    return urls


def test_a_write_whose_connection_dies_is_retried_on_a_new_connection(engine: Engine) -> None:
    """The connection is cut inside the batch's transaction (on PostgreSQL the server ends the
    backend, as in a restart); the batch is committed once, on a new connection, counted once."""
    run_id = start_crawl_run(engine, "alaraby")
    writer = ArticleWriter(engine, crawl_run_id=run_id, worker=False, reconnect_delays=(0.01, 0.01, 0.01))
    cuts: list[int] = []

    @event.listens_for(engine, "begin")
    def cut(connection: Connection) -> None:
        if len(cuts) >= 2:
            return
        cuts.append(1)
        if engine.dialect.name == "postgresql":
            pid = connection.connection.driver_connection.info.backend_pid  # type: ignore[union-attr]
            with psycopg.connect(_libpq(engine), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        else:
            raise OperationalError("BEGIN", {}, sqlite3.OperationalError("disk I/O error"))

    result = writer.store([make_item(n, site="alaraby") for n in range(20)])
    event.remove(engine, "begin", cut)
    writer.close()
    assert len(cuts) == 2 and result.stored == 20 and result.new == 20
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM article")).scalar_one() == 20
        assert connection.execute(text("SELECT articles_stored, articles_new FROM crawl_run")).one() == (20, 20)


def _libpq(engine: Engine) -> str:
    url = engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    """A fresh schema on the test server (dropped once the restarted server is back)."""
    with empty_database("postgresql", tmp_path, skip_reason="PostgreSQL restart test skipped") as url:
        yield url


@pytest.mark.slow
def test_postgresql_restarted_during_a_3000_article_crawl_leaves_3000_articles(postgres_url: str, reliability) -> None:
    database_url = postgres_url
    version = os.listdir("/etc/postgresql")[0]
    restarted: list[int] = []

    def restart_when_half_stored() -> None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if _count(database_url, "SELECT coalesce(max(articles_stored), 0) FROM crawl_run") >= 1000:
                    break
            except Exception:  # schema not there yet
                pass
            time.sleep(0.2)
        before = _count(database_url, "SELECT coalesce(max(articles_stored), 0) FROM crawl_run")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)
        restarted.append(before)

    with serve() as site:
        paths = site.add_articles(3000)
        watcher = threading.Thread(target=restart_when_half_stored, daemon=True)
        watcher.start()
        status, output = _crawl({"origin": site.origin, "database": database_url,
                                 "settings": {"AKHBAR_STORE_BATCH": 100}})  # fmt: skip
        watcher.join(timeout=60)
    assert restarted and restarted[0] < 3000, "the server was not restarted during the crawl"
    assert status == 0, output[-3000:]
    assert _count(database_url, "SELECT count(*) FROM article") == len(paths) == 3000
    assert _count(database_url, "SELECT articles_stored FROM crawl_run") == 3000
    assert _count(database_url, "SELECT count(*) FROM crawl_run WHERE finish_reason = 'finished'") == 1
    reliability(scenario="PostgreSQL restarted mid-crawl",
                inputs=f"3,000 article pages, restart at {restarted[0]} stored",
                result="3,000 articles stored, crawl_run finished with 3,000, exit 0", lost=0, slow=True)
