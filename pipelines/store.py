"""Last pipeline stage: buffer crawl items and store them in batches (see scraper/storage/writer.py).

Dropped items (not an article, unusable extraction, failed downloads) arrive through
``signals.item_dropped`` and are stored as a raw page plus an ``extraction_failure`` row, never
as half-empty articles.

A batch is written when it is full or when ``AKHBAR_STORE_INTERVAL`` seconds have passed since
the last write, so a slow crawl commits as it goes. A write that fails is retried by the writer
(with new connections after a pause); if it still fails, the batch is not lost: it goes to a
spool file (scraper/storage/spool.py) that the next crawl or ``akhbar ingest`` stores, and the
crawl stops with the reason ``store_failed`` (the one-line cause is in the stats as
``akhbar/store_failed`` and in the ``crawl_run`` row's ``detail``). The run row's counts are
added in each batch's own transaction: they are what was committed.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from pipelines import signals as store_signals
from pipelines.normalize import strip_controls
from scraper.article import CrawlItem
from scraper.masking import install_log_masking
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.spool import Spool, default_folder, replay_pending
from scraper.storage.writer import (
    RECONNECT_DELAYS,
    ArticleWriter,
    Failure,
    finish_crawl_run,
    one_line,
    read_crawl_run,
    start_crawl_run,
)

log = logging.getLogger(__name__)

# Items a transaction stores. 200, not 50: each batch pays fixed costs (about 40 statements, the
# commit, a round trip to the storage worker, reading the near-duplicate holders of its buckets),
# and at 5000 pages 200 took 12-20% less of the crawl process's CPU (bench/README.md, Crawl
# 2026-12-04). A slow crawl still commits every AKHBAR_STORE_INTERVAL seconds.
BATCH_SIZE = 200
STORE_INTERVAL_S = 5.0
STORE_FAILED = "store_failed"  # the spider's close reason when the database would not take a batch
RUN_ID_STAT = "akhbar/crawl_run_id"
STORE_FAILED_STAT = "akhbar/store_failed"


class StorePipeline:
    def __init__(
        self,
        database_url: str,
        batch_size: int = BATCH_SIZE,
        crawler: Crawler | None = None,
        *,
        interval: float = STORE_INTERVAL_S,
        spool_dir: Path | None = None,
        reconnect_delays: tuple[float, ...] = RECONNECT_DELAYS,
    ) -> None:
        self.database_url = database_url
        self.batch_size = batch_size
        self.crawler = crawler
        self.interval = interval
        self.spool_dir = spool_dir or default_folder(database_url)
        self.reconnect_delays = reconnect_delays
        self.buffer: list[CrawlItem] = []
        self.failures: list[Failure] = []
        self.writer: ArticleWriter | None = None
        self.run_id: int | None = None
        self.spool: Spool | None = None
        self.store_failed: str | None = None  # the one-line reason once the database gave up
        self._last_write = time.monotonic()
        self._timer: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        install_log_masking()  # `scrapy crawl` too: no database password in any log line
        settings = crawler.settings
        url = settings.get("AKHBAR_DATABASE_URL", "sqlite:///data/akhbar.db")
        retries = settings.getint("AKHBAR_STORE_RETRIES", len(RECONNECT_DELAYS))
        backoff = settings.getfloat("AKHBAR_STORE_BACKOFF", RECONNECT_DELAYS[0])
        spool = settings.get("AKHBAR_SPOOL_DIR") or None
        pipeline = cls(
            url,
            settings.getint("AKHBAR_STORE_BATCH", BATCH_SIZE),
            crawler,
            interval=settings.getfloat("AKHBAR_STORE_INTERVAL", STORE_INTERVAL_S),
            spool_dir=Path(spool) if spool else None,
            reconnect_delays=tuple(backoff * 2**n for n in range(retries)),
        )
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        # Pipelines close before spider_closed is sent, and only the signal carries the reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.flush, signal=store_signals.flush_requested)
        return pipeline

    @property
    def spider_name(self) -> str:
        spider = self.crawler.spider if self.crawler is not None else None
        return spider.name if spider is not None else "unknown"

    def open_spider(self) -> None:
        self.engine = make_engine(self.database_url)
        upgrade(self.engine)
        self.run_id = start_crawl_run(self.engine, self.spider_name)
        self.writer = ArticleWriter(self.engine, crawl_run_id=self.run_id, reconnect_delays=self.reconnect_delays)
        self.spool = Spool(self.spool_dir, self.database_url, self.spider_name, self.run_id)
        replay_pending(self.writer, self.spool_dir, self.database_url)  # what an earlier run could not store
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value(RUN_ID_STAT, self.run_id)
        self._start_timer()

    def _start_timer(self) -> None:
        # Only inside a running crawl: importing the reactor here would install the wrong one.
        if self.interval <= 0 or "twisted.internet.reactor" not in sys.modules:
            return
        from twisted.internet import task

        self._timer = task.LoopingCall(self._tick)
        self._timer.start(self.interval, now=False)

    def _tick(self) -> None:
        if (self.buffer or self.failures) and time.monotonic() - self._last_write >= self.interval:
            self.flush()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawlItem) and item.article is not None:
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size or time.monotonic() - self._last_write >= self.interval:
                self.flush()
        return item

    def item_dropped(self, item: Any, response: Response | None, exception: BaseException, spider: Spider) -> None:
        if not isinstance(item, CrawlItem):
            return
        error = strip_controls(str(exception) or item.problem or type(exception).__name__)
        site = item.article.site if item.article is not None else self.spider_name
        self.failures.append(Failure(item.page, item.stage, error, site))
        if len(self.failures) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Write the buffered items and failures, or spool them when the database will not take them."""
        if self.writer is None:
            return
        self._last_write = time.monotonic()
        if self.store_failed is not None:
            self._spool(self.buffer, self.failures)
            self._committed()
            return
        try:
            if self.buffer:
                self.writer.store(self.buffer)
                self.buffer = []
            if self.failures:
                self.writer.store_failures(self.failures)
                self.failures = []
        except Exception as error:  # whatever the cause, the items must be kept and the crawl stopped
            self._give_up(one_line(error))
        self._committed()

    def _committed(self) -> None:
        # Stored or spooled: either way nothing buffered is lost if this process dies now.
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(signal=store_signals.batch_committed)

    def _give_up(self, reason: str) -> None:
        self.store_failed = reason
        log.error("storing failed after retries (%s): items go to the spool in %s; stopping", reason, self.spool_dir)
        self._spool(self.buffer, self.failures)
        crawler = self.crawler
        if crawler is not None:
            if crawler.stats is not None:
                crawler.stats.set_value(STORE_FAILED_STAT, reason)
            engine = getattr(crawler, "_engine", None)  # set once the crawl runs (not in unit tests)
            if engine is not None and engine.spider is not None and getattr(engine, "running", False):
                from scrapy.utils.defer import deferred_from_coro

                deferred_from_coro(engine.close_spider_async(reason=STORE_FAILED))

    def _spool(self, items: list[CrawlItem], failures: list[Failure]) -> None:
        self.buffer, self.failures = [], []
        if self.spool is None or not (items or failures):
            return
        try:
            self.spool.write(items, failures)
        except OSError as error:  # nowhere left to keep them: say exactly what is lost
            log.critical("could not write the spool file (%s): %d items and %d failures lost", error, len(items),
                         len(failures))

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None or self.run_id is None:
            return
        if self._timer is not None and self._timer.running:
            self._timer.stop()
        self.flush()  # failures dropped after close_spider
        assert self.spool is not None
        self.spool.close()
        if self.store_failed is not None:
            reason = STORE_FAILED
        detail = None
        if self.store_failed is not None:
            detail = f"{self.store_failed}; {self.spool.count} items kept in {self.spool.path}"
        try:
            finish_crawl_run(
                self.engine,
                self.run_id,
                reason,
                {"items_spooled": self.spool.count},
                detail,
            )
            run = read_crawl_run(self.engine, self.run_id) or {}
            log.info(
                "stored %d articles (%d new, %d revisions), %d failures (%d downloads), %d skipped rows",
                run.get("articles_stored", 0),
                run.get("articles_new", 0),
                run.get("revisions_added", 0),
                run.get("failures", 0),
                run.get("download_failures", 0),
                run.get("errors", 0),
            )
        except Exception as error:  # the database is still down: the spool and the stats say it all
            log.error("could not record the end of crawl run %d: %s", self.run_id, one_line(error))
        if self.spool.count:
            log.error("%d items were not stored; they are kept in %s", self.spool.count, self.spool.path)
        self.writer.close()  # stops its worker process
        self.engine.dispose()
        self.writer = None
