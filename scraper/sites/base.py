"""What a site declaration holds: identity, time zone, discovery, and only the rules the
generic extractor gets wrong for it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SiteRules:
    """Per-field overrides for the generic extractor: CSS selectors, compiled once by the extractor.

    Leave a field None to let the generic extractor decide. Each rule must be justified by a
    fixture under tests/sites/<site name>/ that shows the markup it handles.
    """

    title: str | None = None  # element whose text is the headline
    body: str | None = None  # container of the article's paragraphs
    body_exclude: tuple[str, ...] = ()  # elements inside the body container that are not body
    captions: str | None = None  # caption elements (figcaption-like)
    authors: str | None = None  # byline elements
    published: str | None = None  # element whose text (or datetime/content attribute) is the date
    prefer_visible_date: bool = False  # the page's meta times lie (e.g. local time marked "Z")


@dataclass(frozen=True, slots=True)
class Site:
    name: str  # short id: spider name, database key, CLI argument ("alaraby")
    title: str  # human name ("Al-Araby TV")
    domains: tuple[str, ...]  # registrable hosts; subdomains match too ("alaraby.com")
    # IANA zone of the newsroom, for dates printed without one ("Asia/Qatar"); None: not known
    # (the generic site), the page's domain, locale or dateline decide
    timezone: str | None
    language: str = "ar"
    path_prefix: str = ""  # for sites sharing a domain: "/arabic" on bbc.com
    sitemaps: tuple[str, ...] = ()
    news_sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()  # RSS/Atom
    sections: tuple[str, ...] = ()  # listing pages that link to articles
    article_url: str | None = None  # regex an article URL's path matches; None: any same-site link
    # Hours after publication at which a stored article is fetched again, for edits (scraper/spiders/known.py)
    revisit_hours: tuple[float, ...] = (1.0, 6.0, 24.0)
    rules: SiteRules = field(default_factory=SiteRules)
    verified: str | None = None  # how the declaration was checked: "real page: ..."; None if not
    notes: str = ""
