"""One spider for every declared site: discovery comes from the site's declaration.

``scrapy crawl site -a site=aljazeera`` crawls any declared site; per-site spiders such as
``alaraby`` only name their site. Discovery reads sitemaps (and sitemap indexes), RSS/Atom
feeds and section listing pages; every article page goes to :func:`scraper.extract.extract`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from scraper.article import CrawlItem, FetchedPage, NotAnArticle
from scraper.dates import parse_iso
from scraper.extract import extract
from scraper.replay import FETCHED_AT_HEADER
from scraper.sites.base import Site
from scraper.sites.registry import get_site, normalize_host
from scraper.spiders.arguments import CrawlArguments
from scraper.urls import canonical_url

logger = logging.getLogger(__name__)


class SiteSpider(scrapy.Spider):
    name = "site"
    site_name: ClassVar[str | None] = None  # subclasses fix their site; "site" takes -a site=NAME

    def __init__(
        self,
        site: str | Site | None = None,
        max_articles: str | None = None,
        since: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        chosen = self.site_name or site
        if not chosen:
            raise ValueError("which site? run: scrapy crawl site -a site=NAME (akhbar sites lists the names)")
        # A Site object is accepted too, for crawling a site that is not (yet) declared.
        self.site: Site = chosen if isinstance(chosen, Site) else get_site(chosen)
        self.arguments = CrawlArguments.parse(max_articles=max_articles, since=since)
        self.allowed_domains = list(self.site.domains)
        self._domains = tuple(normalize_host(domain) for domain in self.site.domains)
        self._article_path = re.compile(self.site.article_url) if self.site.article_url else None
        self._requested_articles = 0

    def _article_limit(self) -> int:
        if self.arguments.max_articles:
            return self.arguments.max_articles
        return CrawlArguments.parse(max_articles=self.settings.get("AKHBAR_MAX_ARTICLES")).max_articles

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if not (self.site.sitemaps or self.site.news_sitemaps or self.site.feeds or self.site.sections):
            logger.warning("Site %s declares no sitemap, feed or section: nothing to crawl", self.site.name)
        for url in (*self.site.news_sitemaps, *self.site.sitemaps):
            yield scrapy.Request(url, callback=self.parse_sitemap)
        for url in self.site.feeds:
            yield scrapy.Request(url, callback=self.parse_feed)
        for url in self.site.sections:
            yield scrapy.Request(url, callback=self.parse_listing)

    # --- discovery -------------------------------------------------------------------------

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        body = gunzip(response.body) if response.body[:2] == b"\x1f\x8b" else response.body
        if response.status != 200 or not body.strip():
            logger.warning("Sitemap %s answered %s with %d bytes: skipped", response.url, response.status, len(body))
            return
        try:
            sitemap = Sitemap(body)
            entries = list(sitemap)
        except (etree.XMLSyntaxError, StopIteration, ValueError) as error:
            logger.warning("Sitemap %s is not valid XML (%s): skipped", response.url, error)
            return
        for entry in entries:
            loc = entry.get("loc", "").strip()
            if not loc or not self._recent_enough(entry.get("lastmod")):
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(loc, callback=self.parse_sitemap)
            else:
                yield from self._article_request(loc)

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        try:
            root = etree.fromstring(response.body, parser=etree.XMLParser(recover=True, resolve_entities=False))
        except etree.XMLSyntaxError as error:
            logger.warning("Feed %s is not valid XML (%s): skipped", response.url, error)
            return
        if root is None:
            return
        for item in root.iter("item", "{http://www.w3.org/2005/Atom}entry"):
            link = item.findtext("link") or ""
            if not link:
                atom_link = item.find("{http://www.w3.org/2005/Atom}link")
                link = atom_link.get("href", "") if atom_link is not None else ""
            if link.strip():
                yield from self._article_request(urljoin(response.url, link.strip()))

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        if response.status != 200 or not hasattr(response, "css"):
            logger.warning("Section page %s answered %s: skipped", response.url, response.status)
            return
        for href in response.css("a::attr(href)").getall():
            yield from self._article_request(urljoin(response.url, href.strip()))

    def _article_request(self, url: str) -> Iterable[scrapy.Request]:
        if not self._is_article_url(url):
            return
        limit = self._article_limit()
        if limit and self._requested_articles >= limit:
            return
        self._requested_articles += 1
        yield scrapy.Request(canonical_url(url, None), callback=self.parse_article)

    def _is_article_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not self._owns(parts.hostname or "", parts.path):
            return False
        return self._article_path is None or bool(self._article_path.search(parts.path))

    def _owns(self, host: str, path: str) -> bool:
        host = normalize_host(host)
        on_domain = any(host == domain or host.endswith("." + domain) for domain in self._domains)
        prefix = self.site.path_prefix.rstrip("/")
        return on_domain and (not prefix or path == prefix or path.startswith(prefix + "/"))

    def _recent_enough(self, lastmod: str | None) -> bool:
        if self.arguments.since is None or not lastmod:
            return True
        moment = parse_iso(lastmod)
        return moment is None or moment >= self.arguments.since  # an unreadable lastmod must not hide an article

    # --- article pages ---------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterable[CrawlItem]:
        page = FetchedPage(
            url=response.url,
            status=response.status,
            headers={key.decode("latin-1"): b", ".join(values).decode("latin-1")
                     for key, values in response.headers.items()},
            body=response.body,
            fetched_at=_fetched_at(response),
        )
        if response.status != 200:
            yield CrawlItem(page=page, problem=f"HTTP status {response.status}", stage="fetch")
            return
        try:
            article = extract(response.body, response.url, page.fetched_at, site=self.site)
        except NotAnArticle as verdict:
            yield CrawlItem(page=page, problem=f"not an article: {verdict}")
            return
        except Exception as error:  # an extractor bug must cost one page, not the crawl
            logger.exception("Extraction failed on %s", response.url)
            yield CrawlItem(page=page, problem=f"extractor error: {type(error).__name__}: {error}")
            return
        yield CrawlItem(page=page, article=article)


def _fetched_at(response: Response) -> datetime:
    saved = response.headers.get(FETCHED_AT_HEADER)
    return (parse_iso(saved.decode("latin-1")) if saved else None) or datetime.now(UTC)
