"""Scrapy extension: measure each run (scraper/operations/measure.py) and judge its health at the end.

Enabled in settings.py (EXTENSIONS). It needs the run's ``crawl_run`` id, which the store pipeline
puts in the stats; without it (no database) it does nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Request, Response

from scraper.article import CrawlItem
from scraper.operations.health import DEGRADED, Tolerance, describe, record_run
from scraper.operations.measure import RunMeasure

log = logging.getLogger(__name__)

HEALTH_STAT = "akhbar/health"


class HealthMonitor:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.measure = RunMeasure()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        monitor = cls(crawler)
        crawler.signals.connect(monitor.response_received, signal=signals.response_received)
        crawler.signals.connect(monitor.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(monitor.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(monitor.spider_closed, signal=signals.spider_closed)
        return monitor

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        self.measure.add_response(response.status)

    def item_scraped(self, item: Any, response: Any, spider: Spider) -> None:
        if isinstance(item, CrawlItem) and item.article is not None:
            self.measure.add_article(item.article)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Spider) -> None:
        if isinstance(item, CrawlItem):
            self.measure.add_dropped(item.stage, had_response=item.page.status != 0)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        stats = self.crawler.stats
        run_id = stats.get_value("akhbar/crawl_run_id") if stats is not None else None
        if run_id is None:
            return
        site = getattr(getattr(spider, "site", None), "name", None) or spider.name
        settings = self.crawler.settings
        tolerance = Tolerance.from_settings(settings.getfloat)
        from scraper.storage.engine import make_engine

        engine = make_engine(settings.get("AKHBAR_DATABASE_URL"))
        try:
            state, drops = record_run(engine, int(run_id), site, self.measure, tolerance,
                                      finished=reason == "finished")
        except Exception as error:  # the database that failed the crawl may be down: the crawl's result stands
            log.error("could not record the health of run %s: %s", run_id, error)
            return
        finally:
            engine.dispose()
        if stats is not None:
            stats.set_value(HEALTH_STAT, state)
        if state == DEGRADED:
            log.warning("site %s: run %s is degraded: %s", site, run_id, describe(drops))
        else:
            log.info("site %s: run %s health %s", site, run_id, state)
