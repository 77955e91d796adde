"""One spider for every declared site: discovery comes from the site's declaration.

``scrapy crawl site -a site=aljazeera`` crawls any declared site; per-site spiders such as
``alaraby`` only name their site. Discovery reads sitemaps (and sitemap indexes), RSS/Atom
feeds and section listing pages; every article page goes to :func:`scraper.extract.extract`.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from scraper.article import CrawlItem, FetchedPage
from scraper.dates import parse_iso
from scraper.extraction_pool import ExtractionPool, Outcome, extract_page
from scraper.replay import FETCHED_AT_HEADER
from scraper.sites.base import Site
from scraper.sites.registry import get_site, normalize_host
from scraper.spiders.arguments import CrawlArguments
from scraper.spiders.failures import download_failure
from scraper.spiders.known import KnownArticles
from scraper.spiders.listing import feed_entry_date, keep_paging, listing_dates, next_page
from scraper.spiders.sitemap_entries import SitemapReader, stopped_early, without_doctype
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
        deadline: str | None = None,
        until: str | None = None,
        limit: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        chosen = self.site_name or site
        if not chosen:
            raise ValueError("which site? run: scrapy crawl site -a site=NAME (akhbar sites lists the names)")
        # A Site object is accepted too, for crawling a site that is not (yet) declared.
        self.site: Site = chosen if isinstance(chosen, Site) else get_site(chosen)
        self.arguments = CrawlArguments.parse(
            max_articles=max_articles, since=since, until=until, limit=limit, deadline=deadline
        )
        self.allowed_domains = list(self.site.domains)
        self._domains = tuple(normalize_host(domain) for domain in self.site.domains)
        self._article_path = re.compile(self.site.article_url) if self.site.article_url else None
        self._requested_articles = 0
        self._requested_sitemaps = 0
        self._deadline_call: Any = None
        self._pool: ExtractionPool | None = None
        self._known: KnownArticles | bool | None = False  # False: not opened yet; None: incremental off

    def _article_limit(self) -> int:
        if self.arguments.max_articles:
            return self.arguments.max_articles
        return CrawlArguments.parse(max_articles=self.settings.get("AKHBAR_MAX_ARTICLES")).max_articles

    def _setting(self, name: str, default: float) -> float:
        return self.settings.getfloat(name, default) if hasattr(self, "settings") else default

    async def start(self) -> AsyncIterator[scrapy.Request]:
        self._start_deadline()
        if not (self.site.sitemaps or self.site.news_sitemaps or self.site.feeds or self.site.sections):
            logger.warning("Site %s declares no sitemap, feed or section: nothing to crawl", self.site.name)
        for url in (*self.site.news_sitemaps, *self.site.sitemaps):
            yield self._sitemap_request(url, depth=0)
        for url in self.site.feeds:
            yield scrapy.Request(url, callback=self.parse_feed, errback=self.request_failed)
        for url in self.site.sections:
            yield scrapy.Request(url, callback=self.parse_listing, errback=self.request_failed)

    # --- the run's deadline ----------------------------------------------------------------

    def _start_deadline(self) -> None:
        """Close the spider with reason ``deadline`` after ``-a deadline=S`` or AKHBAR_DEADLINE seconds."""
        seconds = self.arguments.deadline
        if not seconds and hasattr(self, "settings"):
            seconds = CrawlArguments.parse(deadline=self.settings.get("AKHBAR_DEADLINE")).deadline
        if seconds <= 0:
            return
        from twisted.internet import reactor

        self._deadline_call = reactor.callLater(seconds, self._deadline_passed, seconds)  # type: ignore[attr-defined]

    def _deadline_passed(self, seconds: float) -> None:
        logger.warning("Deadline of %g s passed: closing the crawl", seconds)
        from scrapy.utils.defer import deferred_from_coro

        assert self.crawler.engine is not None
        deferred_from_coro(self.crawler.engine.close_spider_async(reason="deadline"))

    def closed(self, reason: str) -> None:
        if self._deadline_call is not None and self._deadline_call.active():
            self._deadline_call.cancel()
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if isinstance(self._known, KnownArticles):
            self._known.close()

    # --- failures --------------------------------------------------------------------------

    def request_failed(self, failure: Failure) -> Iterable[CrawlItem]:
        """Errback of every request: a download that failed for good leaves a failure row."""
        request = failure.request  # type: ignore[attr-defined]
        status, reason = download_failure(failure.value, self._setting("DOWNLOAD_TIMEOUT", 180))
        # The row is the URL the crawl asked for (the one a later run tries again), not a redirect's.
        asked = (request.meta.get("redirect_urls") or [request.url])[0]
        if asked != request.url and request.url not in reason:
            reason = f"{reason} (after redirects to {request.url})"
        logger.warning("Download failed: %s: %s", asked, reason)
        page = FetchedPage(url=asked, status=status, headers={}, body=b"", fetched_at=datetime.now(UTC))
        yield CrawlItem(page=page, problem=reason, stage="download")

    def _refused(self, url: str, reason: str, stage: str = "download", *, log: bool = True) -> CrawlItem:
        if log:
            logger.warning("Refused %s: %s", url, reason)
        page = FetchedPage(url=url, status=0, headers={}, body=b"", fetched_at=datetime.now(UTC))
        return CrawlItem(page=page, problem=reason, stage=stage)

    # --- discovery -------------------------------------------------------------------------

    def _sitemap_request(self, url: str, depth: int) -> scrapy.Request | CrawlItem:
        """The request for a sitemap, or past AKHBAR_MAX_SITEMAPS a failure row saying it was
        skipped (so `akhbar failures` shows what the limit left unread)."""
        limit = int(self._setting("AKHBAR_MAX_SITEMAPS", 1000))
        if limit and self._requested_sitemaps >= limit:
            if self._requested_sitemaps == limit:
                logger.warning("%d sitemaps read in this run (AKHBAR_MAX_SITEMAPS): the rest are skipped", limit)
                self._requested_sitemaps += 1
            reason = f"sitemap not read: {limit} sitemaps already read in this run (AKHBAR_MAX_SITEMAPS)"
            return self._refused(url, reason, stage="discovery", log=False)  # logged once, above
        self._requested_sitemaps += 1
        maxsize = int(self._setting("AKHBAR_SITEMAP_MAXSIZE", 50 * 1024 * 1024))
        return scrapy.Request(
            url,
            callback=self.parse_sitemap,
            errback=self.request_failed,
            meta={"sitemap_depth": depth, "download_maxsize": maxsize},
        )

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request | CrawlItem]:
        maxsize = int(self._setting("AKHBAR_SITEMAP_MAXSIZE", 50 * 1024 * 1024))
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=maxsize)
            except ValueError:  # scrapy's "decompressed more than max_size"
                reason = f"gzipped sitemap inflates beyond {maxsize} bytes (AKHBAR_SITEMAP_MAXSIZE)"
                yield self._refused(response.url, reason)
                return
            except (OSError, EOFError) as error:
                yield self._refused(response.url, f"damaged gzip sitemap ({error})")
                return
        if response.status != 200 or not body.strip():
            logger.warning("Sitemap %s answered %s with %d bytes: skipped", response.url, response.status, len(body))
            return
        try:
            sitemap = SitemapReader(body)
            entries = list(sitemap)
        except (etree.XMLSyntaxError, ValueError) as error:
            logger.warning("Sitemap %s is not valid XML (%s): skipped", response.url, error)
            return
        known = self._known_articles()
        if known is not None and sitemap.type != "sitemapindex":  # one lookup for the whole sitemap
            known.prefetch(canonical_url(e.loc, None) for e in entries if self._is_article_url(e.loc))
        for entry in entries:
            loc = entry.loc
            # An index child's lastmod says when its URLs last changed; an article's own dates
            # (news:publication_date, lastmod) place it before --since or after --until.
            index = sitemap.type == "sitemapindex"
            if not self._listed_in_window(entry.newest, None if index else entry.published, loc, entry.title):
                continue
            if index:
                depth = int(response.request.meta.get("sitemap_depth", 0) if response.request else 0) + 1
                deepest = int(self._setting("AKHBAR_SITEMAP_DEPTH", 3))
                if depth > deepest:
                    yield self._refused(loc, f"sitemap index nested deeper than {deepest} (AKHBAR_SITEMAP_DEPTH)")
                    continue
                yield self._sitemap_request(loc, depth)
            else:
                yield from self._article_request(loc, entry.published)
        if sitemap.stopped_early:
            yield self._refused(response.url, f"sitemap {sitemap.stopped_early}", stage="discovery")

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request | CrawlItem]:
        try:
            # huge_tree: a text node over 10 MB would end the parse silently (entities stay unresolved).
            parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)
            root = etree.fromstring(without_doctype(response.body), parser=parser)
        except etree.XMLSyntaxError as error:
            logger.warning("Feed %s is not valid XML (%s): skipped", response.url, error)
            return
        stopped = stopped_early(parser.error_log)
        if stopped:
            yield self._refused(response.url, f"feed {stopped}", stage="discovery")
        if root is None:
            return
        for item in root.iter("item", "{http://www.w3.org/2005/Atom}entry"):
            link = item.findtext("link") or ""
            if not link:
                atom_link = item.find("{http://www.w3.org/2005/Atom}link")
                link = atom_link.get("href", "") if atom_link is not None else ""
            published = feed_entry_date(item)
            if link.strip() and self._listed_in_window(published, published, link.strip()):
                yield from self._article_request(urljoin(response.url, link.strip()), published)

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        if response.status != 200 or not hasattr(response, "css"):
            logger.warning("Section page %s answered %s: skipped", response.url, response.status)
            return
        for href in response.css("a::attr(href)").getall():
            yield from self._article_request(urljoin(response.url, href.strip()))
        yield from self._older_listing_page(response)

    def _older_listing_page(self, response: Response) -> Iterable[scrapy.Request]:
        """The next listing page, while this one is all newer than --since (scraper/spiders/listing.py)."""
        depth = int(response.request.meta.get("listing_page", 1)) if response.request is not None else 1
        if depth >= int(self._setting("AKHBAR_MAX_LISTING_PAGES", 50)):
            return
        if not keep_paging(listing_dates(response), self.arguments.since):
            return
        older = next_page(response)
        if older is not None and self._owns(urlsplit(older).hostname or "", urlsplit(older).path):
            yield scrapy.Request(older, callback=self.parse_listing, errback=self.request_failed,
                                 meta={"listing_page": depth + 1})

    def _article_request(self, url: str, published: datetime | None = None) -> Iterable[scrapy.Request]:
        if not self._is_article_url(url):
            return
        target = canonical_url(url, None)
        known = self._known_articles()
        decision = known.decision(target) if known is not None else "new"
        if decision == "known":  # stored already and no re-visit due (scraper/spiders/known.py)
            self._count("akhbar/known_skipped")
            return
        limit = self._article_limit()
        if limit and self._requested_articles >= limit:
            return
        self._requested_articles += 1
        if decision == "revisit":
            self._count("akhbar/revisits")
        meta = {"akhbar_listed_published": published} if published is not None else {}
        yield scrapy.Request(target, callback=self.parse_article, errback=self.request_failed, meta=meta)

    def _known_articles(self) -> KnownArticles | None:
        """The stored-URL lookups of an incremental run, opened on first use (None: off)."""
        if self._known is False:
            settings = getattr(self, "settings", None)
            url = settings.get("AKHBAR_DATABASE_URL") if settings is not None else None
            on = bool(url) and settings is not None and settings.getbool("AKHBAR_INCREMENTAL", True)
            self._known = KnownArticles(url, self.site.revisit_hours) if on else None
        return self._known if isinstance(self._known, KnownArticles) else None

    def _count(self, key: str) -> None:
        stats = self.crawler.stats if hasattr(self, "crawler") else None
        if stats is not None:
            stats.inc_value(key)

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

    def _listed_in_window(
        self, newest: datetime | None, published: datetime | None, url: str, title: str | None = None
    ) -> bool:
        """Whether a listed URL belongs to the run: changed since --since, published before --until.
        An unknown date never hides a URL."""
        since, until = self.arguments.since, self.arguments.until
        old = since is not None and newest is not None and _aware(newest) < since
        late = until is not None and published is not None and _aware(published) >= until
        if old or late:
            self._count("akhbar/listed_out_of_window")
            logger.debug("Skipped %s (%s): %s", url, "before --since" if old else "after --until", title or "")
        return not (old or late)

    # --- article pages ---------------------------------------------------------------------

    async def parse_article(self, response: Response) -> AsyncIterator[CrawlItem]:
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
        limit = int(self._setting("AKHBAR_MAX_PAGE_BYTES", 5 * 1024 * 1024))
        if limit and len(response.body) > limit:
            problem = f"page has {len(response.body)} bytes, more than the {limit} parsed (AKHBAR_MAX_PAGE_BYTES)"
            yield CrawlItem(page=page, problem=problem)
            return
        content_type = response.headers.get("Content-Type")
        outcome = await self._extract(response.body, response.url, page.fetched_at,
                                      content_type.decode("latin-1") if content_type else None)
        if outcome.kind == "article":
            yield CrawlItem(page=page, article=outcome.article)
        elif outcome.kind == "not_article":
            yield CrawlItem(page=page, problem=f"not an article: {outcome.message}")
        elif outcome.kind == "timeout":
            yield CrawlItem(page=page, problem=outcome.message)
        else:
            logger.error("Extraction failed on %s: %s", response.url, outcome.message)
            yield CrawlItem(page=page, problem=f"extractor error: {outcome.message}")

    async def _extract(self, body: bytes, url: str, fetched_at: datetime, content_type: str | None) -> Outcome:
        """The page's extraction outcome: in the worker processes (with the time limit), or
        here when AKHBAR_EXTRACT_WORKERS is 0."""
        workers = int(self._setting("AKHBAR_EXTRACT_WORKERS", 1))
        # Outside a running crawl (a unit test, a script) there is no reactor to wait on: inline.
        reactor_module = sys.modules.get("twisted.internet.reactor")
        if workers <= 0 or reactor_module is None or not getattr(reactor_module, "running", False):
            return extract_page(body, url, fetched_at, self.site, content_type)
        if self._pool is None:
            self._pool = ExtractionPool(workers, self._setting("AKHBAR_EXTRACT_TIMEOUT", 20))
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet import reactor
        from twisted.internet.defer import Deferred

        future = self._pool.submit(body, url, fetched_at, self.site, content_type)
        done: Deferred[Outcome] = Deferred()
        future.add_done_callback(lambda f: reactor.callFromThread(done.callback, f.result()))  # type: ignore[attr-defined]
        return await maybe_deferred_to_future(done)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _fetched_at(response: Response) -> datetime:
    saved = response.headers.get(FETCHED_AT_HEADER)
    return (parse_iso(saved.decode("latin-1")) if saved else None) or datetime.now(UTC)
