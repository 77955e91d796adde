"""Last pipeline stage: buffer crawl items and store them in batches (see scraper/storage/writer.py).

Dropped items (not an article, unusable extraction) arrive through ``signals.item_dropped``
and are stored as a raw page plus an ``extraction_failure`` row, never as half-empty articles.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from scraper.article import CrawlItem
from scraper.storage.engine import make_engine
from scraper.storage.migrate import upgrade
from scraper.storage.writer import ArticleWriter, BatchResult, Failure, finish_crawl_run, start_crawl_run

log = logging.getLogger(__name__)

BATCH_SIZE = 50


class StorePipeline:
    def __init__(self, database_url: str, batch_size: int = BATCH_SIZE, crawler: Crawler | None = None) -> None:
        self.database_url = database_url
        self.batch_size = batch_size
        self.crawler = crawler
        self.buffer: list[CrawlItem] = []
        self.failures: list[Failure] = []
        self.totals = BatchResult()
        self.failure_count = 0
        self.writer: ArticleWriter | None = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(
            crawler.settings.get("AKHBAR_DATABASE_URL", "sqlite:///data/akhbar.db"),
            crawler.settings.getint("AKHBAR_STORE_BATCH", BATCH_SIZE),
            crawler,
        )
        crawler.signals.connect(pipeline.item_dropped, signal=signals.item_dropped)
        # Pipelines close before spider_closed is sent, and only the signal carries the reason.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    @property
    def spider_name(self) -> str:
        spider = self.crawler.spider if self.crawler is not None else None
        return spider.name if spider is not None else "unknown"

    def open_spider(self) -> None:
        self.engine = make_engine(self.database_url)
        upgrade(self.engine)
        self.run_id = start_crawl_run(self.engine, self.spider_name)
        self.writer = ArticleWriter(self.engine, crawl_run_id=self.run_id)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CrawlItem) and item.article is not None:
            self.buffer.append(item)
            if len(self.buffer) >= self.batch_size:
                self.flush()
        return item

    def item_dropped(self, item: Any, response: Response | None, exception: BaseException, spider: Spider) -> None:
        if not isinstance(item, CrawlItem):
            return
        error = str(exception) or item.problem or type(exception).__name__
        site = item.article.site if item.article is not None else self.spider_name
        self.failures.append(Failure(item.page, item.stage, error, site))
        if len(self.failures) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if self.writer is None:
            return
        items, self.buffer = self.buffer, []
        failures, self.failures = self.failures, []
        if items:
            result = self.writer.store(items)
            self.totals.add(BatchResult(result.stored, result.new, result.revisions, result.skipped))
        if failures:
            self.writer.store_failures(failures)
            self.failure_count += len(failures)

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None or self.run_id is None:
            return
        self.flush()  # failures dropped after close_spider
        finish_crawl_run(
            self.engine,
            self.run_id,
            reason,
            {
                "articles_stored": self.totals.stored,
                "articles_new": self.totals.new,
                "revisions_added": self.totals.revisions,
                "failures": self.failure_count + len(self.totals.skipped),
                "errors": len(self.totals.skipped),
            },
        )
        log.info(
            "stored %d articles (%d new, %d revisions), %d failures, %d skipped rows",
            self.totals.stored,
            self.totals.new,
            self.totals.revisions,
            self.failure_count,
            len(self.totals.skipped),
        )
        self.writer.close()  # stops its worker process
        self.engine.dispose()
        self.writer = None
