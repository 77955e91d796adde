"""The spider side of distributed crawling: seeding, tracking what each request produced, and
deciding when the shared crawl is over.

* Seeding: only the process the frontier names ``seed`` (the first of a fresh run) pushes the
  spider's start requests; the others iterate ``start()`` (so deadlines and checks still run) but
  drop its requests, and take work from the queue.
* Ending: a process whose own work is done stays open while the frontier still holds anything
  (queued, or pending on a live worker); it closes once the frontier has been empty, and the start
  requests pushed, for ``AKHBAR_REDIS_IDLE`` seconds. A worker that stops beating for
  ``AKHBAR_REDIS_WORKER_TIMEOUT`` seconds is dead: its pending requests are queued again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from typing import Any, Self

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider

from pipelines import signals as store_signals
from scraper.distributed.frontier import DONE
from scraper.distributed.tracker import Tracker, token_of, tracker_for

log = logging.getLogger(__name__)


class FrontierMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.tracker: Tracker = tracker_for(crawler)
        self.idle_seconds = crawler.settings.getfloat("AKHBAR_REDIS_IDLE", 5)
        self._empty_since: float | None = None
        self._warned_seeder = False
        self._poll: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(middleware.item_ended, signal=signal)
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(middleware.committed, signal=store_signals.batch_committed)
        return middleware

    # --- seeding ---------------------------------------------------------------------------

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        seeding = self.tracker.role == "seed"
        async for item in start:
            if seeding or not isinstance(item, Request):
                yield item
        if seeding and self.tracker.frontier is not None:
            self.tracker.frontier.seeded()

    # --- what each taken request produced --------------------------------------------------

    async def process_spider_output(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        token = token_of(response)
        if token is None:
            async for item in result:
                yield item
            return
        self.tracker.callback_started(token)
        try:
            async for item in result:
                if not isinstance(item, Request):
                    self.tracker.item_started(token)
                yield item
        finally:
            self.tracker.callback_ended(token)

    def item_ended(self, item: Any, response: Any = None, **_: Any) -> None:
        token = token_of(response)
        if token is not None:
            self.tracker.item_ended(token)

    def committed(self) -> None:
        self.tracker.committed()

    # --- the end of the crawl --------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        from twisted.internet import task

        # Scrapy looks at an idle scheduler every 5 s; another worker may queue work any moment.
        self._poll = task.LoopingCall(self._wake)
        self._poll.start(0.5, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self._poll is not None and self._poll.running:
            self._poll.stop()

    def _wake(self) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        if slot is not None and slot.closing is None:
            slot.nextcall.schedule()

    def spider_idle(self, spider: Spider) -> None:
        frontier = self.tracker.frontier
        if frontier is None:
            return
        # Idle here means nothing is downloading or in the pipelines of this process: what it took
        # is finished; commit it so the pending set empties.
        self.tracker.finish_all()
        self.crawler.signals.send_catch_log(signal=store_signals.flush_requested)
        status = frontier.status()
        seeded = status.seeded in (DONE, b"") or self._seeder_gone(status.seeded)
        if status.empty and seeded:
            now = time.monotonic()
            if self._empty_since is None:
                self._empty_since = now
            if now - self._empty_since >= self.idle_seconds:
                log.info("The shared frontier is empty: closing")
                return
        else:
            self._empty_since = None
        raise DontCloseSpider

    def _seeder_gone(self, seeded: bytes) -> bool:
        """True when the process pushing the start requests died before saying it was done."""
        tracker = self.tracker
        if not seeded.startswith(b"seeding:") or tracker.frontier is None:
            return False
        seeder = seeded.split(b":", 1)[1].decode()
        if tracker.frontier.server.exists(tracker.frontier.base + f"worker:{seeder}"):
            return False
        if not self._warned_seeder:
            log.warning("Worker %s died while pushing the start requests: crawling what it pushed", seeder)
            self._warned_seeder = True
        return True
