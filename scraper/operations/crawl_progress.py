"""Scrapy extension: a crawl's live progress (scraper/operations/progress.py) from its stats.

Pages are responses received, stored the articles that passed every pipeline, dropped the pages
that did not make an article, errors the ERROR log lines. ``AKHBAR_PROGRESS``: ``auto`` (live on a
terminal, else a line every ``AKHBAR_PROGRESS_INTERVAL`` seconds), ``live``, ``log`` or ``off``.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from scraper.operations.progress import Progress

log = logging.getLogger("akhbar.progress")

LIVE_REFRESH_S = 0.5


class CrawlProgress:
    def __init__(self, crawler: Crawler, mode: str, interval: float) -> None:
        self.crawler = crawler
        live = {"live": True, "log": False}.get(mode)  # auto: None, the console decides
        self.progress = Progress("crawl", ("pages", "stored", "dropped", "errors"), live=live, interval=interval,
                                 emit=log.info)
        self._loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        mode = crawler.settings.get("AKHBAR_PROGRESS", "auto")
        if mode == "off":
            raise NotConfigured
        if mode not in ("auto", "live", "log"):
            raise ValueError(f"AKHBAR_PROGRESS is {mode!r}: use auto, live, log or off")
        extension = cls(crawler, mode, crawler.settings.getfloat("AKHBAR_PROGRESS_INTERVAL", 30.0))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def _counts(self) -> dict[str, int]:
        stats = self.crawler.stats
        get = stats.get_value if stats is not None else (lambda _key, default=0: default)
        return {
            "pages": int(get("response_received_count", 0)),
            "stored": int(get("item_scraped_count", 0)),
            "dropped": int(get("item_dropped_count", 0)),
            "errors": int(get("log_count/ERROR", 0)),
        }

    def spider_opened(self, spider: Spider) -> None:
        from twisted.internet import task

        self.progress.start()
        self._loop = task.LoopingCall(self._tick)
        self._loop.start(LIVE_REFRESH_S if self.progress.live_mode else min(self.progress.interval, 5.0), now=False)

    def _tick(self) -> None:
        self.progress.update(**self._counts())

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.progress.counts.update(self._counts())
        self.progress.finish()
