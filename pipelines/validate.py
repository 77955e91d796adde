"""First stage: only real articles go on. Everything else is dropped with a one-line reason.

A dropped item is not lost: the store pipeline listens for ``item_dropped`` and records the
raw page and the reason in ``extraction_failure``.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from scraper.article import CrawlItem

# A body shorter than this is a failed extraction. Short items (a two-sentence عاجل, a 150-character
# agency flash) are articles: the extractor's verdict judges them by structure (a headline, a date,
# article markup), so this guard stays below one sentence (scraper/extract/verdict.py MIN_SHORT_ITEM).
DEFAULT_MIN_BODY_CHARS = 40


class ValidatePipeline:
    def __init__(self, min_body_chars: int = DEFAULT_MIN_BODY_CHARS) -> None:
        self.min_body_chars = min_body_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler.settings.getint("AKHBAR_MIN_BODY_CHARS", DEFAULT_MIN_BODY_CHARS))

    def process_item(self, item: CrawlItem) -> CrawlItem:
        if not isinstance(item, CrawlItem):
            raise DropItem(f"unexpected item type {type(item).__name__}: spiders must yield CrawlItem")
        problem = self.problem(item)
        if problem:
            raise DropItem(f"{item.page.url}: {problem}", log_level="WARNING")
        return item

    def problem(self, item: CrawlItem) -> str | None:
        """Why this item must not be stored, or None when it is a usable article."""
        article = item.article
        if article is None:
            return item.problem or "no article extracted"
        if not article.title.strip():
            return "no title"
        length = len(article.body)
        if length < self.min_body_chars:
            return f"body has {length} characters, fewer than {self.min_body_chars}: not a full article"
        if not article.canonical_url.startswith(("http://", "https://")):
            return f"canonical URL {article.canonical_url!r} is not an http(s) URL"
        return None
