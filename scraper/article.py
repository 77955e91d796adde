"""The one record every extractor returns and every pipeline stage passes on.

Extraction is a pure function ``(html, url, fetched_at) -> Article``; spiders wrap the
result with the raw response in a :class:`CrawlItem`, and the pipelines validate,
normalize and store it.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

BlockKind = Literal["paragraph", "heading"]
Calendar = Literal["gregorian", "hijri"]
Precision = Literal["second", "minute", "day", "month"]  # how much of a date the page printed
# Where the zone of a date's clock came from: printed beside it, the ISO value's own offset, the
# declared site, the country-code domain, the page locale, a dateline city; or nothing said.
ZoneSource = Literal["text", "metadata", "site", "domain", "locale", "dateline", "unknown"]


class NotAnArticle(Exception):
    """The page is not a news article (home page, section page, video-only page, 404 ...).

    The message is one line saying why, for logs and the ``extraction_failure`` table.
    """


@dataclass(slots=True)
class Block:
    """One piece of the body in reading order: a paragraph or a sub-heading."""

    kind: BlockKind
    text: str


@dataclass(slots=True)
class Caption:
    text: str
    credit: str | None = None  # photo credit split off the caption, e.g. "أرشيف - غيتي"
    image_url: str | None = None


@dataclass(slots=True)
class SourceCredit:
    """An agency or outlet credited for the article's text."""

    name: str  # as printed on the page, e.g. "رويترز"
    canonical: str | None = None  # from scraper/data/agencies.yaml, e.g. "Reuters"


@dataclass(slots=True)
class Article:
    url: str
    canonical_url: str
    site: str  # the declared site's name, or the host for the generic extractor
    title: str
    blocks: list[Block] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    language: str | None = "ar"
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    sources: list[SourceCredit] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    # Dates (see docs/extraction.md, "Dates and time zones"). ``*_at`` is aware, for sorting and
    # filters: the real instant when a clock and its zone are known, else the printed wall clock
    # (or the day's 00:00) labelled UTC, so its UTC date is the printed date. ``*_local`` is the
    # ISO wall time as printed: `2013-08-03` (a day), `2019-09` (a month), `2022-05-03T18:45+02:00`
    # (zone known), `2022-05-03T18:45` (zone unknown).
    published_at: datetime | None = None
    published_raw: str | None = None  # the text or attribute value the date was read from
    published_calendar: Calendar | None = None
    published_local: str | None = None
    published_precision: Precision | None = None
    published_zone_source: ZoneSource | None = None
    updated_at: datetime | None = None
    updated_raw: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None  # the lead image, when the page declares one
    updated_local: str | None = None
    updated_precision: Precision | None = None
    updated_zone_source: ZoneSource | None = None

    @property
    def body(self) -> str:
        """Paragraphs and sub-headings in order, separated by a blank line."""
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def content_hash(self) -> str:
        """SHA-256 of the normalized body: equal bodies, equal hashes, across URLs and runs."""
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (datetimes as ISO 8601) with the derived ``body`` and ``content_hash``."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, datetime):
                data[key] = value.isoformat()
        data["body"] = self.body
        data["content_hash"] = self.content_hash
        return data


@dataclass(slots=True)
class FetchedPage:
    """A response as the downloader (or the replay archive) delivered it."""

    url: str
    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)  # kept out of logs: a dropped item is logged with its repr
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(slots=True)
class CrawlItem:
    """What a spider yields for each article page: the raw page and what extraction made of it.

    ``article`` is None when extraction decided the page is not an article or failed;
    ``problem`` then says why in one line, and ``stage`` where (``extract``).
    """

    page: FetchedPage
    article: Article | None = None
    problem: str | None = None
    stage: str = "extract"
