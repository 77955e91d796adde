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
    published_at: datetime | None = None  # time-zone aware whenever the page allows it
    published_raw: str | None = None  # the text or attribute value the date was read from
    published_calendar: Calendar | None = None
    updated_at: datetime | None = None
    updated_raw: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    image_url: str | None = None  # the lead image, when the page declares one

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
