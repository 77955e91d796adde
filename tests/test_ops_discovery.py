"""Discovery without a network: Google News sitemaps, feed dates and listing pages decide which
URLs a run fetches, before fetching them; re-visit timing; the contact User-Agent. Constructed inputs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from scrapy.http import HtmlResponse, Request, XmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import Engine

from scraper.middlewares.contact import contact_user_agent
from scraper.sites.registry import get_site
from scraper.spiders.arguments import CrawlArguments, SpiderArgumentError
from scraper.spiders.known import due
from scraper.spiders.site import SiteSpider
from scraper.spiders.sitemap_entries import SitemapReader

SITE = replace(get_site("alaraby"), domains=("news.example",), article_url=r"^/news/")
NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://news.example/news/jan</loc><news:news><news:publication><news:name>أخبار</news:name>
   <news:language>ar</news:language></news:publication>
   <news:publication_date>2026-01-10T08:00:00+03:00</news:publication_date><news:title>خبر يناير</news:title>
 </news:news></url>
 <url><loc>https://news.example/news/old-edited</loc><lastmod>2026-03-01</lastmod><news:news>
   <news:publication_date>2025-06-01</news:publication_date><news:title>خبر قديم معدل</news:title></news:news></url>
 <url><loc>https://news.example/news/old</loc><news:news>
   <news:publication_date>2025-06-01</news:publication_date><news:title>خبر قديم</news:title></news:news></url>
 <url><loc>https://news.example/news/march</loc><news:news>
   <news:publication_date>2026-03-05T10:00:00Z</news:publication_date></news:news></url>
 <url><loc>https://news.example/news/undated</loc></url>
</urlset>""".encode()


def _spider(**arguments: str) -> SiteSpider:
    return SiteSpider.from_crawler(get_crawler(SiteSpider), site=SITE, **arguments)


def _urls(requests: object) -> list[str]:
    return [request.url.rsplit("/", 1)[-1] for request in requests]  # type: ignore[attr-defined]


def test_news_sitemap_entries_carry_publication_date_and_title() -> None:
    reader = SitemapReader(NEWS_SITEMAP)
    entries = list(reader)
    assert reader.type == "urlset"
    assert [(e.loc.rsplit("/", 1)[-1], e.published.isoformat() if e.published else None, e.title) for e in entries] == [
        ("jan", "2026-01-10T08:00:00+03:00", "خبر يناير"),
        ("old-edited", "2025-06-01T00:00:00+00:00", "خبر قديم معدل"),
        ("old", "2025-06-01T00:00:00+00:00", "خبر قديم"),
        ("march", "2026-03-05T10:00:00+00:00", None),
        ("undated", None, None),
    ]
    assert entries[1].newest == datetime(2026, 3, 1, tzinfo=UTC)  # edited since: its lastmod counts


def test_since_skips_old_news_entries_but_keeps_edited_and_undated_ones() -> None:
    response = XmlResponse("https://news.example/news-sitemap.xml", body=NEWS_SITEMAP)
    assert _urls(_spider(since="2026-01-01").parse_sitemap(response)) == ["jan", "old-edited", "march", "undated"]


def test_until_and_limit_as_spider_arguments() -> None:
    response = XmlResponse("https://news.example/news-sitemap.xml", body=NEWS_SITEMAP)
    spider = _spider(since="2026-01-01", until="2026-02-28")
    assert _urls(spider.parse_sitemap(response)) == ["jan", "old-edited", "undated"]  # march is after --until
    assert _urls(_spider(limit="2").parse_sitemap(response)) == ["jan", "old-edited"]


def test_crawl_arguments_say_what_is_wrong() -> None:
    with pytest.raises(SpiderArgumentError, match="give limit or max_articles, not both"):
        CrawlArguments.parse(limit="3", max_articles="4")
    with pytest.raises(SpiderArgumentError, match=r"until \(2026-01-01\) must be later than since \(2026-02-01\)"):
        CrawlArguments.parse(since="2026-02-01", until="2026-01-01")
    with pytest.raises(SpiderArgumentError, match="limit must be a whole number, got 'ten'"):
        CrawlArguments.parse(limit="ten")
    window = CrawlArguments.parse(until="2026-01-31")
    assert window.until == datetime(2026, 2, 1, tzinfo=UTC)  # a bare day includes that day


