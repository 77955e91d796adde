"""Second stage: one text form everywhere, instants in UTC.

Stored text stays as published (diacritics and Eastern Arabic digits included) but in NFC,
without tatweel, zero-width or bidi control characters, and with whitespace collapsed.
Structured fields hold parsed values: dates as UTC instants, the raw text kept beside them.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from scraper import text as _text
from scraper.article import Article, Block, Caption, CrawlItem, SourceCredit

# C0 controls but tab and newline (which clean_text turns into spaces where they do not belong),
# DEL and the C1 block: no published text holds them, and PostgreSQL refuses NUL in any text.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without control characters, newline and tab kept."""
    return _CONTROLS.sub("", text)


def clean_text(text: str) -> str:
    return _text.clean_text(strip_controls(text))


def _clean_optional(text: str | None) -> str | None:
    if text is None:
        return None
    return clean_text(text) or None


def _plain_optional(text: str | None) -> str | None:
    """Values kept as they are (URLs, raw date strings' neighbours): only control characters go."""
    if text is None:
        return None
    return strip_controls(text) or None


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in (clean_text(v) for v in values) if value))


def _utc(moment: datetime | None) -> datetime | None:
    # A naive value has no known zone; the extractor gives aware ones whenever the site
    # declares its zone, so naive here is left naive rather than guessed.
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC)


def normalize_article(article: Article) -> Article:
    """The article with every text field cleaned and every instant in UTC (a new object)."""
    blocks = [Block(block.kind, text) for block in article.blocks if (text := clean_text(block.text))]
    captions: list[Caption] = []
    seen_captions: set[str] = set()
    for caption in article.captions:
        text = clean_text(caption.text)
        if text and text not in seen_captions:
            seen_captions.add(text)
            captions.append(Caption(text, _clean_optional(caption.credit), _plain_optional(caption.image_url)))
    sources: list[SourceCredit] = []
    seen_sources: set[str] = set()
    for source in article.sources:
        name = clean_text(source.name)
        key = _clean_optional(source.canonical) or name
        if name and key not in seen_sources:
            seen_sources.add(key)
            sources.append(SourceCredit(name, _clean_optional(source.canonical)))
    return replace(
        article,
        title=clean_text(article.title),
        subtitle=_clean_optional(article.subtitle),
        blocks=blocks,
        authors=_unique(article.authors),
        sources=sources,
        captions=captions,
        tags=_unique(article.tags),
        section=_clean_optional(article.section),
        url=strip_controls(article.url),
        canonical_url=strip_controls(article.canonical_url),
        site=strip_controls(article.site),
        language=_plain_optional(article.language),
        image_url=_plain_optional(article.image_url),
        published_raw=_clean_optional(article.published_raw),
        updated_raw=_clean_optional(article.updated_raw),
        published_at=_utc(article.published_at),
        updated_at=_utc(article.updated_at),
        fetched_at=_utc(article.fetched_at) or article.fetched_at,
    )


class NormalizePipeline:
    def process_item(self, item: CrawlItem) -> CrawlItem:
        if item.article is not None:
            item.article = normalize_article(item.article)
        return item
