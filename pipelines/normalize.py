"""Second stage: one text form everywhere, instants in UTC.

Stored text stays as published (diacritics and Eastern Arabic digits included) but in NFC,
without tatweel, zero-width or bidi control characters, and with whitespace collapsed.
Structured fields hold parsed values: dates as UTC instants, the raw text kept beside them.

Dates keep what the page printed (``*_local``, ``*_precision``, ``*_zone_source``, see
scraper.extract.published.stamp): a day or a month is stored as 00:00 UTC of that day (of the
month's first day), so converting to UTC never moves a printed day to the day before; a clock
whose zone is unknown keeps its wall time, labelled UTC, and is marked ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

from scraper import text as _text
from scraper.article import Article, Block, Caption, CrawlItem, Precision, SourceCredit, ZoneSource

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


def _printed_day(local: str | None, moment: datetime) -> date:
    if local:
        try:
            return date.fromisoformat(local[:10] if len(local) >= 10 else local + "-01")
        except ValueError:
            pass
    return moment.date()  # the day in the value's own zone, as the page printed it


def _date_fields(
    moment: datetime | None, local: str | None, precision: Precision | None, source: ZoneSource | None
) -> tuple[datetime | None, str | None, Precision | None, ZoneSource | None]:
    """(instant, local, precision, zone source) of one date, by the rules in the module docstring."""
    if moment is None:
        return None, local, precision, source
    if precision in ("day", "month"):
        day = _printed_day(local, moment)
        if precision == "month":
            day = day.replace(day=1)
        at = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return at, local or (f"{day:%Y-%m}" if precision == "month" else day.isoformat()), precision, source
    if precision is not None:
        spec = "seconds" if precision == "second" else "minutes"
        if moment.tzinfo is None:  # the zone is unknown: the wall clock as printed, never a guessed offset
            return moment.replace(tzinfo=UTC), local or moment.isoformat(timespec=spec), precision, "unknown"
        return moment.astimezone(UTC), local or moment.isoformat(timespec=spec), precision, source
    return _utc(moment), local, precision, source


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
    published = _date_fields(
        article.published_at, _clean_optional(article.published_local), article.published_precision,
        article.published_zone_source,
    )  # fmt: skip
    updated = _date_fields(
        article.updated_at, _clean_optional(article.updated_local), article.updated_precision,
        article.updated_zone_source,
    )  # fmt: skip
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
        published_at=published[0],
        published_local=published[1],
        published_precision=published[2],
        published_zone_source=published[3],
        updated_at=updated[0],
        updated_local=updated[1],
        updated_precision=updated[2],
        updated_zone_source=updated[3],
        fetched_at=_utc(article.fetched_at) or article.fetched_at,
    )


class NormalizePipeline:
    def process_item(self, item: CrawlItem) -> CrawlItem:
        if item.article is not None:
            item.article = normalize_article(item.article)
        return item
