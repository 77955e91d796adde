"""The crawl log: a scraped page is named by its URL, and per-page DEBUG lines cost nothing below DEBUG."""

from __future__ import annotations

import logging

from scrapy import Spider
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from scraper.article import CrawlItem
from scraper.logformatter import AkhbarLogFormatter
from scraper.storage.synthetic import make_article, make_page


def _formatter(level: str) -> AkhbarLogFormatter:
    return AkhbarLogFormatter.from_crawler(get_crawler(Spider, {"LOG_LEVEL": level}))


def _page() -> tuple[CrawlItem, HtmlResponse]:
    article = make_article(1)
    page = make_page(article)
    response = HtmlResponse(page.url, body=page.body, request=Request(page.url))
    return CrawlItem(page, article), response


def test_at_debug_a_scraped_page_is_its_url_not_its_html() -> None:
    item, response = _page()
    spider = Spider("test")
    logged = _formatter("DEBUG").scraped(item, response, spider)
    assert logged is not None
    line = logged["msg"] % logged["args"]
    assert item.page.url in line
    assert len(line) < 300  # the body is tens of kilobytes
    assert _formatter("DEBUG").crawled(response.request, response, spider) is not None


def test_below_debug_no_per_page_record_is_made() -> None:
    item, response = _page()
    spider = Spider("test")
    for level in ("INFO", "WARNING", logging.ERROR):
        formatter = _formatter(level)  # type: ignore[arg-type]
        assert formatter.scraped(item, response, spider) is None
        assert formatter.crawled(response.request, response, spider) is None
    dropped = _formatter("WARNING").dropped(item, ValueError("no body"), response, spider)
    assert dropped["level"] == logging.WARNING and "no body" in dropped["msg"] % dropped["args"]
