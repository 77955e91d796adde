"""Log lines a person can read: a dropped page is its URL and the reason, not the whole item.

Scrapy builds a DEBUG record for every page crawled and every item scraped whatever LOG_LEVEL
says (the level filters at the handler, after the record is made), and the scraped one formats
the whole item, page body included; with the masking record factory (scraper/masking.py) that
was ~3% of a crawl process's CPU (bench/README.md, Crawl 2026-12-04). Below DEBUG they are not
made at all; at DEBUG the scraped line names the page, not its contents.
"""

from __future__ import annotations

import logging
from typing import Any, Self

from scrapy import logformatter
from scrapy.crawler import Crawler

from scraper.article import CrawlItem


def _level(value: Any) -> int:
    if isinstance(value, int):
        return value
    found = logging.getLevelName(str(value).upper())
    return found if isinstance(found, int) else logging.DEBUG


class AkhbarLogFormatter(logformatter.LogFormatter):
    def __init__(self, level: int = logging.DEBUG) -> None:
        self.level = level  # the crawl's LOG_LEVEL: records below it would only be thrown away

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(_level(crawler.settings.get("LOG_LEVEL", "DEBUG")))

    def crawled(self, request: Any, response: Any, spider: Any) -> logformatter.LogFormatterResult | None:
        if self.level > logging.DEBUG:
            return None
        return super().crawled(request, response, spider)

    def scraped(self, item: Any, response: Any, spider: Any) -> logformatter.LogFormatterResult | None:
        if self.level > logging.DEBUG:
            return None
        if not isinstance(item, CrawlItem):
            return super().scraped(item, response, spider)
        return {"level": logging.DEBUG, "msg": "Scraped %(url)s", "args": {"url": item.page.url}}

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None,
                **kwargs: Any) -> logformatter.LogFormatterResult:
        level = getattr(exception, "log_level", None) or "WARNING"
        return {
            "level": getattr(logging, str(level).upper(), logging.WARNING),
            "msg": "Dropped: %(exception)s",
            "args": {"exception": exception},
        }