def test_feed_entries_before_since_are_not_requested() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel>
<item><link>https://news.example/news/fresh</link><pubDate>Thu, 05 Mar 2026 10:00:00 +0300</pubDate></item>
<item><link>https://news.example/news/stale</link><pubDate>Mon, 01 Jun 2025 10:00:00 GMT</pubDate></item>
<item><link>https://news.example/news/nodate</link></item>
</channel></rss>"""
    response = XmlResponse("https://news.example/feed", body=feed)
    assert _urls(_spider(since="2026-01-01").parse_feed(response)) == ["fresh", "nodate"]


def _listing(times: list[str], next_href: str | None = "/news?page=2") -> HtmlResponse:
    items = "".join(f'<a href="/news/s{i}">خبر</a><time datetime="{t}"></time>' for i, t in enumerate(times))
    link = f'<a rel="next" href="{next_href}">التالي</a>' if next_href else ""
    request = Request("https://news.example/news?page=1", meta={"listing_page": 1})
    return HtmlResponse(request.url, body=f"<html><body>{items}{link}</body></html>".encode(), encoding="utf-8",
                        request=request)


def test_a_listing_is_paged_back_only_while_it_is_newer_than_since() -> None:
    newer = _listing(["2026-03-05T10:00:00Z", "2026-03-04T10:00:00Z"])
    requests = list(_spider(since="2026-03-01").parse_listing(newer))
    assert [(r.url, r.meta.get("listing_page")) for r in requests][-1] == ("https://news.example/news?page=2", 2)
    passed = _listing(["2026-03-05T10:00:00Z", "2026-02-20T10:00:00Z"])
    assert _urls(_spider(since="2026-03-01").parse_listing(passed)) == ["s0", "s1"]  # no older page
    assert _urls(_spider().parse_listing(newer)) == ["s0", "s1"]  # without --since: the declared page only
    undated = _listing([])
    assert _urls(_spider(since="2026-03-01").parse_listing(undated)) == []


def test_revisits_are_due_at_1_6_and_24_hours_after_publication() -> None:
    published = datetime(2026, 3, 5, 10, tzinfo=UTC)
    hours = (1, 6, 24)
    seen_at = published + timedelta(minutes=20)
    assert not due(published, seen_at, published + timedelta(minutes=50), hours)
    assert due(published, seen_at, published + timedelta(hours=1, minutes=5), hours)
    revisited = published + timedelta(hours=1, minutes=5)
    assert not due(published, revisited, published + timedelta(hours=5), hours)
    assert due(published, revisited, published + timedelta(hours=7), hours)
    last = published + timedelta(hours=24, minutes=1)
    assert not due(published, last, published + timedelta(days=30), hours)  # after a day: never again


def test_the_contact_address_goes_into_the_user_agent_comment() -> None:
    base = "akhbar/0.1 (+https://github.com/akhbar-news/akhbar)"
    with_contact = "akhbar/0.1 (+https://github.com/akhbar-news/akhbar; ops@example.org)"
    assert contact_user_agent(base, "ops@example.org") == with_contact
    assert contact_user_agent("mybot/2", "https://example.org/bot") == "mybot/2 (https://example.org/bot)"
    assert contact_user_agent(base, "") == base
    with pytest.raises(ValueError, match="control characters"):
        contact_user_agent(base, "a@b\nX-Evil: 1")


def test_stored_urls_are_known_and_recent_ones_due_for_a_revisit(database_url: str, engine: Engine) -> None:
    from scraper.article import CrawlItem, FetchedPage
    from scraper.extract import extract
    from scraper.spiders.known import KnownArticles
    from scraper.storage.writer import ArticleWriter
    from tests.support.ops_pages import article_html

    now = datetime.now(UTC).replace(microsecond=0)
    stories = {"https://www.alaraby.com/news/old": now - timedelta(days=20),
               "https://www.alaraby.com/news/fresh": now - timedelta(hours=3)}
    seen = now - timedelta(hours=2, minutes=30)  # fetched 30 minutes after the fresh one appeared
    items = []
    for url, published in stories.items():
        body = article_html(url, "خبر", published)
        page = FetchedPage(url=url + "?from=feed", status=200, headers={}, body=body, fetched_at=seen)
        items.append(CrawlItem(page=page, article=extract(body, url + "?from=feed", seen)))
    writer = ArticleWriter(engine)
    writer.store(items)
    writer.close()
    known = KnownArticles(database_url, (1, 6, 24))
    known.prefetch([*stories, "https://www.alaraby.com/news/other"])
    try:
        assert known.decision("https://www.alaraby.com/news/old") == "known"
        assert known.decision("https://www.alaraby.com/news/fresh") == "revisit"  # its 1 h point has passed
        assert known.decision("https://www.alaraby.com/news/fresh?from=feed") == "revisit"  # by its fetched URL
        assert known.decision("https://www.alaraby.com/news/other") == "new"
    finally:
        known.close()


def _judge(stats: dict, **run: int):  # type: ignore[no-untyped-def]
    from scraper.cli.crawl_outcome import judge

    row = {"articles_stored": 0, "failures": 0, "download_failures": 0, **run}
    return judge({"finish_reason": "finished", **stats}, row, "https://a.example/x: HTTP 503 after 2 tries")


def test_the_exit_status_of_a_finished_run() -> None:
    ok = {"downloader/response_status_count/200": 3, "robotstxt/response_status_count/200": 1}
    assert _judge(ok, articles_stored=4).code == 0
    # The sitemap answered, every article download failed: nothing stored because of errors.
    outcome = _judge(ok, failures=3, download_failures=3)
    assert (outcome.code, outcome.reason) == (
        1, "nothing stored: all 3 article downloads failed (first: https://a.example/x: HTTP 503 after 2 tries)")
    # Nothing new on a site that answered: the run did its work, even with one broken link.
    assert _judge({**ok, "akhbar/known_skipped": 40}, failures=1, download_failures=1).code == 0
    # Every page fetched was judged not an article: no error, the run did its work (health tracks the drop).
    assert _judge(ok, failures=2).code == 0
    assert _judge({"robotstxt/response_status_count/200": 1, "downloader/response_status_count/200": 1},
                  failures=2, download_failures=2).reason == (
        "nothing fetched: all 2 downloads failed (first: https://a.example/x: HTTP 503 after 2 tries)")
    assert _judge({**ok, "log_count/ERROR": 2}).reason == "nothing stored: 2 errors were logged (see the log above)"
    from scraper.cli.crawl_outcome import judge

    assert judge({"finish_reason": "deadline"}, None, None).reason == "the run stopped early (deadline)"
