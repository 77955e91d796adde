"""Discovery without a network: the site spider reads constructed sitemaps, feeds and listings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler

from scraper.sites.registry import get_site
from scraper.spiders.arguments import CrawlArguments, SpiderArgumentError
from scraper.spiders.site import SiteSpider


async def _collect(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]

SITE = replace(get_site("alaraby"), domains=("news.example",), article_url=r"^/news/")

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-2024.xml</loc><lastmod>2024-06-01T00:00:00+00:00</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemap-2019.xml</loc><lastmod>2019-06-01T00:00:00+00:00</lastmod></sitemap>
</sitemapindex>"""
URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://news.example/news/new-story</loc><lastmod>2024-05-30</lastmod></url>
  <url><loc>https://news.example/news/old-story</loc><lastmod>2019-01-01</lastmod></url>
  <url><loc>https://other.example/news/foreign</loc></url>
  <url><loc>https://news.example/about</loc></url>
</urlset>"""
FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>أخبار</title>
<item><title>خبر أول</title><link>https://news.example/news/first?traffic_source=rss&amp;utm_source=rss</link></item>
<item><title>خبر ثان</title><link>https://news.example/news/second</link></item>
</channel></rss>""".encode()
LISTING = """<html><body>
<a href="/news/one?utm_campaign=x#top">واحد</a> <a href="/news/two">اثنان</a>
<a href="https://twitter.com/share">شارك</a> <a href="/contact">اتصل بنا</a>
</body></html>""".encode()


def _spider(**arguments: str) -> SiteSpider:
    crawler = get_crawler(SiteSpider)
    return SiteSpider.from_crawler(crawler, site=SITE, **arguments)


def _urls(requests: object) -> list[str]:
    return [request.url for request in requests]  # type: ignore[attr-defined]


def test_sitemap_index_is_followed_only_for_recent_days() -> None:
    spider = _spider(since="2024-01-01")
    response = XmlResponse("https://news.example/sitemap.xml", body=SITEMAP_INDEX)
    assert _urls(spider.parse_sitemap(response)) == ["https://news.example/sitemap-2024.xml"]


def test_urlset_yields_only_recent_article_urls_of_the_site() -> None:
    spider = _spider(since="2024-01-01")
    response = XmlResponse("https://news.example/sitemap-2024.xml", body=URLSET)
    assert _urls(spider.parse_sitemap(response)) == ["https://news.example/news/new-story"]


def test_gzipped_and_broken_sitemaps() -> None:
    import gzip

    spider = _spider()
    gz = XmlResponse("https://news.example/s.xml.gz", body=gzip.compress(URLSET))
    assert "https://news.example/news/old-story" in _urls(spider.parse_sitemap(gz))
    broken = XmlResponse("https://news.example/s.xml", body=b"<html>oops")
    assert _urls(spider.parse_sitemap(broken)) == []


def test_feed_links_lose_their_tracking_parameters() -> None:
    spider = _spider()
    response = XmlResponse("https://news.example/rss", body=FEED)
    assert _urls(spider.parse_feed(response)) == [
        "https://news.example/news/first",
        "https://news.example/news/second",
    ]


def test_listing_follows_article_links_only() -> None:
    spider = _spider()
    response = HtmlResponse("https://news.example/news", body=LISTING, encoding="utf-8")
    assert _urls(spider.parse_listing(response)) == ["https://news.example/news/one", "https://news.example/news/two"]


def test_max_articles_caps_the_article_requests() -> None:
    spider = _spider(max_articles="1")
    response = HtmlResponse("https://news.example/news", body=LISTING, encoding="utf-8")
    assert len(_urls(spider.parse_listing(response))) == 1


def test_article_page_becomes_a_crawl_item_with_the_raw_page() -> None:
    spider = _spider()
    body = (
        "<html><head><title>فيديو</title></head><body><video src='x.mp4'></video></body></html>"
    ).encode()
    request = Request("https://news.example/news/video")
    response = HtmlResponse(request.url, body=body, encoding="utf-8", request=request)
    items = asyncio.run(_collect(spider.parse_article(response)))  # outside a crawl: extracted inline
    assert len(items) == 1
    assert items[0].article is None
    assert items[0].problem and items[0].problem.startswith("not an article")
    assert items[0].page.body == body


@pytest.mark.parametrize(
    ("arguments", "message"),
    [({"max_articles": "many"}, "whole number"), ({"max_articles": "-2"}, "0"), ({"since": "yesterday"}, "date")],
)
def test_bad_spider_arguments_say_what_is_wrong(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(SpiderArgumentError, match=message):
        CrawlArguments.parse(**arguments)


def test_max_articles_setting_caps_the_article_requests_as_settings_give_it() -> None:
    crawler = get_crawler(SiteSpider, settings_dict={"AKHBAR_MAX_ARTICLES": "1"})  # as read from the environment
    spider = SiteSpider.from_crawler(crawler, site=SITE)
    response = HtmlResponse("https://news.example/news", body=LISTING, encoding="utf-8")
    assert _urls(spider.parse_listing(response)) == ["https://news.example/news/one"]
